/**
 * The tenant CA's CRL (RFC 5280 §5), signed with the CA key, regenerated on every revocation.
 *
 * - node-forge cannot create CRLs, and hand-assembled ASN.1 is a place for subtle mistakes, so
 *   `openssl ca -gencrl` signs it from a throw-away index.txt built from our table.
 * - The CRL number (RFC 5280 §5.2.3) only grows: the CA row is locked while a CRL is made and
 *   stored, so two revocations at once cannot publish an older CRL over a newer one.
 * - thisUpdate is the platform clock; nextUpdate is `crlDays` later. A CRL older than a day is
 *   reissued on read, so a published one always has at least `crlDays - 1` days left.
 * - What it lists, and why: `crl-entries.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { SekishoError } from '@sekisho/platform';
import type { DeviceCertDatabase } from '../store/tables.ts';
import { caKeyContext, type DeviceCertDeps } from './deps.ts';
import { withOpenssl } from './openssl.ts';
import { crlEntries, swapEndedSince } from './crl-entries.ts';
import { ensureCa } from './tenant-ca.ts';

export interface Crl {
  pem: string;
  der: Buffer;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const REISSUE_AFTER_MS = 86_400_000;

/** UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime after (RFC 5280 §5.1.2.4). */
function asn1Time(d: Date): string {
  const full = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? full.slice(2) : full;
}

function evenHex(n: number): string {
  const hex = n.toString(16).toUpperCase();
  return hex.length % 2 ? `0${hex}` : hex;
}

function toCrl(pem: string, crlNumber: number, thisUpdate: Date, crlDays: number): Crl {
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return {
    pem,
    der: Buffer.from(base64, 'base64'),
    crlNumber,
    thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + crlDays * 86_400_000),
  };
}

/** Makes and stores a new CRL inside `trx`; call after any change to what it lists. */
export async function regenerateCrl(
  deps: DeviceCertDeps,
  trx: Transaction<DeviceCertDatabase>,
  tenantId: string,
): Promise<Crl> {
  const ca = await trx
    .updateTable('device_cas')
    .set({ crl_number: sql<string>`crl_number + 1` })
    .where('tenant_id', '=', tenantId)
    .returning(['crl_number', 'certificate_pem', 'private_key_sealed'])
    .executeTakeFirst();
  if (!ca) throw new SekishoError('ERR_INTERNAL', 'tenant CA missing');
  const thisUpdate = deps.platform.clock.now();
  thisUpdate.setMilliseconds(0);
  const index = (await crlEntries(trx, tenantId, thisUpdate))
    .map((e) => {
      const when = asn1Time(e.revokedAt);
      return `R\t${asn1Time(e.notAfter)}\t${when},${e.reason}\t${e.serial}\tunknown\t/CN=device\n`;
    })
    .join('');
  const nextUpdate = new Date(thisUpdate.getTime() + deps.crlDays * 86_400_000);
  const number = Number(ca.crl_number);
  const keyPem = deps.platform.secretBox.open(ca.private_key_sealed, caKeyContext(tenantId));
  const pem = await withOpenssl(
    {
      args: [
        'ca',
        '-gencrl',
        '-batch',
        '-config',
        'ca.cnf',
        '-out',
        'crl.pem',
        '-crl_lastupdate',
        asn1Time(thisUpdate),
        '-crl_nextupdate',
        asn1Time(nextUpdate),
      ],
      files: {
        'ca.cnf': CA_CONFIG,
        'index.txt': index,
        'index.txt.attr': 'unique_subject = no\n',
        crlnumber: evenHex(number) + '\n',
        'ca.pem': ca.certificate_pem,
        'ca.key': keyPem,
      },
    },
    (dir) => readFile(join(dir, 'crl.pem'), 'utf8'),
  );
  await trx
    .updateTable('device_cas')
    .set({ crl_pem: pem, crl_this_update: thisUpdate })
    .where('tenant_id', '=', tenantId)
    .execute();
  return toCrl(pem, number, thisUpdate, deps.crlDays);
}

const CA_CONFIG = `[ca]
default_ca = tenant
[tenant]
database = index.txt
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
`;

/**
 * The current CRL, made on first use and reissued when a day old, when a device swap ended
 * since it was made, or when it was marked stale (a user with certificates was deleted).
 */
export async function currentCrl(deps: DeviceCertDeps, tenantId: string): Promise<Crl> {
  await ensureCa(deps, tenantId);
  const row = await deps.db
    .selectFrom('device_cas')
    .select(['crl_pem', 'crl_number', 'crl_this_update'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const now = deps.platform.clock.now();
  if (
    row.crl_pem &&
    row.crl_this_update &&
    now.getTime() - row.crl_this_update.getTime() < REISSUE_AFTER_MS &&
    !(await swapEndedSince(deps.db, tenantId, row.crl_this_update, now))
  ) {
    return toCrl(row.crl_pem, Number(row.crl_number), row.crl_this_update, deps.crlDays);
  }
  return deps.db.transaction().execute((trx) => regenerateCrl(deps, trx, tenantId));
}
