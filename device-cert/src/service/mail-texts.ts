/** Texts of the mails the device-certificate service sends, in Japanese and English. */
import { defineCatalog } from '@sekisho/platform';

export const deviceCertMail = defineCatalog({
  en: {
    'installation.subject': 'A device certificate was issued for your device',
    'installation.body':
      'Hello {name},\n\nAn administrator of {tenant} issued a device certificate for {device} ({loginId}).\nSign in to the user portal and download it from the device certificates page:\n\n{link}\n\nThe password for installing it is shown on that page when you download; it is never sent by mail.\nIf you did not expect this, contact your administrator.\n\n— Sekisho',
    'reminder.subject': 'Your device certificate expires on {date}',
    'reminder.body':
      'Hello {name},\n\nThe device certificate of {device} at {tenant} expires on {date} (UTC).\nAsk your administrator to renew it before then; after that date this device can no longer sign in with it.\n\n{link}\n\n— Sekisho',
    'reminder-admin.subject': '{count} device certificates of {tenant} expire within 30 days',
    'reminder-admin.body':
      'These device certificates of {tenant} expire within 30 days and can be renewed now in the admin console:\n\n{list}\n\n— Sekisho',
    'copy-alert.subject': 'A device certificate may have been copied',
    'copy-alert.body':
      'A device certificate of {tenant} was used from two different networks or browsers at overlapping times, which suggests it was copied to another device (copying a certificate is prohibited by the terms of service).\n\nUser: {loginId}\nDevice: {device}\nSerial: {serial}\nUses: {uses}\n{suspended}\n\nCheck with the user and revoke the certificate if it was copied.\n\n— Sekisho',
    'copy-alert.suspended': 'The certificate was suspended automatically, as your settings ask.',
    'copy-alert.not-suspended': 'The certificate still works.',
    'anchor-crl.subject': 'The CRL of trust anchor "{anchor}" could not be renewed',
    'anchor-crl.body':
      'Sekisho could not fetch a new CRL for the trust anchor "{anchor}" of {tenant} from\n\n{url}\n\nReason: {error}\n\nThe stored CRL is valid until {nextUpdate} (UTC). After that, every sign-in with a device certificate issued under this anchor is refused until a newer CRL is stored.\nCheck that the address serves the current CRL, or upload it in the admin console (device certificates, trust anchors). Sekisho keeps trying.\n\n— Sekisho',
  },
  ja: {
    'installation.subject': 'デバイス証明書が発行されました',
    'installation.body':
      '{name} 様\n\n{tenant} の管理者が、{device}（{loginId}）のデバイス証明書を発行しました。\nユーザーポータルにサインインし、デバイス証明書のページからダウンロードしてください。\n\n{link}\n\nインストール用のパスワードはダウンロード時にそのページに表示されます。メールで送ることはありません。\nお心当たりがない場合は、管理者にお問い合わせください。\n\n— 関所 (Sekisho)',
    'reminder.subject': 'デバイス証明書の有効期限は {date} です',
    'reminder.body':
      '{name} 様\n\n{tenant} の {device} のデバイス証明書は {date} (UTC) に有効期限が切れます。\n期限までに管理者へ更新を依頼してください。期限を過ぎると、この証明書ではサインインできなくなります。\n\n{link}\n\n— 関所 (Sekisho)',
    'reminder-admin.subject':
      '{tenant} のデバイス証明書 {count} 件が 30 日以内に期限切れになります',
    'reminder-admin.body':
      '{tenant} の次のデバイス証明書は 30 日以内に有効期限が切れます。管理コンソールから更新できます。\n\n{list}\n\n— 関所 (Sekisho)',
    'copy-alert.subject': 'デバイス証明書が複製された可能性があります',
    'copy-alert.body':
      '{tenant} のデバイス証明書が、重なる時間帯に異なるネットワークまたはブラウザーから使われました。別の端末に複製された可能性があります（証明書の複製は利用規約で禁止されています）。\n\nユーザー: {loginId}\nデバイス: {device}\nシリアル番号: {serial}\n利用状況: {uses}\n{suspended}\n\nユーザーに確認し、複製されていた場合は証明書を失効させてください。\n\n— 関所 (Sekisho)',
    'copy-alert.suspended': '設定に従い、この証明書は自動的に一時停止されました。',
    'copy-alert.not-suspended': 'この証明書は引き続き利用できます。',
    'anchor-crl.subject': 'トラストアンカー「{anchor}」の CRL を更新できません',
    'anchor-crl.body':
      '{tenant} のトラストアンカー「{anchor}」の新しい CRL を、次のアドレスから取得できませんでした。\n\n{url}\n\n理由: {error}\n\n保存されている CRL の有効期限は {nextUpdate} (UTC) です。期限を過ぎると、新しい CRL が保存されるまで、このトラストアンカーが発行したデバイス証明書によるサインインはすべて拒否されます。\nアドレスが最新の CRL を配布しているか確認するか、管理コンソール（デバイス証明書 > トラストアンカー）から CRL をアップロードしてください。関所は取得を続けます。\n\n— 関所 (Sekisho)',
  },
});

/** How a mail names a device: the admin's description, else OS and device ID. */
export function deviceLabel(d: {
  os: string;
  device_id_type: string;
  device_id: string;
  description: string;
}): string {
  return d.description.trim() || `${d.os} (${d.device_id_type}: ${d.device_id})`;
}
