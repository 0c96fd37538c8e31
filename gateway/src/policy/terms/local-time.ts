/**
 * The local date, time of day and weekday of an instant in an IANA time zone (the tenant's,
 * Asia/Tokyo by default), for the `time`, `date` and `weekday` terms.
 *
 * - One Intl.DateTimeFormat per zone, kept for the life of the process (zones are few).
 * - The last result per zone is kept for the current minute: formatting costs ~15 µs, and
 *   every term of every rule of a login asks about the same instant.
 * - An unknown zone or an invalid date throws RangeError; the engine turns that into a deny.
 */
import type { Weekday } from '../condition-types.ts';

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight, 0-1439 (seconds are dropped). */
  minutes: number;
  weekday: Weekday;
}

const WEEKDAYS: Readonly<Record<string, Weekday>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastByZone = new Map<string, { minute: number; local: LocalTime }>();

export function localTime(at: Date, timeZone: string): LocalTime {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastByZone.get(timeZone);
  if (last && last.minute === minute) return last.local;
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  const local: LocalTime = Object.freeze({
    date: `${(parts.year ?? '').padStart(4, '0')}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  });
  lastByZone.set(timeZone, { minute, local });
  return local;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}
