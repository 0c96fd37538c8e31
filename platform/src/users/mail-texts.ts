/** Texts of the mails the password flows send, in Japanese and English. */
import { defineCatalog } from '../i18n/catalog.ts';

export const passwordMail = defineCatalog({
  en: {
    'reset.subject': 'Reset your Sekisho password',
    'reset.body':
      'Hello {name},\n\nSomeone (hopefully you) asked to reset the password of {loginId} at {tenant}.\nOpen this link within {minutes} minutes to choose a new password. It works once.\n\n{link}\n\nIf you did not ask for this, ignore this mail; your password stays as it is.\n\n— Sekisho',
    'forced.subject': 'Your administrator asks you to set a new password',
    'forced.body':
      'Hello {name},\n\nAn administrator of {tenant} requires a new password for {loginId}.\nYou will be asked to choose one the next time you sign in: {loginUrl}\nAll your current sessions have been signed out.\n\n— Sekisho',
    'changed.subject': 'Your Sekisho password was changed',
    'changed.body':
      'Hello {name},\n\nThe password of {loginId} at {tenant} was changed at {time} (UTC).\nIf this was not you, contact your administrator at once.\n\n— Sekisho',
  },
  ja: {
    'reset.subject': '関所 パスワード再設定のご案内',
    'reset.body':
      '{name} 様\n\n{tenant} の {loginId} のパスワード再設定が申請されました。\n{minutes} 分以内に次のリンクを開き、新しいパスワードを設定してください。リンクは一度だけ使えます。\n\n{link}\n\nお心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。\n\n— 関所 (Sekisho)',
    'forced.subject': '管理者からパスワードの再設定が求められています',
    'forced.body':
      '{name} 様\n\n{tenant} の管理者が {loginId} のパスワード再設定を求めています。\n次回のサインイン時に新しいパスワードを設定してください: {loginUrl}\n現在のセッションはすべてサインアウトされました。\n\n— 関所 (Sekisho)',
    'changed.subject': '関所 パスワードが変更されました',
    'changed.body':
      '{name} 様\n\n{tenant} の {loginId} のパスワードが {time} (UTC) に変更されました。\nお心当たりがない場合は、すぐに管理者へご連絡ください。\n\n— 関所 (Sekisho)',
  },
});
