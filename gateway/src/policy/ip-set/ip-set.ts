/**
 * IP sets as admins save them: an identifier used in conditions (`ip in office-tokyo`), a
 * display name, and entries (addresses, CIDR blocks, ranges; IPv4 and IPv6).
 *
 * - Validated once, when saved or loaded; runtime code only sees `IpSetDefinition`.
 * - Every problem is reported at once and names its field; a bad entry is named by its index
 *   and text: `entries[3]: '10.0.0.300' is not an IPv4 or IPv6 address, CIDR or range`.
 * - Blank lines are skipped (pasted lists end in one); indexes still count them.
 */
import { ValidationError, type FieldProblem } from '@sekisho/platform';
import { parseIpEntry, type IpEntry } from './ip-entry.ts';

/** Identifier: 3-255 of A-Z a-z 0-9 _ . - (it appears unquoted in conditions). */
export const IP_SET_IDENTIFIER = /^[A-Za-z0-9_.-]{3,255}$/;
export const IP_SET_NAME_MAX = 200;
export const IP_SET_ENTRIES_MAX = 100_000;

/** An IP set as submitted (admin API, import, stored row). */
export interface IpSetInput {
  identifier: string;
  name: string;
  entries: readonly string[];
}

/** A validated IP set: entries parsed and in canonical text. */
export interface IpSetDefinition {
  readonly identifier: string;
  readonly name: string;
  readonly entries: readonly IpEntry[];
}

function entryProblems(lines: readonly string[]): { entries: IpEntry[]; problems: FieldProblem[] } {
  const entries: IpEntry[] = [];
  const problems: FieldProblem[] = [];
  if (lines.length > IP_SET_ENTRIES_MAX) {
    problems.push({ field: 'entries', message: `must hold at most ${IP_SET_ENTRIES_MAX} entries` });
    return { entries, problems };
  }
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseIpEntry(line);
    if (parsed.ok) entries.push(parsed.entry);
    else problems.push({ field: `entries[${index}]`, message: parsed.problem });
  });
  return { entries, problems };
}

/**
 * Parses the entries of an IP set, throwing a ValidationError that names every bad entry.
 * @example parseIpSetEntries(['192.0.2.0/24', '2001:db8::/32']).entries.length // 2
 */
export function parseIpSetEntries(lines: readonly string[]): { entries: IpEntry[] } {
  const { entries, problems } = entryProblems(lines);
  if (problems.length) throw new ValidationError(problems);
  return { entries };
}

function identifierProblem(identifier: unknown): FieldProblem | undefined {
  if (typeof identifier === 'string' && IP_SET_IDENTIFIER.test(identifier)) return undefined;
  return {
    field: 'identifier',
    message: 'must be 3 to 255 characters of letters, digits, underscore, dot or hyphen',
  };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function nameProblem(name: unknown): FieldProblem | undefined {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  const length = trimmed.length;
  if (length >= 1 && length <= IP_SET_NAME_MAX && !hasControlCharacter(trimmed)) return undefined;
  return {
    field: 'name',
    message: `must be 1 to ${IP_SET_NAME_MAX} characters without control characters`,
  };
}

/**
 * Validates a whole IP set, reporting the identifier, the name and every bad entry at once.
 * @example validateIpSet({ identifier: 'office', name: 'Office', entries: ['203.0.113.0/24'] })
 */
export function validateIpSet(input: IpSetInput): IpSetDefinition {
  const parsed = entryProblems(input.entries);
  const problems = [
    identifierProblem(input.identifier),
    nameProblem(input.name),
    ...parsed.problems,
  ];
  const found = problems.filter((p): p is FieldProblem => p !== undefined);
  if (found.length) throw new ValidationError(found);
  return Object.freeze({
    identifier: input.identifier,
    name: input.name.trim(),
    entries: Object.freeze(parsed.entries),
  });
}
