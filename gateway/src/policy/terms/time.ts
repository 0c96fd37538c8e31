/**
 * `time HH:MM-HH:MM`: the local time of day (tenant's zone) is in [from, to).
 *
 * - `from` is 00:00-23:59; `to` is 00:00-24:00 (24:00 = the end of the day).
 * - `from` > `to` spans midnight: `22:00-06:00` is 22:00-23:59 and 00:00-05:59.
 * - `from` = `to` is refused: an empty window is always a mistake (use `true` for all day,
 *   or `00:00-24:00`).
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import { isDigits } from './chars.ts';
import { localTime } from './local-time.ts';
import { truth, type TermDefinition } from './term.ts';

const DAY_MINUTES = 1440;
const WINDOW = 'a time window HH:MM-HH:MM (e.g. 09:00-18:00)';

export const timeTerm: TermDefinition<'time'> = {
  keywords: ['time'],
  parse(cursor) {
    const token = cursor.expectWord(WINDOW);
    const dash = token.value.indexOf('-');
    if (dash < 0) cursor.fail(WINDOW, token);
    const fromText = token.value.slice(0, dash);
    const toText = token.value.slice(dash + 1);
    const from = readTime(cursor, fromText, token.start, false);
    const to = readTime(cursor, toText, token.start + dash + 1, true);
    if (from === to) {
      cursor.failAt(token.start + dash + 1, 'an end time different from the start time', toText);
    }
    return { kind: 'time', from, to };
  },
  print: (term) => `time ${formatTime(term.from)}-${formatTime(term.to)}`,
  evaluate(term, input) {
    const now = localTime(input.at, input.timeZone).minutes;
    const inside =
      term.from <= term.to ? now >= term.from && now < term.to : now >= term.from || now < term.to;
    return truth(inside);
  },
};

/** `H:MM` or `HH:MM` as minutes since midnight; 24:00 only as the end of a window. */
function readTime(cursor: TokenCursor, text: string, position: number, isEnd: boolean): number {
  const expected = isEnd ? 'an end time from 00:00 to 24:00' : 'a start time from 00:00 to 23:59';
  const colon = text.indexOf(':');
  const hours = text.slice(0, colon);
  const minutes = text.slice(colon + 1);
  const wellFormed =
    colon > 0 && hours.length <= 2 && minutes.length === 2 && isDigits(hours) && isDigits(minutes);
  const value = Number(hours) * 60 + Number(minutes);
  const max = isEnd ? DAY_MINUTES : DAY_MINUTES - 1;
  if (!wellFormed || Number(minutes) > 59 || value > max) cursor.failAt(position, expected, text);
  return value;
}

export function formatTime(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
