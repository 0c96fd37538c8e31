/**
 * Evaluates a parsed condition against one login's input, in three-valued (Kleene) logic:
 *
 * - Subject terms (login, group, attr) are 'unknown' until the user is identified, so the IdP
 *   can decide on network and device before asking for a password: a definite `false` may be
 *   denied at once, 'unknown' means "ask who it is, then evaluate again".
 * - and: false if any item is false, else unknown if any is, else true; or: the dual;
 *   not: swaps true and false, keeps unknown. `and` stops at the first false, `or` at the
 *   first true (the result cannot change); the trace shows only what was evaluated.
 * - Each term is evaluated by its kind's function in `terms/`; the optional trace receives
 *   each term and then each operator, in evaluation order, printed in the condition language.
 * - Exceptions (an unknown time zone) propagate: the engine turns them into a deny.
 */
import type { Condition, ConditionInput, TraceEntry, Truth } from '../condition-types.ts';
import { isTermKind, termDefinition, type Term, type TermResult } from '../terms/index.ts';
import { printCondition } from './print.ts';

/**
 * @example
 * const input = { ip: '192.0.2.7', ipSets, at: new Date(), timeZone: 'Asia/Tokyo' };
 * evaluate(parseCondition('ip in office or pass'), input)
 * // true when 192.0.2.7 is in the IP set `office`, or the browser holds an entrance pass
 */
export function evaluate(c: Condition, input: ConditionInput, trace?: TraceEntry[]): Truth {
  let result: Truth;
  switch (c.kind) {
    case 'and':
      result = combine(c.items, input, trace, false);
      break;
    case 'or':
      result = combine(c.items, input, trace, true);
      break;
    case 'not': {
      const inner = evaluate(c.item, input, trace);
      result = inner === 'unknown' ? 'unknown' : !inner;
      break;
    }
    default: {
      const outcome = evaluateTerm(c, input);
      trace?.push(entry(c, outcome));
      return outcome.result;
    }
  }
  trace?.push({ term: printCondition(c), result });
  return result;
}

/** `and` (decisive = false) or `or` (decisive = true) over the items. */
function combine(
  items: readonly Condition[],
  input: ConditionInput,
  trace: TraceEntry[] | undefined,
  decisive: boolean,
): Truth {
  let unknown = false;
  for (const item of items) {
    const value = evaluate(item, input, trace);
    if (value === decisive) return decisive;
    if (value === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : !decisive;
}

function evaluateTerm(term: Term, input: ConditionInput): TermResult {
  // Fail closed on a tree that did not come from the parser.
  if (!isTermKind(term.kind)) throw new TypeError(`unknown condition kind '${String(term.kind)}'`);
  return termDefinition(term.kind).evaluate(term, input);
}

function entry(term: Term, outcome: TermResult): TraceEntry {
  const printed = printCondition(term);
  return outcome.reason
    ? { term: printed, result: outcome.result, reason: outcome.reason }
    : { term: printed, result: outcome.result };
}
