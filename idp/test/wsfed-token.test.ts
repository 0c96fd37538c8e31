/**
 * The WS-Federation token builder and relying-party config without a server: what Entra reads
 * for MFA (AuthenticationMethod multipleauthn, concept-mfa-expected-inbound-assertions), the
 * validity window, escaping, tamper evidence, and the checks made when an RP is saved.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser } from '@xmldom/xmldom';
import { ValidationError } from '@sekisho/platform';
import { buildWsFedToken, type WsFedTokenInput } from '../src/wsfed/wsfed-token.ts';
import { validateWsFedRpConfig } from '../src/wsfed/rp-config.ts';
import { M365 } from './support/wsfed-entra-emulator.ts';
import { only, testSigningKey, verifySignature } from './support/federation-test-kit.ts';

const key = testSigningKey();
const issuedAt = new Date('2026-11-22T03:00:00.000Z');
const base: WsFedTokenInput = {
  issuer: 'https://sekisho.test/t/acme/wsfed',
  realm: M365.realm,
  immutableId: 'dGFybw+/A==',
  upn: 'taro@acme.example',
  amr: ['pwd'],
  authenticatedAt: new Date('2026-11-22T02:55:00.000Z'),
  issuedAt,
  lifetimeSeconds: 3600,
  key,
};
const SAML = 'urn:oasis:names:tc:SAML:1.0:assertion';
const T = 'http://schemas.xmlsoap.org/ws/2005/02/trust';

function assertionOf(wresult: string) {
  const root = new DOMParser().parseFromString(wresult, 'application/xml').documentElement!;
  return only(root, [T, 'RequestedSecurityToken'], [SAML, 'Assertion']);
}

describe('WS-Federation token', () => {
  test('an MFA session is told to Entra as multipleauthn, a password-only one as password', () => {
    const mfa = buildWsFedToken({ ...base, amr: ['pwd', 'mfa'] });
    const pwd = buildWsFedToken(base);
    const method = (w: string) =>
      only(assertionOf(w), [SAML, 'AuthenticationStatement']).getAttribute('AuthenticationMethod');
    assert.equal(method(mfa.wresult), 'http://schemas.microsoft.com/claims/multipleauthn');
    assert.equal(method(pwd.wresult), 'urn:oasis:names:tc:SAML:1.0:am:password');
    assert.equal(mfa.authenticationMethod, 'http://schemas.microsoft.com/claims/multipleauthn');
    verifySignature(mfa.wresult, assertionOf(mfa.wresult), 'AssertionID', [key.certificatePem]);
  });

  test('the validity window runs from the issue time for the lifetime; sign-in time is kept', () => {
    const token = buildWsFedToken({ ...base, lifetimeSeconds: 600 });
    const a = assertionOf(token.wresult);
    const conditions = only(a, [SAML, 'Conditions']);
    assert.equal(a.getAttribute('IssueInstant'), '2026-11-22T03:00:00.000Z');
    assert.equal(conditions.getAttribute('NotBefore'), '2026-11-22T03:00:00.000Z');
    assert.equal(conditions.getAttribute('NotOnOrAfter'), '2026-11-22T03:10:00.000Z');
    assert.equal(
      only(a, [SAML, 'AuthenticationStatement']).getAttribute('AuthenticationInstant'),
      '2026-11-22T02:55:00.000Z',
    );
    assert.match(a.getAttribute('AssertionID')!, /^_[0-9a-f]{40}$/);
  });

  test('markup in values stays text, and changing a signed byte breaks the signature', () => {
    const upn = 'x"/><saml:Attribute AttributeName="UPN">admin@acme.example</saml:Attribute>';
    const token = buildWsFedToken({ ...base, upn });
    const a = assertionOf(token.wresult);
    const statement = only(a, [SAML, 'AttributeStatement']);
    const upns = Array.from(statement.getElementsByTagNameNS(SAML, 'Attribute')).filter(
      (e) => e.getAttribute('AttributeName') === 'UPN',
    );
    assert.equal(upns.length, 1);
    assert.equal(upns[0]!.textContent, upn);
    const tampered = token.wresult.replace('taro', 'hana').replace('dGFybw', 'aGFuYQ');
    assert.throws(() =>
      verifySignature(tampered, assertionOf(tampered), 'AssertionID', [key.certificatePem]),
    );
    const other = testSigningKey();
    assert.throws(() => verifySignature(token.wresult, a, 'AssertionID', [other.certificatePem]));
  });
});

describe('WS-Federation relying party config', () => {
  test('defaults: ImmutableID from attr:immutableId, UPN from email, one-hour tokens', () => {
    const c = validateWsFedRpConfig({ realm: M365.realm, replyUrls: [M365.loginSrf] });
    assert.deepEqual(
      { ...c },
      {
        realm: M365.realm,
        replyUrls: [M365.loginSrf],
        signOutUrls: [],
        nameIdSource: 'attr:immutableId',
        upnSource: 'email',
        tokenLifetimeSeconds: 3600,
      },
    );
  });

  test('a bad config is refused naming every bad field', () => {
    const err = (() => {
      try {
        validateWsFedRpConfig({
          realm: 'not a uri',
          replyUrls: ['http://rp.example/', 'https://u:p@rp.example/', 'https://rp.example/#x'],
          nameIdSource: 'attr:',
          upnSource: 'phone',
          tokenLifetimeSeconds: 10,
          wreply: 'x',
          launchUrl: 'http://portal.example/',
        });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(err.problems.map((p) => p.field).sort(), [
      'launchUrl',
      'nameIdSource',
      'realm',
      'replyUrls[0]',
      'replyUrls[1]',
      'replyUrls[2]',
      'tokenLifetimeSeconds',
      'upnSource',
      'wreply',
    ]);
  });

  test('http is allowed only on a loopback host; the portal launch URL is kept', () => {
    const c = validateWsFedRpConfig({
      realm: 'urn:x',
      replyUrls: ['http://127.0.0.1:8080/rp'],
      launchUrl: 'https://portal.example/',
    });
    assert.equal(c.replyUrls[0], 'http://127.0.0.1:8080/rp');
    assert.equal(c.launchUrl, 'https://portal.example/');
  });
});
