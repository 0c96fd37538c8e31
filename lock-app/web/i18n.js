/**
 * The app's messages in Japanese and English. The language follows navigator.language until
 * the user picks one; the choice is kept in localStorage. `t(key, params)` fills `{name}`.
 */
const MESSAGES = {
  ja: {
    appTitle: 'Sekisho Lock',
    tabRequests: 'ログイン承認',
    tabCodes: 'ワンタイムパスワード',
    tabDevice: 'この端末',
    language: 'English',
    loading: '読み込み中…',
    offline: 'オフラインです。ワンタイムパスワードは表示できます。',
    enrollTitle: 'この端末を登録',
    enrollIntro: 'この端末をログイン承認に使います。分かりやすい名前を付けてください。',
    deviceName: '端末の名前',
    enrollSubmit: '登録する',
    enrolling: '鍵を作成して登録しています…',
    enrolled: '登録しました（{loginId}）。ログインの承認依頼はここに表示されます。',
    replaceTitle: '登録済みの端末を置き換えますか',
    replaceBody: '1 人が使える端末は 1 台です。置き換えると、前の端末では承認できなくなります。',
    replaceConfirm: '置き換える',
    cancel: 'キャンセル',
    enrollCancelled: '登録を取りやめました。',
    pushUnavailable:
      'この端末ではプッシュ通知を受け取れません。アプリを開くと承認依頼を取得します。',
    pushDenied: '通知が許可されていません。アプリを開くと承認依頼を取得します。',
    notEnrolled:
      'この端末はまだ登録されていません。ポータルの「Lock を設定」に表示されるリンクまたは QR コードから開いてください。',
    noRequests: '承認を待っているログインはありません。',
    refresh: '更新',
    requestFor: '{application} へのログイン',
    requestFrom: 'IP アドレス: {ip}',
    requestAt: '時刻: {time}',
    requestExpires: 'あと {seconds} 秒',
    typeNumber: 'ログイン画面に表示された 2 桁の数字',
    approve: '承認する',
    deny: '拒否する',
    notMe: '身に覚えがない',
    notMeConfirm:
      'このログインを拒否し、管理者に報告します。パスワードの変更をお勧めします。報告しますか。',
    numberRequired: 'ログイン画面に表示された 2 桁の数字を入力してください。',
    approved: '承認しました。ログイン画面に戻ってください。',
    denied: '拒否しました。',
    wrongNumber: '数字が一致しなかったため、このログインは拒否されました。',
    reported: '報告しました。このログインは拒否され、管理者に通知されました。',
    expired: 'この承認依頼は期限切れです。',
    alreadyAnswered: 'この承認依頼には回答済みです。',
    deviceUnknown: 'この端末の登録が無効です。ポータルからもう一度登録してください。',
    networkError: 'サーバーに接続できません。通信環境を確認してください。',
    serverError: 'エラーが発生しました（{code}）。',
    codesEmpty:
      'アカウントがありません。ポータルの「ワンタイムパスワードを設定」から Lock で開いてください。',
    codeAdded: '{label} を追加しました。',
    codeInvalid: 'このリンクからはアカウントを追加できません。',
    codeRemove: '削除',
    codeRemoveConfirm: '{label} を削除しますか。このアカウントのコードは表示されなくなります。',
    codeSeconds: '残り {seconds} 秒',
    deviceInfo: '登録名: {name}（{loginId}）',
    deviceNone: '登録されていません。',
    pushOn: 'プッシュ通知: 有効',
    pushOff: 'プッシュ通知: 無効（アプリを開いたときに取得）',
    iosTitle: 'iPhone で通知を受け取るには',
    iosBody: 'iPhone では、ホーム画面に追加した Web アプリだけがプッシュ通知を受け取れます。',
    iosStep1: 'Safari の共有ボタン（□に↑）をタップ',
    iosStep2: '「ホーム画面に追加」を選ぶ',
    iosStep3: 'ホーム画面の Lock アイコンから開き、もう一度登録リンクを開く',
    notificationTitle: 'ログインの承認依頼',
    notificationBody: '{application}（{ip}、{time}）',
  },
  en: {
    appTitle: 'Sekisho Lock',
    tabRequests: 'Approvals',
    tabCodes: 'One-time passwords',
    tabDevice: 'This device',
    language: '日本語',
    loading: 'Loading…',
    offline: 'You are offline. One-time passwords still work.',
    enrollTitle: 'Register this device',
    enrollIntro: 'This device will approve your logins. Give it a name you will recognise.',
    deviceName: 'Device name',
    enrollSubmit: 'Register',
    enrolling: 'Creating the key and registering…',
    enrolled: 'Registered ({loginId}). Login requests will appear here.',
    replaceTitle: 'Replace your registered device?',
    replaceBody:
      'You can have one device. After replacing it, the old device can no longer approve logins.',
    replaceConfirm: 'Replace',
    cancel: 'Cancel',
    enrollCancelled: 'Registration cancelled.',
    pushUnavailable:
      'This device cannot receive push notifications. Open the app to fetch login requests.',
    pushDenied: 'Notifications are not allowed. Open the app to fetch login requests.',
    notEnrolled:
      'This device is not registered yet. Open the link or QR code shown under "Set up Lock" in the portal.',
    noRequests: 'No login is waiting for approval.',
    refresh: 'Refresh',
    requestFor: 'Login to {application}',
    requestFrom: 'IP address: {ip}',
    requestAt: 'Time: {time}',
    requestExpires: '{seconds} s left',
    typeNumber: 'The two-digit number on the login page',
    approve: 'Approve',
    deny: 'Deny',
    notMe: "This wasn't me",
    notMeConfirm:
      'This login will be denied and reported to your administrators. Consider changing your password. Report it?',
    numberRequired: 'Type the two-digit number shown on the login page.',
    approved: 'Approved. Go back to the login page.',
    denied: 'Denied.',
    wrongNumber: 'The number did not match, so this login was denied.',
    reported: 'Reported. This login was denied and your administrators were told.',
    expired: 'This login request has expired.',
    alreadyAnswered: 'This login request was already answered.',
    deviceUnknown: 'This device is no longer registered. Register it again from the portal.',
    networkError: 'Cannot reach the server. Check your connection.',
    serverError: 'Something went wrong ({code}).',
    codesEmpty: 'No accounts yet. Use "Set up one-time passwords" in the portal to open Lock.',
    codeAdded: 'Added {label}.',
    codeInvalid: 'This link cannot add an account.',
    codeRemove: 'Remove',
    codeRemoveConfirm: 'Remove {label}? Its codes will no longer be shown.',
    codeSeconds: '{seconds} s left',
    deviceInfo: 'Registered as {name} ({loginId})',
    deviceNone: 'Not registered.',
    pushOn: 'Push notifications: on',
    pushOff: 'Push notifications: off (fetched when the app opens)',
    iosTitle: 'Getting notifications on iPhone',
    iosBody: 'On iPhone, only web apps added to the Home Screen receive push notifications.',
    iosStep1: 'Tap the Share button (a square with an arrow) in Safari',
    iosStep2: 'Choose "Add to Home Screen"',
    iosStep3: 'Open Lock from its Home Screen icon, then open the registration link again',
    notificationTitle: 'Login request',
    notificationBody: '{application} from {ip} at {time}',
  },
};

const STORAGE_KEY = 'sekisho-lock-lang';

/** 'ja' or 'en': the saved choice, else the browser's language. */
export function currentLang() {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'ja' || saved === 'en') return saved;
  return pickLang(globalThis.navigator?.language);
}

export function pickLang(language) {
  return String(language ?? '')
    .toLowerCase()
    .startsWith('ja')
    ? 'ja'
    : 'en';
}

export function setLang(lang) {
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
}

/** The message `key` in `lang` (default: the current language) with `{name}` filled in. */
export function t(key, params = {}, lang = currentLang()) {
  const text = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A time shown to the user, in the user's language and time zone. */
export function formatTime(iso, lang = currentLang()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}
