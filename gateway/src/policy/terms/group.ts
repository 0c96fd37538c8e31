/**
 * `group "<name>"`: the user is a member of the group with exactly this name (group names
 * are unique per tenant and case-sensitive). 'unknown' before the user is identified.
 */
import { quote } from '../condition/quote.ts';
import { SUBJECT_UNKNOWN, truth, type TermDefinition } from './term.ts';

/** As the platform's user input check: 1-100 characters, not blank. */
const MAX_GROUP_NAME = 100;
const NAME = `a quoted group name of 1-${MAX_GROUP_NAME} characters`;

export const groupTerm: TermDefinition<'group'> = {
  keywords: ['group'],
  parse(cursor) {
    const token = cursor.expectString(NAME);
    const name = token.value;
    if (name.trim() === '' || name.length > MAX_GROUP_NAME) cursor.fail(NAME, token);
    return { kind: 'group', name };
  },
  print: (term) => `group ${quote(term.name)}`,
  evaluate(term, input) {
    if (!input.subject) return SUBJECT_UNKNOWN;
    return truth(input.subject.groups.includes(term.name));
  },
};
