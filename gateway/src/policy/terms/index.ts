/**
 * Every kind of term of the condition language, by kind. To add one: a file exporting its
 * `TermDefinition`, its member in `Condition` (condition-types.ts), and one line here; the
 * parser finds it by its keywords, the printer and the evaluator by its kind.
 */
import { attributeTerm } from './attribute.ts';
import { constTerm } from './const.ts';
import { dateTerm } from './date.ts';
import { deviceCertTerm } from './device-cert.ts';
import { entrancePassTerm } from './entrance-pass.ts';
import { groupTerm } from './group.ts';
import { ipSetTerm } from './ip-set.ts';
import { ipTerm } from './ip.ts';
import { loginTerm } from './login.ts';
import type { TermDefinition, TermKind } from './term.ts';
import { timeTerm } from './time.ts';
import { weekdayTerm } from './weekday.ts';

export type { Term, TermDefinition, TermKind, TermResult } from './term.ts';

export const TERMS: { readonly [K in TermKind]: TermDefinition<K> } = {
  const: constTerm,
  ip: ipTerm,
  ip_set: ipSetTerm,
  device_cert: deviceCertTerm,
  entrance_pass: entrancePassTerm,
  login: loginTerm,
  group: groupTerm,
  attribute: attributeTerm,
  time: timeTerm,
  date: dateTerm,
  weekday: weekdayTerm,
};

/** The definition of one kind, typed for that kind (TypeScript's correlated-union pattern). */
export function termDefinition<K extends TermKind>(kind: K): TermDefinition<K> {
  return TERMS[kind];
}

/** What the parser needs of a term kind: how to read it after its keyword. */
export type TermParser = NonNullable<TermDefinition<TermKind>['parse']>;

/** Term parsers by the lower-case keyword that starts the term in the text. */
export const TERM_PARSERS: ReadonlyMap<string, TermParser> = new Map(
  Object.values(TERMS).flatMap(
    ({ keywords, parse }: { keywords: readonly string[]; parse?: TermParser }) =>
      parse ? keywords.map((keyword) => [keyword, parse] as const) : [],
  ),
);

export function isTermKind(kind: string): kind is TermKind {
  return Object.hasOwn(TERMS, kind);
}
