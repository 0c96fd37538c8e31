/**
 * The password rules (NIST SP 800-63B §5.1.1.2): a minimum length, no composition rules,
 * a maximum of 256 characters, and refusal of passwords that contain the login ID or are
 * among the most common ones.
 */
import { SekishoError } from '../errors.ts';

const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'iloveyou1234',
  'administrator',
  'welcome12345',
  'changeme1234',
  'sekisho12345',
  'letmein12345',
  'p@ssw0rd1234',
  'password12345',
  'qwerty123456',
  '1q2w3e4r5t6y',
]);

export function checkPasswordRules(password: string, loginId: string, minLength: number): void {
  const length = [...password].length;
  const lower = password.toLowerCase();
  const local = loginId.split('@')[0]?.toLowerCase() ?? '';
  let rule: string | undefined;
  if (length < minLength) rule = 'too-short';
  else if (length > 256) rule = 'too-long';
  else if (COMMON.has(lower) || /^(.)\1+$/.test(password)) rule = 'too-common';
  else if (local.length >= 3 && lower.includes(local)) rule = 'contains-login-id';
  if (rule) {
    throw new SekishoError('ERR_PASSWORD_WEAK', `password is ${rule}`, {
      params: { rule, minLength },
    });
  }
}
