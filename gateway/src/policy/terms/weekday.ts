/**
 * `weekday mon-fri` / `weekday sat,sun` / `weekday mon-wed,fri`: the local weekday (tenant's
 * zone) is one of these. Names are English, three letters or in full, any case; a range
 * `a-b` runs forward through the week and may wrap (`fri-mon` = fri,sat,sun,mon).
 * The tree keeps the days as a sorted set (0 = Sunday); printing lists them Monday first,
 * runs of three or more as ranges.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import type { Weekday } from '../condition-types.ts';
import { localTime } from './local-time.ts';
import { truth, type TermDefinition } from './term.ts';

const NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FULL = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONDAY_FIRST: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];
const DAY = 'a weekday (mon, tue, wed, thu, fri, sat, sun)';
const DAYS = `${DAY} or a range of them (mon-fri)`;

export const weekdayTerm: TermDefinition<'weekday'> = {
  keywords: ['weekday'],
  parse(cursor) {
    const days = new Set<Weekday>(readItem(cursor));
    while (cursor.atPunct(',')) {
      cursor.next();
      for (const day of readItem(cursor)) days.add(day);
    }
    return { kind: 'weekday', days: [...days].sort((a, b) => a - b) };
  },
  print: (term) => (term.days.length === 0 ? 'false' : `weekday ${formatDays(term.days)}`),
  evaluate(term, input) {
    return truth(term.days.includes(localTime(input.at, input.timeZone).weekday));
  },
};

function readItem(cursor: TokenCursor): Weekday[] {
  const token = cursor.expectWord(DAYS);
  const dash = token.value.indexOf('-');
  const fromText = dash < 0 ? token.value : token.value.slice(0, dash);
  const from = dayOf(cursor, fromText, token.start);
  if (dash < 0) return [from];
  const to = dayOf(cursor, token.value.slice(dash + 1), token.start + dash + 1);
  const days: Weekday[] = [from];
  for (let d = from; d !== to;) {
    d = ((d + 1) % 7) as Weekday;
    days.push(d);
  }
  return days;
}

function dayOf(cursor: TokenCursor, text: string, position: number): Weekday {
  const name = text.toLowerCase();
  let index = NAMES.findIndex((n) => n === name);
  if (index < 0) index = FULL.indexOf(name);
  if (index < 0) cursor.failAt(position, DAY, text);
  return index as Weekday;
}

function formatDays(days: readonly Weekday[]): string {
  const items: string[] = [];
  let run: Weekday[] = [];
  const flush = () => {
    if (run.length >= 3) items.push(`${NAMES[run[0] as Weekday]}-${NAMES[run.at(-1) as Weekday]}`);
    else items.push(...run.map((d) => NAMES[d]));
    run = [];
  };
  for (const day of MONDAY_FIRST) {
    if (days.includes(day)) run.push(day);
    else flush();
  }
  flush();
  return items.join(',');
}
