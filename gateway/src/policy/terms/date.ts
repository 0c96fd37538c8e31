/**
 * `date YYYY-MM-DD..YYYY-MM-DD` / `date YYYY-MM-DD`: the local date (tenant's zone) is within
 * the range, both ends included. Dates must exist (2026-02-29 does not); a range ending before
 * it starts is refused.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import { isDigits } from './chars.ts';
import { localTime } from './local-time.ts';
import { truth, type TermDefinition } from './term.ts';

const RANGE = 'a date YYYY-MM-DD or a date range YYYY-MM-DD..YYYY-MM-DD';

export const dateTerm: TermDefinition<'date'> = {
  keywords: ['date'],
  parse(cursor) {
    const token = cursor.expectWord(RANGE);
    const dots = token.value.indexOf('..');
    const fromText = dots < 0 ? token.value : token.value.slice(0, dots);
    const toText = dots < 0 ? token.value : token.value.slice(dots + 2);
    const toStart = token.start + (dots < 0 ? 0 : dots + 2);
    const from = readDate(
      cursor,
      fromText,
      token.start,
      dots < 0 ? RANGE : 'a start date YYYY-MM-DD',
    );
    const to = readDate(cursor, toText, toStart, 'an end date YYYY-MM-DD');
    if (to < from) cursor.failAt(toStart, `an end date not before ${from}`, toText);
    return { kind: 'date', from, to };
  },
  print: (term) => (term.from === term.to ? `date ${term.from}` : `date ${term.from}..${term.to}`),
  evaluate(term, input) {
    const today = localTime(input.at, input.timeZone).date;
    return truth(today >= term.from && today <= term.to);
  },
};

function readDate(cursor: TokenCursor, text: string, position: number, expected: string): string {
  const [y = '', m = '', d = '', ...rest] = text.split('-');
  const shaped =
    rest.length === 0 && y.length === 4 && m.length === 2 && d.length === 2 && isDigits(y + m + d);
  if (!shaped) cursor.failAt(position, expected, text);
  if (!isCalendarDate(Number(y), Number(m), Number(d))) {
    cursor.failAt(position, 'a date that exists in the calendar', text);
  }
  return text;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (days[month - 1] as number);
}
