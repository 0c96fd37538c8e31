/**
 * Small validators for preset inputs. A preset input is a handful of fields an admin types
 * (a domain, a checkbox); each problem is reported with its field, all at once.
 */
import { ValidationError, type FieldProblem } from '@sekisho/platform';

// RFC 1035 labels, at least two of them; stored lower-case (Google compares the ACS URL
// case-sensitively, and both vendors show domains in lower case).
const DOMAIN_RE =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export function domainName(raw: unknown, field: string, problems: FieldProblem[]): string {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!DOMAIN_RE.test(value)) {
    problems.push({ field, message: 'must be a domain name such as example.com' });
    return '';
  }
  return value;
}

export function optionalBoolean(raw: unknown, field: string, problems: FieldProblem[]): boolean {
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') problems.push({ field, message: 'must be true or false' });
  return raw === true;
}

/** The input as a record whose keys are all known, or a ValidationError naming the others. */
export function inputRecord(raw: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError([{ field: 'input', message: 'must be an object' }]);
  const extra = Object.keys(raw).filter((k) => !known.includes(k));
  if (extra.length)
    throw new ValidationError(
      extra.map((k) => ({ field: k, message: 'is not an input of this preset' })),
    );
  return raw as Record<string, unknown>;
}

export function throwIfAny(problems: FieldProblem[]): void {
  if (problems.length) throw new ValidationError(problems);
}
