/**
 * `login "<id>"` / `login "*@<domain>"` / `login ["<id>", "*@<domain>", ...]`: the user's login
 * ID is one of these (case-insensitively). 'unknown' before the user is identified.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import { quote } from '../condition/quote.ts';
import { isLoginPattern, matchesLogin } from './login-name.ts';
import { SUBJECT_UNKNOWN, truth, type TermDefinition } from './term.ts';

const PATTERN = 'a quoted login ID ("alice@example.com") or domain pattern ("*@example.com")';

export const loginTerm: TermDefinition<'login'> = {
  keywords: ['login'],
  parse(cursor) {
    const patterns: string[] = [];
    if (cursor.atPunct('[')) {
      cursor.next();
      patterns.push(readPattern(cursor));
      while (cursor.atPunct(',')) {
        cursor.next();
        patterns.push(readPattern(cursor));
      }
      cursor.expectPunct(']', "',' or ']'");
    } else {
      patterns.push(readPattern(cursor, `${PATTERN}, or a [list] of them`));
    }
    return { kind: 'login', patterns };
  },
  print(term) {
    const quoted = term.patterns.map(quote);
    if (quoted.length === 0) return 'false';
    return quoted.length === 1 ? `login ${quoted[0]}` : `login [${quoted.join(', ')}]`;
  },
  evaluate(term, input) {
    if (!input.subject) return SUBJECT_UNKNOWN;
    const loginId = input.subject.loginId;
    return truth(term.patterns.some((p) => matchesLogin(p, loginId)));
  },
};

function readPattern(cursor: TokenCursor, expected = PATTERN): string {
  const token = cursor.expectString(expected);
  if (!isLoginPattern(token.value)) cursor.fail(PATTERN, token);
  return token.value;
}
