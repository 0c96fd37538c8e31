/**
 * `pass` / `pass age <= <days>`: the browser holds a valid entrance pass (checked by the
 * caller: bound to this browser, not revoked), optionally issued at most `days` whole days
 * (24-hour periods) ago. A pass whose issuedAt is after `at` is not trusted (fail closed).
 */
import { isPlainNumber } from './chars.ts';
import { truth, type TermDefinition, type TermResult } from './term.ts';

const DAY_MS = 86_400_000;
/** Ten years: far beyond any browser's cookie lifetime (400 days in Chromium). */
export const MAX_PASS_AGE_DAYS = 3650;
const DAYS = `a number of days from 0 to ${MAX_PASS_AGE_DAYS}`;
const IN_FUTURE: TermResult = Object.freeze({ result: false, reason: 'pass-issued-in-future' });

export const entrancePassTerm: TermDefinition<'entrance_pass'> = {
  keywords: ['pass'],
  parse(cursor) {
    if (cursor.atTermEnd()) return { kind: 'entrance_pass' };
    cursor.expectKeyword('age', "'age <= <days>', 'and' or 'or'");
    cursor.expectPunct('<=');
    const token = cursor.expectWord(DAYS);
    const days = token.value;
    if (!isPlainNumber(days) || Number(days) > MAX_PASS_AGE_DAYS) cursor.fail(DAYS, token);
    return { kind: 'entrance_pass', maxAgeDays: Number(days) };
  },
  print: (term) => (term.maxAgeDays === undefined ? 'pass' : `pass age <= ${term.maxAgeDays}`),
  evaluate(term, input) {
    const pass = input.entrancePass;
    if (!pass) return truth(false);
    const ageMs = input.at.getTime() - pass.issuedAt.getTime();
    if (!(ageMs >= 0)) return IN_FUTURE;
    return truth(term.maxAgeDays === undefined || Math.floor(ageMs / DAY_MS) <= term.maxAgeDays);
  },
};
