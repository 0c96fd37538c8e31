/**
 * The platform's own user-facing texts: one per `ErrorCode` (the browser error page shows
 * `platformMessages.t(locale, err.code, err.params)`) and the words of the common pages.
 *
 * - Adding an `ErrorCode` without its texts fails the type check here (`satisfies`).
 * - Each text says what happened and what to do next, never how the check works: a failed login
 *   does not tell which of login ID and password was wrong.
 * - Placeholders are the `params` the code's throwers pass (see `SekishoError.params`).
 */
import type { ErrorCode } from '../errors.ts';
import { defineCatalog } from './catalog.ts';

type PageKey = 'page.error.title' | 'page.error.reference' | 'page.back' | 'page.language';

const en = {
  ERR_CONFIG_INVALID:
    'Sekisho is not configured correctly and cannot continue. Please contact your administrator.',
  ERR_VALIDATION:
    'Some of the information you entered is not valid. Please check it and try again.',
  ERR_NOT_FOUND: 'The page or item you requested was not found. Please check the address.',
  ERR_CONFLICT:
    'This change conflicts with another one made in the meantime. Please reload the page and try again.',
  ERR_UNAUTHENTICATED: 'You need to sign in to continue. Please sign in and try again.',
  ERR_FORBIDDEN:
    'You do not have permission to do this. If you need access, please contact your administrator.',
  ERR_CSRF:
    'This form has expired or could not be verified. Please reload the page and submit it again.',
  ERR_TENANT_NOT_FOUND: 'This organization was not found. Please check the address you were given.',
  ERR_TENANT_INACTIVE:
    "This organization's account is currently suspended. Please contact your administrator.",
  ERR_TENANT_USER_LIMIT:
    'The contracted number of user IDs ({max}) has been reached, so no user can be added. Remove users who no longer need access, or change the contract.',
  ERR_DEVICE_CERT_LIMIT:
    'The contracted number of device certificates ({max}) has been reached, so no certificate can be issued. Revoke certificates that are no longer needed, or change the contract.',
  ERR_DEVICE_CERT_BULK_LIMIT:
    'The file has {needed} certificates to issue, but only {room} more fit in the contracted number of device certificates ({max}), so none were issued. Remove rows, revoke certificates that are no longer needed, or change the contract, then upload the file again.',
  ERR_DEVICE_CERT_DOWNLOAD_INVALID:
    'The certificate could not be downloaded: the one-time password is wrong, or the download link has expired or been used up. Check the password, or ask your administrator for a new link.',
  ERR_DEVICE_CERT_STATUS:
    'This device certificate is {status}, so this cannot be done with it. Reload the list and check its status.',
  ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED:
    'This certificate cannot be renewed now. A certificate can be renewed only during the last {days} days of its validity, while it is still valid.',
  ERR_DEVICE_CERT_SWAP_LIMIT:
    'The number of device swaps allowed in {days} days ({max}) has been reached. Revoke a certificate that is no longer needed instead, or wait until earlier swaps fall out of the period.',
  ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT:
    'Certificates in use and certificates being replaced together may not exceed {max}. Revoke a certificate being replaced, or wait until it expires.',
  ERR_DEVICE_CERT_DUPLICATE_DEVICE:
    'A valid certificate for this device ({deviceId}) already exists or the device appears twice in the file. Check the device ID.',
  ERR_DEVICE_CERT_FILE_INVALID:
    'The file could not be read: {problem}. Save it as UTF-8 CSV or TSV, or as an Excel workbook (.xlsx) without a password, with a header row, and upload it again.',
  ERR_DEVICE_CERT_ANCHOR_INVALID:
    'This trust anchor cannot be used: {problem}. Upload a valid CA certificate in PEM format.',
  ERR_USER_NOT_FOUND: 'The user was not found. It may have been deleted.',
  ERR_USER_EXISTS: 'This login ID is already in use. Please choose a different one.',
  ERR_GROUP_NOT_FOUND: 'The group was not found. It may have been deleted.',
  ERR_GROUP_EXISTS: 'A group with this name already exists. Please choose a different name.',
  ERR_LOGIN_FAILED: 'The login ID or password is incorrect. Please try again.',
  ERR_LOGIN_LOCKED:
    'This account is temporarily locked after repeated failed sign-ins. Please try again in about {minutes} minutes.',
  ERR_LOGIN_THROTTLED:
    'There have been too many sign-in attempts. Please wait {seconds} seconds and try again.',
  ERR_LOGIN_SUSPENDED: 'This account has been suspended. Please contact your administrator.',
  ERR_PASSWORD_WEAK:
    'This password cannot be used. Choose one of at least {minLength} characters that is hard to guess, does not contain your login ID and differs from your current password.',
  ERR_PASSWORD_CHANGE_REQUIRED:
    'You need to change your password. Please set a new password to continue.',
  ERR_RESET_TOKEN_INVALID:
    'This password reset link is invalid or has expired. Please request a new one.',
  ERR_SESSION_REVOKED: 'Your session is no longer valid. Please sign in again.',
  ERR_SECOND_FACTOR_REQUIRED:
    'Administration requires signing in with a second factor. Set one up, then sign in again.',
  ERR_IMPORT_NOT_FOUND:
    'The import was not found. It may have expired; please upload the file again.',
  ERR_STORE_UNAVAILABLE:
    'The service is temporarily unavailable. Please wait a moment and try again.',
  ERR_MAIL_SEND_FAILED:
    'The email could not be sent. Please try again later; if the problem persists, contact your administrator.',
  ERR_LOCK_NOT_ENROLLED:
    'No Lock app is set up for this account. Set it up from the user portal, or use another sign-in method.',
  ERR_LOCK_RATE_LIMITED:
    'There have been too many requests in a short time. Please wait a few minutes and try again.',
  ERR_LOCK_AUTO_REFUSED:
    'Sign-in requests were denied several times, so new requests are refused for a while. Please try again later or contact your administrator.',
  ERR_LOCK_DEVICE_EXISTS:
    'A Lock app is already set up for this account. Confirm to replace it with this device.',
  ERR_LOCK_DEVICE_UNKNOWN:
    'This device is no longer registered. Please set up the Lock app again from the user portal.',
  ERR_LOCK_SIGNATURE_INVALID:
    'The answer could not be verified with this device. Please set up the Lock app again.',
  ERR_LOCK_ENROLLMENT_INVALID:
    'This setup link is invalid, already used or expired. Please create a new one in the user portal.',
  ERR_LOCK_ANSWER_USED: 'This sign-in request has already been answered.',
  ERR_LOCK_APPROVAL_EXPIRED:
    'This sign-in request has expired. Please start the sign-in again if it was you.',
  ERR_LOCK_FACTOR_NOT_ALLOWED:
    'This sign-in method is not allowed for your organization. Please use another one.',
  ERR_INTERNAL:
    'An unexpected error occurred. Please try again later; if the problem persists, contact your administrator and quote the reference.',
  'page.error.title': 'Something went wrong',
  'page.error.reference': 'Reference: {reference}',
  'page.back': 'Back',
  'page.language': 'Language',
} satisfies Record<ErrorCode | PageKey, string>;

