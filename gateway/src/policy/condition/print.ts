/**
 * Prints a condition tree as canonical text: lower-case keywords, single spaces, canonical
 * values, and parentheses only where precedence (not > and > or) or the tree's own nesting
 * needs them. `parseCondition(printCondition(c))` deep-equals `c` for every tree the parser
 * can produce; an `and`/`or` with fewer than two items prints as its equivalent (`true`,
 * `false` or its only item).
 */
import type { Condition } from '../condition-types.ts';
import { isTermKind, termDefinition, type Term } from '../terms/index.ts';

/**
 * @example
 * const office = { kind: 'ip_set', id: 'office' } as const;
 * printCondition({ kind: 'or', items: [office, { kind: 'entrance_pass' }] })
 * // 'ip in office or pass'
 */
export function printCondition(c: Condition): string {
  // Parsed trees are frozen, so a node's text never changes: traces print the same subtrees
  // on every decision, and the cache keeps that from dominating the decision time.
  let text = printed.get(c);
  if (text === undefined) {
    text = printUncached(c);
    if (Object.isFrozen(c)) printed.set(c, text);
  }
  return text;
}

const printed = new WeakMap<Condition, string>();

function printUncached(c: Condition): string {
  const node = simplify(c);
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.items.map((item) => printOperand(item, node.kind)).join(` ${node.kind} `);
    case 'not':
      return `not ${printOperand(node.item, 'not')}`;
    default:
      return printTerm(node);
  }
}

/** An operand of `parent`; an `and`/`or` in parentheses unless it is an `and` under `or`. */
function printOperand(item: Condition, parent: 'and' | 'or' | 'not'): string {
  const node = simplify(item);
  const text = printCondition(node);
  const grouped = node.kind === 'and' || node.kind === 'or';
  return grouped && !(parent === 'or' && node.kind === 'and') ? `(${text})` : text;
}

/** An `and`/`or` of fewer than two items as its equivalent: `true`, `false` or the item. */
function simplify(c: Condition): Condition {
  let node = c;
  while ((node.kind === 'and' || node.kind === 'or') && node.items.length < 2) {
    node = node.items[0] ?? { kind: 'const', value: node.kind === 'and' };
  }
  return node;
}

function printTerm(term: Term): string {
  if (!isTermKind(term.kind)) throw new TypeError(`unknown condition kind '${String(term.kind)}'`);
  return termDefinition(term.kind).print(term);
}
