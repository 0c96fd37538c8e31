/** Texts of the login, second-factor, password and portal pages. */
import { defineCatalog } from '@sekisho/platform';

export const idpMessages = defineCatalog({
  en: {
    'login.title': 'Sign in',
    'login.heading': 'Sign in to {tenant}',
    'login.loginId': 'Login ID (email)',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.forgot': 'Forgot your password?',
    'login.deviceCert': 'Log in with device certificate',
    'login.deviceCertUnavailable':
      'No device certificate was presented. Install the certificate your administrator sent you and open this link again, or sign in with your login ID and password.',
    'login.deviceCertRefused': 'Your device certificate was not accepted: {reason}.',
    'login.deviceCertPassword': 'Device certificate recognised. Enter your password to continue.',
    'login.deviceCertReason.malformed': 'it could not be read',
    'login.deviceCertReason.unknown-issuer':
      'it was not issued by this organization (unknown issuer)',
    'login.deviceCertReason.not-yet-valid': 'it is not valid yet',
    'login.deviceCertReason.expired': 'it has expired',
    'login.deviceCertReason.wrong-usage': 'it is not a client-authentication certificate',
    'login.deviceCertReason.not-issued-here': 'it is not registered with this organization',
    'login.deviceCertReason.revoked': 'it has been revoked',
    'login.deviceCertReason.user-inactive': 'its user is not active',
    'login.deviceCertReason.suspended':
      'it has been suspended because it was used from two places at once (ask your administrator)',
    'login.deviceCertReason.unknown-user': 'it names no user of this organization',
    'login.deviceCertReason.revocation-unknown':
      "its issuer's revocation list is out of date; ask your administrator to upload a new one",
    'login.deviceCertReason.other': 'it could not be verified',
    'logout.submit': 'Sign out',
    'logout.done': 'You have signed out.',
    'password.change.title': 'Change password',
    'password.change.forced': 'Your administrator requires a new password before you continue.',
    'password.current': 'Current password',
    'password.new': 'New password',
    'password.confirm': 'New password again',
    'password.rules': 'At least {minLength} characters. Long passphrases are welcome.',
    'password.mismatch': 'The two new passwords differ. Type the same password twice.',
    'password.changed': 'Your password has been changed.',
    'password.submit': 'Change password',
    'forgot.title': 'Reset your password',
    'forgot.intro': 'Enter your login ID. If it exists, we send a reset link to its email address.',
    'forgot.submit': 'Send reset link',
    'forgot.sent': 'If the account exists, a reset link is on its way. Check your mail.',
    'reset.title': 'Choose a new password',
    'reset.submit': 'Set new password',
    'reset.done': 'Your new password is set. Sign in with it.',
    'portal.title': 'My applications',
    'portal.signedInAs': 'Signed in as {name} ({loginId})',
    'portal.empty': 'No applications are assigned to you yet.',
    'portal.changePassword': 'Change password',
    'tenant.notFound': 'This organization does not exist on Sekisho. Check the address.',
    'gate.title': 'Access not allowed',
    'signin.denied': 'Your organization does not allow signing in from this network or device.',
    'signin.factorMissing': 'Signing in requires a second factor, but none is set up for you yet.',
    'gate.denied': 'Your organization does not allow you to use {app} from here.',
    'gate.deniedHelp':
      'If you need access, ask your administrator and give them the reference below.',
    'gate.factorMissing': '{app} requires a second factor, but none is set up for you yet.',
    'gate.factorMissingHelp':
      'Set up a second factor from the portal, or ask your administrator for help.',
    'gate.reference': 'Reference: {reference}',
    'wsfed.posting': 'Signing you in to {app}…',
    'wsfed.continue': 'Continue',
    'wsfed.error.title': 'Sign-in request refused',
    'wsfed.error.request':
      'The sign-in request from the application is incomplete or malformed. Go back to the application and try again.',
    'wsfed.error.realmUnknown':
      'The application "{realm}" is not registered with your organization, or it is turned off.',
    'wsfed.error.replyUnregistered':
      'The application asked to return to an address that is not registered for it, so nothing was sent.',
    'wsfed.error.resumeExpired':
      'This sign-in waited too long. Go back to the application and start again.',
    'wsfed.error.wfreshInvalid':
      'The application asked for a sign-in no older than a given time (wfresh), but not as a whole number of minutes, so nothing was done. Go back to the application and try again.',
    'wsfed.error.wauthUnsupported':
      'The application asked for a way of signing in (wauth) that your organization does not offer, so nothing was done. Ask your administrator.',
    'wsfed.error.wauthUnsatisfied':
      'The application asked for a sign-in with your password or with a second factor, and your sign-in did not use it. Sign out and sign in with your login ID and password; if a second factor is needed, ask your administrator.',
    'wsfed.error.attributeMissing':
      'Your account has no {attribute}, which {app} needs. Ask your administrator to set it.',
    'wsfed.error.help':
      'If this keeps happening, give your administrator this reference: {reference}',
    'wsfed.signedOut.title': 'Signed out',
    'saml.post.title': 'Signing you in to {app}',
    'saml.post.hint': 'If nothing happens, press Continue.',
    'saml.post.continue': 'Continue',
    'saml.error.title': 'Sign-in request refused',
    'saml.error.request':
      'The sign-in request from the application is incomplete, malformed or too large. Go back to the application and try again.',
    'saml.error.unknownSp':
      'The application that sent you here is not registered with your organization, or it is turned off.',
    'saml.error.unknownAcs':
      'The application asked to return to an address that is not registered for it, so nothing was sent.',
    'saml.error.expired':
      'This sign-in waited too long or was already completed. Go back to the application and start again.',
    'saml.error.idpInitiatedOff':
      'This application can only be opened from its own sign-in page, not from the portal.',
    'saml.error.noSlo': 'The application has no sign-out address registered, so it cannot be told.',
    'saml.error.help':
      'If this keeps happening, give your administrator this reference: {reference}',
    'saml.signedOut.title': 'Signed out',
    'saml.signedOut.body': 'You have signed out of your organization and its applications.',
    'portal.passes.title': 'Your entrance passes',
    'portal.passes.intro':
      'Browsers that earned an entrance pass (for example by signing in at the office) may be let in from elsewhere.',
    'portal.passes.none': 'You have no entrance passes.',
    'portal.passes.issued': 'Issued',
    'portal.passes.lastUsed': 'Last used',
    'portal.passes.expires': 'Expires',
    'portal.passes.never': 'Not yet',

    'factor.title': 'One more step',
    'factor.intro': 'Your organization asks for a second factor to sign in as {loginId}.',
    'factor.setupIntro':
      'Your organization asks for a second factor to sign in as {loginId}, and none is set up for you yet. Set one up now; you will use it from now on.',
    'factor.enrolIntro':
      'Your organization requires every account to have a second factor. Set one up now to finish signing in as {loginId}.',
    'factor.lock.heading': 'Approve with Lock',
    'factor.lock.start': 'Send a request to my phone',
    'factor.lock.approveOnDevice': 'Approve on your device: open Lock and enter this number.',
    'factor.lock.approved': 'Approved on your device. Continue to finish signing in.',
    'factor.lock.numberLabel': 'Number to enter in Lock',
    'factor.lock.waiting': 'Waiting for your approval…',
    'factor.lock.continue': 'Continue',
    'factor.lock.check': 'Check whether it has been approved',
    'factor.lock.denied.user-denied':
      'The request was denied on your device. If you did not deny it, try again; if it was not you who started this sign-in, tell your administrator.',
    'factor.lock.denied.wrong-number':
      'A different number was entered in Lock, so the request was refused. Try again and enter the number shown on this page.',
    'factor.lock.denied.reported':
      'The request was reported as "This wasn\'t me" and refused. Your administrator has been told.',
    'factor.lock.expired': 'The request expired before it was approved. Try again.',
    'factor.lock.retry': 'Try again',
    'factor.other': 'Use another method',
    'factor.totp.heading': 'Code from your authenticator app',
    'factor.code': 'Six-digit code',
    'factor.verify': 'Verify',
    'factor.wrongCode': 'That code is wrong or has expired. Check it and try again.',
    'factor.email.heading': 'Code by email',
    'factor.email.send': 'Email me a code',
    'factor.email.sent': 'We sent a code to your email address. Enter it below.',
    'factor.email.code': 'Code from the email',
    'factor.emergency.heading': 'Lost your phone? Use an emergency code',
    'factor.emergency.intro':
      'Your administrator can give you an emergency code. Each code works once and expires.',
    'factor.emergency.code': 'Emergency code',
    'factor.setup.totp': 'Authenticator app',
    'factor.setup.totpStart': 'Set up an authenticator app',
    'factor.setup.lock': 'Lock app',
    'factor.setup.lockStart': 'Set up the Lock app',
    'factor.cancel': 'Cancel sign-in',
    'factor.expired': 'This sign-in has expired or was cancelled. Sign in again.',
    'factor.notOffered': 'This method is not available for your sign-in. Choose another one.',
    'factor.setupNotAllowed':
      'You already have a second factor. Use it to sign in; you can change factors in the portal afterwards.',
    'totpSetup.title': 'Set up an authenticator app',
    'totpSetup.scan':
      'Scan this QR code with an authenticator app (for example Lock, Google Authenticator or Microsoft Authenticator), then enter the code it shows.',
    'totpSetup.qrAlt': 'QR code for your authenticator app',
    'totpSetup.secret': 'Cannot scan? Enter this key in the app:',
    'totpSetup.openInLock': 'Add it to the Lock app on this device',
    'totpSetup.code': 'Code shown by the app',
    'totpSetup.confirm': 'Confirm',
    'totpSetup.restart': 'Start over with a new QR code',
    'totpSetup.done': 'Your authenticator app is set up. Use its codes when you sign in.',
    'lockSetup.title': 'Set up the Lock app',
    'lockSetup.scan':
      'Scan this QR code with your phone, or open the link on it. The link works once, until {time}.',
    'lockSetup.qrAlt': 'QR code to set up the Lock app',
    'lockSetup.link': 'Open Lock to set it up',
    'lockSetup.ios':
      'On iPhone, add Lock to the Home Screen when it asks, so that requests can reach it.',
    'lockSetup.waiting': 'Waiting for your phone…',
    'lockSetup.continue': 'Continue',
    'methods.title': 'Sign-in methods',
    'methods.lock': 'Lock app',
    'methods.lockEnrolled': '{name}, set up on {date}',
    'methods.notSetUp': 'Not set up',
    'methods.setUp': 'Set up',
    'methods.lockSetup': 'Set up Lock',
    'methods.lockReplace': 'Replace device',
    'methods.totp': 'Authenticator app',
    'methods.totpSetup': 'Set up an authenticator app',
    'methods.totpReplace': 'Set up again (replaces the current one)',
    'methods.certificates': 'Device certificates',
    'methods.certificatesLink': 'Your device certificates',
  },
  ja: {
    'login.title': 'サインイン',
    'login.heading': '{tenant} にサインイン',
    'login.loginId': 'ログイン ID (メールアドレス)',
    'login.password': 'パスワード',
    'login.submit': 'サインイン',
    'login.forgot': 'パスワードをお忘れですか?',
    'login.deviceCert': 'デバイス証明書でログイン',
    'login.deviceCertUnavailable':
      'デバイス証明書が提示されませんでした。管理者から届いた証明書をインストールしてからこのリンクを開き直すか、ログイン ID とパスワードでサインインしてください。',
    'login.deviceCertRefused': 'デバイス証明書は受け付けられませんでした: {reason}。',
    'login.deviceCertPassword':
      'デバイス証明書を確認しました。続けるにはパスワードを入力してください。',
    'login.deviceCertReason.malformed': '証明書を読み取れません',
    'login.deviceCertReason.unknown-issuer':
      'この組織が発行した証明書ではありません (不明な発行者)',
    'login.deviceCertReason.not-yet-valid': '証明書はまだ有効期間前です',
    'login.deviceCertReason.expired': '証明書の有効期限が切れています',
    'login.deviceCertReason.wrong-usage': 'クライアント認証用の証明書ではありません',
    'login.deviceCertReason.not-issued-here': 'この組織に登録されていない証明書です',
    'login.deviceCertReason.revoked': '証明書は失効しています',
    'login.deviceCertReason.user-inactive': '証明書の利用者が有効ではありません',
    'login.deviceCertReason.suspended':
      '同じ証明書が 2 か所から同時に使われたため、利用を停止しています (管理者にお問い合わせください)',
    'login.deviceCertReason.unknown-user': 'この組織の利用者を示す証明書ではありません',
    'login.deviceCertReason.revocation-unknown':
      '発行元の失効リストの期限が切れています。管理者に新しい失効リストの登録を依頼してください',
    'login.deviceCertReason.other': '証明書を検証できません',
    'logout.submit': 'サインアウト',
    'logout.done': 'サインアウトしました。',
    'password.change.title': 'パスワードの変更',
    'password.change.forced':
      '続行する前に、管理者の指示により新しいパスワードを設定してください。',
    'password.current': '現在のパスワード',
    'password.new': '新しいパスワード',
    'password.confirm': '新しいパスワード (確認)',
    'password.rules': '{minLength} 文字以上で設定してください。長いパスフレーズをおすすめします。',
    'password.mismatch':
      '確認用のパスワードが一致しません。同じパスワードを 2 回入力してください。',
    'password.changed': 'パスワードを変更しました。',
    'password.submit': 'パスワードを変更',
    'forgot.title': 'パスワードの再設定',
    'forgot.intro':
      'ログイン ID を入力してください。アカウントが存在する場合、登録メールアドレスに再設定用のリンクを送信します。',
    'forgot.submit': '再設定リンクを送信',
    'forgot.sent':
      'アカウントが存在する場合、再設定用のリンクを送信しました。メールをご確認ください。',
    'reset.title': '新しいパスワードの設定',
    'reset.submit': '新しいパスワードを設定',
    'reset.done': '新しいパスワードを設定しました。新しいパスワードでサインインしてください。',
    'portal.title': 'マイアプリケーション',
    'portal.signedInAs': '{name} ({loginId}) としてサインイン中',
    'portal.empty': '利用できるアプリケーションはまだありません。',
    'portal.changePassword': 'パスワードを変更',
    'tenant.notFound': 'この組織は Sekisho に登録されていません。アドレスをご確認ください。',
    'gate.title': 'アクセスが許可されていません',
    'signin.denied': '組織の設定により、このネットワークまたはデバイスからはサインインできません。',
    'signin.factorMissing': 'サインインには二要素認証が必要ですが、まだ設定されていません。',
    'gate.denied': '組織の設定により、この環境から {app} を利用することは許可されていません。',
    'gate.deniedHelp': 'アクセスが必要な場合は、下の参照番号を添えて管理者にお問い合わせください。',
    'gate.factorMissing': '{app} の利用には二要素認証が必要ですが、まだ設定されていません。',
    'gate.factorMissingHelp': 'ポータルから二要素認証を設定するか、管理者にお問い合わせください。',
    'gate.reference': '参照番号: {reference}',
    'wsfed.posting': '{app} にサインインしています…',
    'wsfed.continue': '続行',
    'wsfed.error.title': 'サインイン要求を受け付けられません',
    'wsfed.error.request':
      'アプリケーションからのサインイン要求が不完全か、形式が正しくありません。アプリケーションに戻ってもう一度お試しください。',
    'wsfed.error.realmUnknown':
      'アプリケーション「{realm}」は組織に登録されていないか、無効になっています。',
    'wsfed.error.replyUnregistered':
      'アプリケーションが登録されていない戻り先を指定したため、何も送信しませんでした。',
    'wsfed.error.resumeExpired':
      'サインインの途中で時間が経ちすぎました。アプリケーションに戻って最初からやり直してください。',
    'wsfed.error.wfreshInvalid':
      'アプリケーションがサインインの有効期間 (wfresh) を分単位の整数で指定しなかったため、何も行いませんでした。アプリケーションに戻ってもう一度お試しください。',
    'wsfed.error.wauthUnsupported':
      'アプリケーションが、組織で提供していないサインイン方法 (wauth) を要求したため、何も行いませんでした。管理者にお問い合わせください。',
    'wsfed.error.wauthUnsatisfied':
      'アプリケーションはパスワードまたは二要素認証によるサインインを求めていますが、今回のサインインではそれが使われていません。サインアウトしてログイン ID とパスワードでサインインし直してください。二要素認証が必要な場合は管理者にお問い合わせください。',
    'wsfed.error.attributeMissing':
      '{app} に必要な {attribute} があなたのアカウントに設定されていません。管理者に設定を依頼してください。',
    'wsfed.error.help': '問題が続く場合は、この参照番号を管理者にお伝えください: {reference}',
    'wsfed.signedOut.title': 'サインアウトしました',
    'saml.post.title': '{app} にサインインしています',
    'saml.post.hint': '画面が切り替わらない場合は「続行」を押してください。',
    'saml.post.continue': '続行',
    'saml.error.title': 'サインイン要求を受け付けられません',
    'saml.error.request':
      'アプリケーションからのサインイン要求が不完全か、形式が正しくないか、大きすぎます。アプリケーションに戻ってもう一度お試しください。',
    'saml.error.unknownSp':
      'このページに移動させたアプリケーションは組織に登録されていないか、無効になっています。',
    'saml.error.unknownAcs':
      'アプリケーションが登録されていない戻り先を指定したため、何も送信しませんでした。',
    'saml.error.expired':
      'サインインの途中で時間が経ちすぎたか、すでに完了しています。アプリケーションに戻って最初からやり直してください。',
    'saml.error.idpInitiatedOff':
      'このアプリケーションはポータルからではなく、アプリケーション自身のサインイン画面から開いてください。',
    'saml.error.noSlo':
      'アプリケーションにサインアウト先が登録されていないため、サインアウトを通知できません。',
    'saml.error.help': '問題が続く場合は、この参照番号を管理者にお伝えください: {reference}',
    'saml.signedOut.title': 'サインアウトしました',
    'saml.signedOut.body': '組織とそのアプリケーションからサインアウトしました。',
    'portal.passes.title': 'あなたの入館証',
    'portal.passes.intro':
      '入館証を持つブラウザー (例: オフィスでサインインしたもの) は、ほかの場所からも利用を許可される場合があります。',
    'portal.passes.none': '入館証はありません。',
    'portal.passes.issued': '発行日',
    'portal.passes.lastUsed': '最終利用',
    'portal.passes.expires': '有効期限',
    'portal.passes.never': 'まだありません',

    'factor.title': '追加の認証',
    'factor.intro': '{loginId} としてサインインするには、組織の設定により二要素認証が必要です。',
    'factor.setupIntro':
      '{loginId} としてサインインするには二要素認証が必要ですが、まだ設定されていません。今ここで設定してください。次回からはこの方法を使います。',
    'factor.enrolIntro':
      '組織の設定により、すべてのアカウントに二要素認証の設定が必要です。{loginId} のサインインを完了するには、今ここで設定してください。',
    'factor.lock.heading': 'Lock で承認',
    'factor.lock.start': 'スマートフォンに承認リクエストを送る',
    'factor.lock.approveOnDevice':
      'デバイスで承認してください: Lock を開き、この番号を入力します。',
    'factor.lock.approved':
      'デバイスで承認されました。「続行」を押してサインインを完了してください。',
    'factor.lock.numberLabel': 'Lock に入力する番号',
    'factor.lock.waiting': '承認を待っています…',
    'factor.lock.continue': '続行',
    'factor.lock.check': '承認されたか確認する',
    'factor.lock.denied.user-denied':
      'デバイスでリクエストが拒否されました。拒否していない場合はもう一度お試しください。このサインインに心当たりがない場合は管理者に連絡してください。',
    'factor.lock.denied.wrong-number':
      'Lock に違う番号が入力されたため、リクエストは拒否されました。もう一度お試しのうえ、このページに表示される番号を入力してください。',
    'factor.lock.denied.reported':
      'リクエストは「心当たりがない」と報告され、拒否されました。管理者に通知されています。',
    'factor.lock.expired':
      '承認される前にリクエストの有効期限が切れました。もう一度お試しください。',
    'factor.lock.retry': 'もう一度試す',
    'factor.other': '別の方法を使う',
    'factor.totp.heading': '認証アプリのコード',
    'factor.code': '6 桁のコード',
    'factor.verify': '確認',
    'factor.wrongCode':
      'コードが正しくないか、有効期限が切れています。確認してもう一度入力してください。',
    'factor.email.heading': 'メールで届くコード',
    'factor.email.send': 'コードをメールで受け取る',
    'factor.email.sent': '登録メールアドレスにコードを送信しました。下に入力してください。',
    'factor.email.code': 'メールに記載されたコード',
    'factor.emergency.heading': 'スマートフォンをなくした場合は緊急コードを使う',
    'factor.emergency.intro':
      '管理者から緊急コードを発行してもらえます。各コードは 1 回だけ使え、有効期限があります。',
    'factor.emergency.code': '緊急コード',
    'factor.setup.totp': '認証アプリ',
    'factor.setup.totpStart': '認証アプリを設定する',
    'factor.setup.lock': 'Lock アプリ',
    'factor.setup.lockStart': 'Lock アプリを設定する',
    'factor.cancel': 'サインインを中止',
    'factor.expired':
      'このサインインは有効期限が切れたか、中止されました。もう一度サインインしてください。',
    'factor.notOffered': 'この方法は今回のサインインでは使えません。別の方法を選んでください。',
    'factor.setupNotAllowed':
      '二要素認証はすでに設定されています。その方法でサインインしてください。変更はサインイン後にポータルで行えます。',
    'totpSetup.title': '認証アプリの設定',
    'totpSetup.scan':
      'この QR コードを認証アプリ (Lock、Google Authenticator、Microsoft Authenticator など) で読み取り、表示されたコードを入力してください。',
    'totpSetup.qrAlt': '認証アプリ用の QR コード',
    'totpSetup.secret': '読み取れない場合は、このキーをアプリに入力してください:',
    'totpSetup.openInLock': 'このデバイスの Lock アプリに追加する',
    'totpSetup.code': 'アプリに表示されたコード',
    'totpSetup.confirm': '確認',
    'totpSetup.restart': '新しい QR コードでやり直す',
    'totpSetup.done': '認証アプリを設定しました。サインイン時にアプリのコードを使ってください。',
    'lockSetup.title': 'Lock アプリの設定',
    'lockSetup.scan':
      'この QR コードをスマートフォンで読み取るか、スマートフォンでリンクを開いてください。リンクは {time} まで、1 回だけ使えます。',
    'lockSetup.qrAlt': 'Lock アプリ設定用の QR コード',
    'lockSetup.link': 'Lock を開いて設定する',
    'lockSetup.ios':
      'iPhone では、表示される案内に従って Lock をホーム画面に追加してください。追加しないとリクエストが届きません。',
    'lockSetup.waiting': 'スマートフォンでの設定を待っています…',
    'lockSetup.continue': '続行',
    'methods.title': 'サインイン方法',
    'methods.lock': 'Lock アプリ',
    'methods.lockEnrolled': '{name} ({date} に設定)',
    'methods.notSetUp': '未設定',
    'methods.setUp': '設定済み',
    'methods.lockSetup': 'Lock を設定する',
    'methods.lockReplace': 'デバイスを変更する',
    'methods.totp': '認証アプリ',
    'methods.totpSetup': '認証アプリを設定する',
    'methods.totpReplace': '設定し直す (現在の設定は置き換えられます)',
    'methods.certificates': 'デバイス証明書',
    'methods.certificatesLink': 'あなたのデバイス証明書',
  },
});
