/**
 * Texts of the device-certificate pages (the portal list, the one-time password, the download
 * form) in English and Japanese. The password is shown once: the texts say so, and say what it
 * is for (installing the file), so the user writes it down before leaving the page.
 */
import { defineCatalog } from '@sekisho/platform';

export const deviceCertMessages = defineCatalog({
  en: {
    'certs.title': 'My device certificates',
    'certs.intro':
      'A device certificate lets this device sign in where your organization requires it. Install each one only on the device it was issued for.',
    'certs.none': 'No device certificate has been issued to you.',
    'certs.device': 'Device',
    'certs.loginType': 'Sign-in type',
    'certs.status': 'Status',
    'certs.validity': 'Valid',
    'certs.validityRange': '{from} to {to}',
    'certs.download': 'Download to install',
    'certs.askAdmin':
      'To install this certificate again, ask your administrator for a new download link.',
    'certs.back': 'Back to my applications',
    'status.not_downloaded': 'Not downloaded yet',
    'status.downloaded': 'Downloaded',
    'status.in_use': 'In use',
    'status.revoked': 'Revoked',
    'status.expired': 'Expired',
    'status.replacing': 'Being replaced',
    'status.suspended': 'Suspended',
    'status.expiring_soon': 'Expiring soon',
    'status.renewed': 'Renewed (replaced by a new certificate)',
    'loginType.personal': 'Certificate and password',
    'loginType.passwordless': 'Certificate only (no password)',
    'loginType.shared': 'Shared device',
    'download.title': 'Download your device certificate',
    'download.passwordOnce':
      'Your one-time password is shown below only this once. Write it down: you need it to download the file and to install it on the device.',
    'download.password': 'One-time password',
    'download.expires': 'The download link works {count} times until {expires}.',
    'download.encryption': 'File format',
    'download.modern': 'Standard (AES-256)',
    'download.legacy': 'Compatible (3DES) for older systems',
    'download.encryptionHint':
      'Choose Compatible only if the device cannot open the standard file (Windows 7, macOS before 10.15, older Android).',
    'download.submit': 'Download the certificate file',
    'download.enterPassword':
      'Enter the one-time password you were given with this link, choose the file format, and download the certificate file.',
  },
  ja: {
    'certs.title': 'デバイス証明書',
    'certs.intro':
      'デバイス証明書があると、組織が求める場面でこのデバイスからサインインできます。証明書は発行対象のデバイスにだけインストールしてください。',
    'certs.none': 'あなたに発行されたデバイス証明書はありません。',
    'certs.device': 'デバイス',
    'certs.loginType': 'サインイン方式',
    'certs.status': '状態',
    'certs.validity': '有効期間',
    'certs.validityRange': '{from} から {to} まで',
    'certs.download': 'ダウンロードしてインストール',
    'certs.askAdmin':
      'この証明書をもう一度インストールするには、管理者に新しいダウンロードリンクを依頼してください。',
    'certs.back': 'マイアプリケーションに戻る',
    'status.not_downloaded': '未ダウンロード',
    'status.downloaded': 'ダウンロード済み',
    'status.in_use': '使用中',
    'status.revoked': '失効',
    'status.expired': '期限切れ',
    'status.replacing': '入れ替え中',
    'status.suspended': '一時停止',
    'status.expiring_soon': 'まもなく期限切れ',
    'status.renewed': '更新済み（新しい証明書に切り替え）',
    'loginType.personal': '証明書とパスワード',
    'loginType.passwordless': '証明書のみ（パスワードなし）',
    'loginType.shared': '共用デバイス',
    'download.title': 'デバイス証明書のダウンロード',
    'download.passwordOnce':
      'ワンタイムパスワードは以下に一度だけ表示されます。ファイルのダウンロードとデバイスへのインストールに必要ですので、控えておいてください。',
    'download.password': 'ワンタイムパスワード',
    'download.expires': 'ダウンロードリンクは {expires} まで {count} 回使えます。',
    'download.encryption': 'ファイル形式',
    'download.modern': '標準（AES-256）',
    'download.legacy': '互換（3DES）：古いシステム向け',
    'download.encryptionHint':
      '互換は、標準のファイルを開けない機器（Windows 7、10.15 より前の macOS、古い Android など）の場合だけ選んでください。',
    'download.submit': '証明書ファイルをダウンロード',
    'download.enterPassword':
      'このリンクと一緒に受け取ったワンタイムパスワードを入力し、ファイル形式を選んで証明書ファイルをダウンロードしてください。',
  },
});

export type DeviceCertMessageKey = Parameters<typeof deviceCertMessages.t>[1];