export const platformMessages = defineCatalog({
  en,
  ja: {
    ERR_CONFIG_INVALID:
      '関所の設定に問題があるため、処理を続けられません。管理者にお問い合わせください。',
    ERR_VALIDATION: '入力内容に誤りがあります。内容をご確認のうえ、もう一度お試しください。',
    ERR_NOT_FOUND: 'お探しのページまたは項目が見つかりません。URL をご確認ください。',
    ERR_CONFLICT:
      'ほかの操作と競合したため、変更できませんでした。ページを再読み込みしてから、もう一度お試しください。',
    ERR_UNAUTHENTICATED:
      '続行するにはログインが必要です。ログインしてから、もう一度お試しください。',
    ERR_FORBIDDEN: 'この操作を行う権限がありません。必要な場合は管理者にお問い合わせください。',
    ERR_CSRF:
      'フォームの有効期限が切れたか、正しく確認できませんでした。ページを再読み込みしてから、もう一度送信してください。',
    ERR_TENANT_NOT_FOUND: '指定された組織が見つかりません。案内された URL をご確認ください。',
    ERR_TENANT_INACTIVE: 'この組織のアカウントは現在利用停止中です。管理者にお問い合わせください。',
    ERR_TENANT_USER_LIMIT:
      '契約ユーザー数の上限（{max} 件）に達しているため、ユーザーを追加できません。不要になったユーザーを削除するか、契約内容を変更してください。',
    ERR_DEVICE_CERT_LIMIT:
      '契約デバイス証明書数の上限（{max} 件）に達しているため、証明書を発行できません。不要になった証明書を失効させるか、契約内容を変更してください。',
    ERR_DEVICE_CERT_BULK_LIMIT:
      'ファイルには発行する証明書が {needed} 件ありますが、契約デバイス証明書数（{max} 件）の残りは {room} 件のため、1 件も発行していません。行を減らすか、不要な証明書を失効させるか、契約内容を変更してから、もう一度アップロードしてください。',
    ERR_DEVICE_CERT_DOWNLOAD_INVALID:
      '証明書をダウンロードできませんでした。ワンタイムパスワードが違うか、ダウンロードリンクの有効期限が切れたか使用回数の上限に達しています。パスワードを確認するか、管理者に新しいリンクを依頼してください。',
    ERR_DEVICE_CERT_STATUS:
      'このデバイス証明書は現在「{status}」のため、この操作はできません。一覧を再読み込みして状態をご確認ください。',
    ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED:
      'この証明書は現在更新できません。更新できるのは、有効期限の残りが {days} 日以内で、まだ有効な証明書だけです。',
    ERR_DEVICE_CERT_SWAP_LIMIT:
      '{days} 日間に認められた端末入れ替えの回数（{max} 件）に達しました。不要な証明書を失効させるか、以前の入れ替えが期間外になるまでお待ちください。',
    ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT:
      '有効な証明書と入れ替え中の証明書の合計は {max} 件を超えられません。入れ替え中の証明書を失効させるか、期限切れになるまでお待ちください。',
    ERR_DEVICE_CERT_DUPLICATE_DEVICE:
      'このデバイス（{deviceId}）の有効な証明書がすでにあるか、ファイル内で同じデバイスが重複しています。デバイス ID をご確認ください。',
    ERR_DEVICE_CERT_FILE_INVALID:
      'ファイルを読み込めませんでした: {problem}。ヘッダー行付きの UTF-8 の CSV・TSV、またはパスワードなしの Excel ブック (.xlsx) で保存し、もう一度アップロードしてください。',
    ERR_DEVICE_CERT_ANCHOR_INVALID:
      'この信頼アンカーは使用できません: {problem}。有効な CA 証明書を PEM 形式でアップロードしてください。',
    ERR_USER_NOT_FOUND: '指定されたユーザーが見つかりません。削除された可能性があります。',
    ERR_USER_EXISTS: 'このログイン ID はすでに使われています。別のログイン ID を指定してください。',
    ERR_GROUP_NOT_FOUND: '指定されたグループが見つかりません。削除された可能性があります。',
    ERR_GROUP_EXISTS: '同じ名前のグループがすでにあります。別の名前を指定してください。',
    ERR_LOGIN_FAILED: 'ログイン ID またはパスワードが正しくありません。もう一度お試しください。',
    ERR_LOGIN_LOCKED:
      'ログインの失敗が続いたため、このアカウントは一時的にロックされています。約 {minutes} 分後にもう一度お試しください。',
    ERR_LOGIN_THROTTLED:
      'ログインの試行回数が多すぎます。{seconds} 秒ほど待ってから、もう一度お試しください。',
    ERR_LOGIN_SUSPENDED: 'このアカウントは利用停止中です。管理者にお問い合わせください。',
    ERR_PASSWORD_WEAK:
      'このパスワードは使用できません。{minLength} 文字以上で、ログイン ID を含まず、推測されにくい、現在とは異なるパスワードを設定してください。',
    ERR_PASSWORD_CHANGE_REQUIRED:
      'パスワードの変更が必要です。新しいパスワードを設定してから続行してください。',
    ERR_RESET_TOKEN_INVALID:
      'このパスワード再設定用のリンクは無効か、有効期限が切れています。お手数ですが、もう一度再設定を申請してください。',
    ERR_SESSION_REVOKED: 'セッションが無効になりました。もう一度ログインしてください。',
    ERR_SECOND_FACTOR_REQUIRED:
      '管理操作には二要素認証でのサインインが必要です。二要素認証を設定してから、もう一度サインインしてください。',
    ERR_IMPORT_NOT_FOUND:
      '指定されたインポートが見つかりません。有効期限が切れた可能性があります。ファイルをもう一度アップロードしてください。',
    ERR_STORE_UNAVAILABLE:
      '現在、一時的にサービスを利用できません。しばらく待ってから、もう一度お試しください。',
    ERR_MAIL_SEND_FAILED:
      'メールを送信できませんでした。しばらくしてからもう一度お試しください。解決しない場合は管理者にお問い合わせください。',
    ERR_LOCK_NOT_ENROLLED:
      'このアカウントには Lock アプリが設定されていません。ユーザーポータルで設定するか、ほかのサインイン方法をお使いください。',
    ERR_LOCK_RATE_LIMITED:
      '短時間に多くの要求がありました。数分待ってから、もう一度お試しください。',
    ERR_LOCK_AUTO_REFUSED:
      'サインイン要求が何度も拒否されたため、しばらくの間、新しい要求を受け付けません。時間をおいて再度お試しいただくか、管理者にお問い合わせください。',
    ERR_LOCK_DEVICE_EXISTS:
      'このアカウントにはすでに Lock アプリが設定されています。この端末に置き換える場合は確認してください。',
    ERR_LOCK_DEVICE_UNKNOWN:
      'この端末は登録されていません。ユーザーポータルから Lock アプリをもう一度設定してください。',
    ERR_LOCK_SIGNATURE_INVALID:
      'この端末からの応答を確認できませんでした。Lock アプリをもう一度設定してください。',
    ERR_LOCK_ENROLLMENT_INVALID:
      'この設定用リンクは無効か、使用済みか、有効期限が切れています。ユーザーポータルで新しいリンクを作成してください。',
    ERR_LOCK_ANSWER_USED: 'このサインイン要求にはすでに応答済みです。',
    ERR_LOCK_APPROVAL_EXPIRED:
      'このサインイン要求は有効期限が切れました。ご自身の操作であれば、もう一度サインインしてください。',
    ERR_LOCK_FACTOR_NOT_ALLOWED:
      'このサインイン方法は、組織で許可されていません。ほかの方法をお使いください。',
    ERR_INTERNAL:
      '予期しないエラーが発生しました。しばらくしてからもう一度お試しください。解決しない場合は、参照番号を添えて管理者にお問い合わせください。',
    'page.error.title': 'エラーが発生しました',
    'page.error.reference': '参照番号: {reference}',
    'page.back': '戻る',
    'page.language': '言語',
  },
});
