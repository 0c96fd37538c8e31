/** Inputs for term tests: a login from 192.0.2.10 in Tokyo, no certificate, pass or user. */
import { evaluate } from '../condition/evaluate.ts';
import { parseCondition } from '../condition/parse.ts';
import type { ConditionInput, TraceEntry, Truth } from '../condition-types.ts';

export function conditionInput(overrides: Partial<ConditionInput> = {}): ConditionInput {
  return {
    ip: '192.0.2.10',
    ipSets: new Map(),
    at: new Date('2026-06-15T03:00:00Z'), // Monday 12:00 in Tokyo
    timeZone: 'Asia/Tokyo',
    ...overrides,
  };
}

export const alice = {
  loginId: 'alice@acme.example',
  groups: ['Sales', '営業'],
  attributes: { department: 'sales', employment: 'contractor' },
};

/** Parses and evaluates `text` against a default input with these overrides. */
export function check(text: string, overrides: Partial<ConditionInput> = {}): Truth {
  return evaluate(parseCondition(text), conditionInput(overrides));
}

export function traced(text: string, overrides: Partial<ConditionInput> = {}): TraceEntry[] {
  const trace: TraceEntry[] = [];
  evaluate(parseCondition(text), conditionInput(overrides), trace);
  return trace;
}
