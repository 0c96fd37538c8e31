/**
 * The condition language of access policies (issue #4): parse once when saved, print for the
 * admin, evaluate at login. See docs/policy-conditions.md for the grammar.
 */
export { parseCondition, MAX_CONDITION_LENGTH, MAX_CONDITION_NESTING } from './parse.ts';
export { printCondition } from './print.ts';
export { evaluate } from './evaluate.ts';
export { ConditionSyntaxError } from './syntax-error.ts';
export type {
  Condition,
  ConditionInput,
  ConditionKind,
  TraceEntry,
  TraceReason,
  Truth,
  Weekday,
} from '../condition-types.ts';
