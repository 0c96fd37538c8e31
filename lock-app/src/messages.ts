/** Texts of the mails Lock sends (admin alerts, email one-time codes), in Japanese and English. */
import { defineCatalog } from '@sekisho/platform';

export const lockMail = defineCatalog({
  en: {
    'report.subject': '[Sekisho] A user reported a sign-in request as not theirs',
    'report.body':
      'A user of {tenant} reported a Lock sign-in request as "this wasn\'t me".\n\nUser: {loginId}\nApplication: {application}\nIP address: {ip}\nTime: {time} (UTC)\nAccount suspended: {suspended}\n\nSomeone may know this user\'s password. Check the audit log, and have the user change the password.\n\n— Sekisho',
    'refused.subject': '[Sekisho] Sign-in requests refused after repeated denials',
    'refused.body':
      'Sign-in requests of {loginId} at {tenant} were denied {count} times within an hour, so new Lock requests are refused automatically for {minutes} minutes.\n\nIf the user did not try to sign in, someone may know the password. Check the audit log.\n\n— Sekisho',
    'otp.subject': 'Your Sekisho sign-in code',
    'otp.body':
      'Hello {name},\n\nYour sign-in code for {tenant} is:\n\n{code}\n\nIt is valid for {minutes} minutes and works once. If you did not try to sign in, ignore this mail and tell your administrator.\n\n— Sekisho',
    yes: 'yes',
    no: 'no',
  },
  ja: {
    'report.subject': '[関所] ユーザーがサインイン要求を「自分ではない」と報告しました',
    'report.body':
      '{tenant} のユーザーが、Lock のサインイン要求を「自分ではない」と報告しました。\n\nユーザー: {loginId}\nアプリケーション: {application}\nIP アドレス: {ip}\n日時: {time} (UTC)\nアカウントの利用停止: {suspended}\n\nこのユーザーのパスワードが第三者に知られている可能性があります。監査ログを確認し、パスワードを変更させてください。\n\n— 関所 (Sekisho)',
    'refused.subject': '[関所] 拒否が続いたためサインイン要求を自動で拒否しています',
    'refused.body':
      '{tenant} の {loginId} へのサインイン要求が 1 時間に {count} 回拒否されたため、{minutes} 分間、新しい Lock の要求を自動で拒否します。\n\nユーザーがサインインしようとしていない場合、パスワードが第三者に知られている可能性があります。監査ログを確認してください。\n\n— 関所 (Sekisho)',
    'otp.subject': '関所 サインイン用の確認コード',
    'otp.body':
      '{name} 様\n\n{tenant} へのサインイン用の確認コードは次のとおりです。\n\n{code}\n\n有効期間は {minutes} 分で、一度だけ使えます。サインインしようとしていない場合は、このメールを破棄し、管理者にお知らせください。\n\n— 関所 (Sekisho)',
    yes: 'はい',
    no: 'いいえ',
  },
});
