/**
 * Validates SAML XML against the OASIS schemas with `xmllint --nonet --schema`, offline:
 * the XSDs come from Debian's `opensaml-schemas` and `xmltooling-schemas` (installed with
 * apt-get when missing and running as root), are copied to a temp directory, and their
 * `http://www.w3.org/...` schemaLocation imports are rewritten to the local copies of
 * xmldsig, xmlenc and xml.xsd, so nothing is fetched.
 *
 * @example
 * const problems = await validateSamlXml(metadataXml, 'metadata');
 * assert.deepEqual(problems, []);
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianPackages, makeTempDir, removeAtExit } from '@sekisho/platform/test-support';

const run = promisify(execFile);

export type SamlSchema = 'metadata' | 'protocol' | 'assertion';

const ENTRY: Record<SamlSchema, string> = {
  metadata: 'saml-schema-metadata-2.0.xsd',
  protocol: 'saml-schema-protocol-2.0.xsd',
  assertion: 'saml-schema-assertion-2.0.xsd',
};

const SOURCES = ['/usr/share/xml/opensaml', '/usr/share/xml/xmltooling'];
const LOCAL: Record<string, string> = {
  'xmldsig-core-schema.xsd': 'xmldsig-core-schema.xsd',
  'xenc-schema.xsd': 'xenc-schema.xsd',
  'xml.xsd': 'xml.xsd',
  'xenc11-schema.xsd': 'xenc11-schema.xsd',
  'xmldsig11-schema.xsd': 'xmldsig11-schema.xsd',
};

let prepared: Promise<string> | undefined;

async function schemaDir(): Promise<string> {
  await ensureDebianPackages([{ command: 'xmllint', pkg: 'libxml2-utils' }]);
  const missing = SOURCES.filter((dir) => {
    try {
      return !readdirSync(dir).some((f) => f.endsWith('.xsd'));
    } catch {
      return true;
    }
  });
  if (missing.length) await installSchemaPackages();
  const dir = await makeTempDir('sekisho-saml-xsd-');
  removeAtExit(dir);
  for (const source of SOURCES)
    for (const file of readdirSync(source).filter((f) => f.endsWith('.xsd'))) {
      copyFileSync(join(source, file), join(dir, file));
      const text = readFileSync(join(dir, file), 'utf8').replace(
        /schemaLocation="http:\/\/www\.w3\.org\/[^"]*\/([^"/]+\.xsd)"/g,
        (whole, name: string) => (LOCAL[name] ? `schemaLocation="${LOCAL[name]}"` : whole),
      );
      writeFileSync(join(dir, file), text);
    }
  return dir;
}

/** The schema packages ship no command, so ensureDebianPackages cannot detect them. */
async function installSchemaPackages(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('install opensaml-schemas and xmltooling-schemas (apt-get, as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run(
    'apt-get',
    ['install', '-y', '--no-install-recommends', 'opensaml-schemas', 'xmltooling-schemas'],
    { env },
  );
}

/** Schema errors reported by xmllint; an empty list when the document is valid. */
export async function validateSamlXml(xml: string, schema: SamlSchema): Promise<string[]> {
  prepared ??= schemaDir();
  const dir = await prepared;
  const file = join(dir, `doc-${process.pid}-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  try {
    await run('xmllint', ['--nonet', '--noout', '--schema', join(dir, ENTRY[schema]), file]);
    return [];
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? err);
    return stderr.split('\n').filter((line) => line && !line.endsWith('fails to validate'));
  } finally {
    rmSync(file, { force: true });
  }
}
