/**
 * `attr <name> = "<value>"` / `attr <name> != "<value>"`: a custom user attribute compared
 * exactly (case-sensitive). A user without the attribute is `!=` every value and `=` none.
 * 'unknown' before the user is identified.
 */
import { quote } from '../condition/quote.ts';
import { isLetter, isNameChar } from './chars.ts';
import { SUBJECT_UNKNOWN, truth, type TermDefinition } from './term.ts';

/** As the platform's attribute keys: a letter, then up to 63 of A-Z a-z 0-9 _ . - */
const NAME = 'an attribute name (a letter, then up to 63 of A-Z a-z 0-9 _ . -)';
const MAX_VALUE = 1024;
const VALUE = `a quoted value of at most ${MAX_VALUE} characters`;

export const attributeTerm: TermDefinition<'attribute'> = {
  keywords: ['attr'],
  parse(cursor) {
    const nameToken = cursor.expectWord(NAME);
    if (!isAttributeName(nameToken.value)) cursor.fail(NAME, nameToken);
    let op: 'eq' | 'ne' = 'eq';
    if (cursor.atPunct('!=')) op = 'ne';
    else if (!cursor.atPunct('=')) cursor.fail("'=' or '!='");
    cursor.next();
    const valueToken = cursor.expectString(VALUE);
    if (valueToken.value.length > MAX_VALUE) cursor.fail(VALUE, valueToken);
    return { kind: 'attribute', name: nameToken.value, op, value: valueToken.value };
  },
  print: (term) => `attr ${term.name} ${term.op === 'eq' ? '=' : '!='} ${quote(term.value)}`,
  evaluate(term, input) {
    if (!input.subject) return SUBJECT_UNKNOWN;
    const attributes = input.subject.attributes;
    // Own properties only: `attr constructor = "..."` must not see Object.prototype.
    const equal = Object.hasOwn(attributes, term.name) && attributes[term.name] === term.value;
    return truth(term.op === 'eq' ? equal : !equal);
  },
};

export function isAttributeName(name: string): boolean {
  return name.length <= 64 && isLetter(name[0] ?? '') && [...name].every(isNameChar);
}
