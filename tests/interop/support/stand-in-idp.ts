/**
 * A stand-in SAML IdP for the harness's own tests: proves that the SPs' configs, the echo
 * CGI and the scripted browser complete a login, so that a failing Sekisho interop test
 * points at Sekisho. Deliberately minimal and not a model of Sekisho:
 * - HTTPS with a self-signed certificate on 127.0.0.1;
 * - HTTP-Redirect AuthnRequests only (not verified), read for ID, ACS URL and issuer;
 * - a sign-in form shaped like Sekisho's (hidden `_csrf` and `return`, `loginId`,
 *   `password`) and a session cookie (Secure, SameSite=Lax);
 * - a Response with an Assertion signed RSA-SHA256 / exclusive c14n (node-saml's signXml,
 *   i.e. xml-crypto), e-mail NameID, mail and displayName attributes, posted back by an
 *   auto-submitting form as the HTTP-POST binding does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { signXml } from '@node-saml/node-saml/lib/xml.js';
import type { KeyPair } from './pki.ts';
import { ATTRNAME_BASIC, ATTRNAME_URI, NAMEID_EMAIL, escapeXml } from './saml-peer.ts';

export interface StandInUser {
  email: string;
  displayName: string;
  password: string;
}

export interface StandInIdp {
  origin: string;
  entityId: string;
  ssoUrl: string;
  metadataXml: string;
  close(): Promise<void>;
}

export interface StandInIdpOptions {
  key: KeyPair;
  user: StandInUser;
  /** 'oid': urn:oid names, uri format (default); 'basic': mail/displayName, basic format. */
  attributeNames?: 'oid' | 'basic';
}

function readBody(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function attribute(name: string, format: string, friendly: string, value: string): string {
  return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${format}" FriendlyName="${friendly}"><saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`;
}

export async function startStandInSamlIdp(options: StandInIdpOptions): Promise<StandInIdp> {
  const { key, user } = options;
  const privateKey = readFileSync(key.keyPath);
  const csrf = randomBytes(12).toString('base64url');
  const session = randomBytes(12).toString('base64url');
  let origin = '';
  const entityId = () => `${origin}/idp`;

  const respond = (authnRequest: string, relayState: string | null): string => {
    const id = /\bID="([^"]+)"/.exec(authnRequest)?.[1] ?? '';
    const acs = /AssertionConsumerServiceURL="([^"]+)"/.exec(authnRequest)?.[1] ?? '';
    const sp = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(authnRequest)?.[1] ?? '';
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const [mail, displayName, format] =
      options.attributeNames === 'basic'
        ? ['mail', 'displayName', ATTRNAME_BASIC]
        : ['urn:oid:0.9.2342.19200300.100.1.3', 'urn:oid:2.16.840.1.113730.3.1.241', ATTRNAME_URI];
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" IssueInstant="${at(0)}">` +
      `<saml:Issuer>${escapeXml(entityId())}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${NAMEID_EMAIL}">${escapeXml(user.email)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${id}" NotOnOrAfter="${at(300_000)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${at(-60_000)}" NotOnOrAfter="${at(300_000)}"><saml:AudienceRestriction><saml:Audience>${sp}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="_${session}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attribute(mail, format, 'mail', user.email)}${attribute(displayName, format, 'displayName', user.displayName)}</saml:AttributeStatement>` +
      `</saml:Assertion>`;
    const response =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" IssueInstant="${at(0)}" Destination="${acs}" InResponseTo="${id}">` +
      `<saml:Issuer>${escapeXml(entityId())}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
    const signed = signXml(
      response,
      "//*[local-name(.)='Assertion']",
      { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
      {
        privateKey,
        publicCert: key.certPem,
        signatureAlgorithm: 'sha256',
        digestAlgorithm: 'sha256',
      },
    );
    const relay =
      relayState === null
        ? ''
        : `<input type="hidden" name="RelayState" value="${escapeXml(relayState)}">`;
    return `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${acs}"><input type="hidden" name="SAMLResponse" value="${Buffer.from(signed).toString('base64')}">${relay}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
  };

  const server: Server = createServer({ key: privateKey, cert: key.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const html = (status: number, body: string) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(body);
    };
    if (url.pathname === '/sso' && req.method === 'GET') {
      const encoded = url.searchParams.get('SAMLRequest');
      if (!encoded) return html(400, 'no SAMLRequest');
      if (!(req.headers.cookie ?? '').includes(`stand_in_idp=${session}`)) {
        res.writeHead(303, {
          location: `/login?return=${encodeURIComponent(url.pathname + url.search)}`,
        });
        return res.end();
      }
      const authnRequest = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
      return html(200, respond(authnRequest, url.searchParams.get('RelayState')));
    }
    if (url.pathname === '/login' && req.method === 'GET') {
      const back = escapeXml(url.searchParams.get('return') ?? '/');
      return html(
        200,
        `<form method="post" action="/login"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="return" value="${back}"><input id="loginId" name="loginId" type="email"><input id="password" name="password" type="password"><button type="submit">Sign in</button></form>`,
      );
    }
    if (url.pathname === '/login' && req.method === 'POST') {
      void readBody(req).then((body) => {
        const form = new URLSearchParams(body);
        const ok =
          form.get('_csrf') === csrf &&
          form.get('loginId') === user.email &&
          form.get('password') === user.password;
        if (!ok) return html(401, '<p>wrong login ID or password</p>');
        res.writeHead(303, {
          location: form.get('return')?.startsWith('/') ? form.get('return')! : '/',
          'set-cookie': `stand_in_idp=${session}; Path=/; Secure; HttpOnly; SameSite=Lax`,
        });
        res.end();
      });
      return;
    }
    html(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ssoUrl = `${origin}/sso`;
  const metadataXml = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId()}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>${NAMEID_EMAIL}</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
  return {
    origin,
    entityId: entityId(),
    ssoUrl,
    metadataXml,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
