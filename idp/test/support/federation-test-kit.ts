/**
 * Test kit for federation tests: reading XML by namespace, the IdP's auto-post forms, a
 * browser that signs in when the IdP sends it to the login page, signature checks with
 * xml-crypto (as a service provider does them: the certificate it was given, never the one
 * in KeyInfo) and throwaway signing keys.
 */
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import type { LightMyRequestResponse } from 'fastify';
import { XMLSerializer, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { TestBrowser } from '../../../gateway/test/support/browser.ts';
import { TEST_PASSWORD } from '../../../gateway/test/support/test-app.ts';

const DS = 'http://www.w3.org/2000/09/xmldsig#';

/** The element children of `parent` named `{ns}local`. */
export function kids(parent: Element, ns: string, local: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local,
  );
}

/** Follows a path of `[ns, local]` steps, each step the one such child. */
export function only(parent: Element, ...path: [string, string][]): Element {
  return path.reduce((el, [ns, local]) => {
    const found = kids(el, ns, local);
    assert.equal(found.length, 1, `exactly one ${local}`);
    return found[0]!;
  }, parent);
}

export function decodeHtml(s: string): string {
  return s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  );
}

/** The action and hidden fields of the auto-post form on an IdP page. */
export function formFields(body: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*\saction="([^"]*)"/.exec(body)?.[1];
  assert.ok(action, 'the page carries an auto-post form');
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input[^>]*\sname="([^"]+)"[^>]*\svalue="([^"]*)"/g))
    fields[m[1]!] = decodeHtml(m[2]!);
  return { action: decodeHtml(action), fields };
}

/** PEM of a base64 DER certificate (an X509Certificate element's text). */
export const pem = (b64: string) => new X509Certificate(Buffer.from(b64, 'base64')).toString();

/** Verifies the one enveloped signature of `signed` with one of `certificates`. */
export function verifySignature(
  xml: string,
  signed: Element,
  idAttribute: string,
  certificates: string[],
): void {
  const signature = only(signed, [DS, 'Signature']);
  const signatureXml = new XMLSerializer().serializeToString(signature);
  const ok = certificates.some((cert) => {
    // 'ID' is already one of xml-crypto's id attributes; naming it again makes its
    // duplicate-ID check count every element twice.
    const sig = new SignedXml({ publicCert: cert, ...(idAttribute !== 'ID' && { idAttribute }) });
    sig.loadSignature(signatureXml);
    try {
      return sig.checkSignature(xml);
    } catch {
      return false;
    }
  });
  assert.ok(ok, 'the signature verifies with a published certificate');
  const signedInfo = only(signature, [DS, 'SignedInfo']);
  const reference = only(signedInfo, [DS, 'Reference']);
  assert.equal(reference.getAttribute('URI'), `#${signed.getAttribute(idAttribute)}`);
  assert.equal(
    only(signedInfo, [DS, 'SignatureMethod']).getAttribute('Algorithm'),
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  );
  assert.deepEqual(
    kids(only(reference, [DS, 'Transforms']), DS, 'Transform').map((t) =>
      t.getAttribute('Algorithm'),
    ),
    [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
  );
}

/** A fresh RSA key and self-signed certificate, as the IdP's signing keys are. */
export function testSigningKey(cn = 'test'): { privateKeyPem: string; certificatePem: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer([{ name: 'commonName', value: cn }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

/**
 * Follows the IdP's redirects like a browser, signing in with the test password when it
 * lands on the login page, until a page is shown. Returns that page and the return paths
 * the login page was given.
 */
export async function followSignIn(
  b: TestBrowser,
  first: LightMyRequestResponse,
  loginId: string,
): Promise<LightMyRequestResponse & { returnPaths: string[] }> {
  let res = first;
  const returnPaths: string[] = [];
  for (let hops = 0; res.statusCode === 303 && hops < 10; hops++) {
    const location = res.headers.location as string;
    const url = new URL(location, 'https://idp.invalid');
    if (!/^\/t\/[^/]+\/login$/.test(url.pathname) || !url.searchParams.has('return')) {
      res = await b.get(location);
      continue;
    }
    const returnTo = url.searchParams.get('return')!;
    returnPaths.push(returnTo);
    const csrf = await b.csrfFrom(location);
    res = await b.post(url.pathname, {
      _csrf: csrf,
      loginId,
      password: TEST_PASSWORD,
      return: returnTo,
    });
  }
  return Object.assign(res, { returnPaths });
}
