/** Texts of the login, password and portal pages. */
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
  },
});
