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
    ERR_INTERNAL:
      '予期しないエラーが発生しました。しばらくしてからもう一度お試しください。解決しない場合は、参照番号を添えて管理者にお問い合わせください。',
    'page.error.title': 'エラーが発生しました',
    'page.error.reference': '参照番号: {reference}',
    'page.back': '戻る',
    'page.language': '言語',
  },
});
