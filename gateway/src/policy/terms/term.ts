/**
 * What one kind of term provides: how it is written (keywords, parse, print) and how it is
 * evaluated. Each kind lives in its own file and is listed once in `index.ts`.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import type { Token } from '../condition/tokenize.ts';
import type {
  Condition,
  ConditionInput,
  ConditionKind,
  TraceReason,
  Truth,
} from '../condition-types.ts';

/** Kinds that are terms, as opposed to the operators `and`, `or`, `not`. */
export type TermKind = Exclude<ConditionKind, 'and' | 'or' | 'not'>;
export type Term<K extends TermKind = TermKind> = Extract<Condition, { kind: K }>;

export interface TermResult {
  result: Truth;
  reason?: TraceReason;
}

export interface TermDefinition<K extends TermKind> {
  /** Lower-case keywords that start this term in the text; [] if another kind parses it. */
  keywords: readonly string[];
  /** Reads the rest of the term after its keyword, validating values with positions. */
  parse?(cursor: TokenCursor, keyword: Token): Condition;
  /** Canonical text that `parse` reads back to the same term. */
  print(term: Term<K>): string;
  evaluate(term: Term<K>, input: ConditionInput): TermResult;
}

export const TRUE: TermResult = Object.freeze({ result: true });
export const FALSE: TermResult = Object.freeze({ result: false });
/** A subject term before the user is known. */
export const SUBJECT_UNKNOWN: TermResult = Object.freeze({
  result: 'unknown',
  reason: 'subject-unknown',
});

export function truth(value: boolean): TermResult {
  return value ? TRUE : FALSE;
}
