/**
 * Reads the names an external certificate gives its holder: SAN `email:` entries (RFC 5280
 * §4.2.1.6 rfc822Name), subject `emailAddress`, subject `CN`. Node prints values holding
 * separators as JSON strings (since the CVE-2021-44532 fix), so a quoted value is decoded and
 * a crafted name like `"a@x, email:b@y"` stays one name.
 */
import type { X509Certificate } from 'node:crypto';

const SAN_EMAIL = /(?:^|, )email:("(?:[^"\\]|\\.)*"|[^,]*)/g;

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value;
  try {
    const v: unknown = JSON.parse(value);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function subjectValues(cert: X509Certificate, key: string): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .flatMap((line) => unquote(line.slice(key.length + 1)) ?? []);
}

export function emailsOf(cert: X509Certificate): string[] {
  const san = [...(cert.subjectAltName ?? '').matchAll(SAN_EMAIL)].flatMap(
    (m) => unquote(m[1] ?? '') ?? [],
  );
  const all = [...san, ...subjectValues(cert, 'emailAddress')];
  return [...new Set(all.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
}

export function commonNamesOf(cert: X509Certificate): string[] {
  return subjectValues(cert, 'CN')
    .map((cn) => cn.trim())
    .filter(Boolean);
}
