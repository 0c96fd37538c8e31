/**
 * The typed tree of a policy condition (issue #4). Conditions are parsed from their text
 * once, when saved, into this discriminated union; login-time code only walks the tree.
 * Each term kind is evaluated by one function in `terms/` (one file per kind).
 */

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday, as Date#getDay

export type Condition =
  | { kind: 'const'; value: boolean }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  /**
   * Source IP within literal addresses/CIDRs/ranges (IPv4 or IPv6), in canonical text:
   * `192.0.2.1`, `192.0.2.0/24`, `10.0.0.1-10.0.0.50`, `2001:db8::/32` (RFC 5952, IPv4-mapped as IPv4).
   */
  | { kind: 'ip'; ranges: string[] }
  /** Source IP within a named IP set (by its identifier). */
  | { kind: 'ip_set'; id: string }
  /** A verified device certificate was presented; optionally of one login type. */
  | { kind: 'device_cert'; loginType?: 'personal' | 'passwordless' | 'shared' }
  /** The browser holds a valid entrance pass; optionally no older than maxAgeDays. */
  | { kind: 'entrance_pass'; maxAgeDays?: number }
  /** The login name equals (case-insensitively) one of these, or matches a `*@domain` pattern. */
  | { kind: 'login'; patterns: string[] }
  /** The user is a member of this group (by name). */
  | { kind: 'group'; name: string }
  /** A custom user attribute compared with a value. */
  | { kind: 'attribute'; name: string; op: 'eq' | 'ne'; value: string }
  /** Local time of day in [from, to) in the tenant's zone; from > to spans midnight. Minutes since 00:00. */
  | { kind: 'time'; from: number; to: number }
  /** Local date within [from, to] inclusive, as YYYY-MM-DD. */
  | { kind: 'date'; from: string; to: string }
  /** Local weekday is one of these. */
  | { kind: 'weekday'; days: Weekday[] };

export type ConditionKind = Condition['kind'];

/** What a condition is evaluated against. Subject fields are absent before the password stage. */
export interface ConditionInput {
  /** The client IP (already normalized: IPv4-mapped IPv6 as IPv4). */
  ip: string;
  /** IP sets of the tenant, compiled, by identifier. */
  ipSets: ReadonlyMap<string, { contains(ip: string): boolean }>;
  deviceCert?: { loginType: 'personal' | 'passwordless' | 'shared' } | undefined;
  entrancePass?: { issuedAt: Date } | undefined;
  subject?:
    | { loginId: string; groups: readonly string[]; attributes: Readonly<Record<string, string>> }
    | undefined;
  at: Date;
  timeZone: string;
}

/** Three-valued result: `unknown` when a term needs the subject and it is not known yet. */
export type Truth = true | false | 'unknown';

/**
 * Why a term's result is not the plain answer to its question, for the simulator and audit:
 * - `ip-set-unknown`: `ip in <id>` names no IP set of the tenant (false: fail closed);
 * - `ip-invalid`: the client IP is not an IP address (false: fail closed);
 * - `subject-unknown`: the term needs the user, who is not known yet ('unknown');
 * - `pass-issued-in-future`: the entrance pass's issuedAt is after `at` (false: fail closed).
 */
export type TraceReason =
  'ip-set-unknown' | 'ip-invalid' | 'subject-unknown' | 'pass-issued-in-future';

export interface TraceEntry {
  /** The term or operator, printed in the condition language. */
  term: string;
  result: Truth;
  reason?: TraceReason;
}
