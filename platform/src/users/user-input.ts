/**
 * Validation of user fields, shared by the API, the CSV import and the CLI so every entry
 * point refuses the same things with the same words.
 */
import type { FieldProblem } from '../errors.ts';

export interface UserInput {
  loginId: string;
  displayName: string;
  email?: string | undefined;
  locale?: 'ja' | 'en' | null | undefined;
  status?: 'active' | 'suspended' | undefined;
  attributes?: Record<string, string> | undefined;
  groups?: string[] | undefined;
  password?: string | undefined;
}

// Pragmatic address check (WHATWG's input[type=email] rule); delivery proves the rest.
const EMAIL_RE =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
const ATTR_KEY_RE = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_RE.test(value);
}

/** Login IDs compare case-insensitively: stored lower-cased. */
export function normalizeLoginId(loginId: string): string {
  return loginId.trim().toLowerCase();
}

export function checkUserInput(input: Partial<UserInput>, creating: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (creating || input.loginId !== undefined) {
    if (!input.loginId || !isEmail(input.loginId.trim())) {
      problems.push({ field: 'loginId', message: 'must be an email address' });
    }
  }
  if (creating || input.displayName !== undefined) {
    const name = input.displayName?.trim() ?? '';
    if (!name || name.length > 200) {
      problems.push({ field: 'displayName', message: 'must be 1-200 characters' });
    }
  }
  if (input.email !== undefined && input.email !== '' && !isEmail(input.email.trim())) {
    problems.push({ field: 'email', message: 'must be an email address' });
  }
  if (input.locale !== undefined && input.locale !== null && !['ja', 'en'].includes(input.locale)) {
    problems.push({ field: 'locale', message: "must be 'ja' or 'en'" });
  }
  if (input.status !== undefined && !['active', 'suspended'].includes(input.status)) {
    problems.push({ field: 'status', message: "must be 'active' or 'suspended'" });
  }
  for (const [k, v] of Object.entries(input.attributes ?? {})) {
    if (!ATTR_KEY_RE.test(k)) {
      problems.push({
        field: `attributes.${k}`,
        message: 'name must be a letter then up to 63 of [A-Za-z0-9_.-]',
      });
    } else if (typeof v !== 'string' || v.length > 1024) {
      problems.push({
        field: `attributes.${k}`,
        message: 'value must be text of at most 1024 characters',
      });
    }
  }
  for (const g of input.groups ?? []) {
    if (!g.trim() || g.length > 100)
      problems.push({ field: 'groups', message: `'${g}' is not a group name` });
  }
  return problems;
}
