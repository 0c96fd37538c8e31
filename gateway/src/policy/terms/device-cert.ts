/**
 * `cert` / `cert <login type>`: the browser presented a device certificate that the gateway
 * verified (issuer, validity, revocation, tenant); optionally one issued for this login type.
 * Known before the password, so a login from an unmanaged device can be refused up front.
 */
import type { Condition } from '../condition-types.ts';
import { truth, type TermDefinition } from './term.ts';

type LoginType = NonNullable<Extract<Condition, { kind: 'device_cert' }>['loginType']>;

const LOGIN_TYPES: readonly LoginType[] = ['personal', 'passwordless', 'shared'];
const EXPECTED = "a login type (personal, passwordless or shared), 'and' or 'or'";

export const deviceCertTerm: TermDefinition<'device_cert'> = {
  keywords: ['cert'],
  parse(cursor) {
    if (cursor.atTermEnd()) return { kind: 'device_cert' };
    const token = cursor.expectWord(EXPECTED);
    const loginType = LOGIN_TYPES.find((t) => t === token.value.toLowerCase());
    if (!loginType) cursor.fail(EXPECTED, token);
    return { kind: 'device_cert', loginType };
  },
  print: (term) => (term.loginType ? `cert ${term.loginType}` : 'cert'),
  evaluate(term, input) {
    const cert = input.deviceCert;
    if (!cert) return truth(false);
    return truth(term.loginType === undefined || cert.loginType === term.loginType);
  },
};
