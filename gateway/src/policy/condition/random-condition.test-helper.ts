/**
 * Seeded random condition trees for the print/parse property test: every tree is one the
 * parser can produce (canonical values, `and`/`or` of two or more items). No dependencies.
 */
import type { Condition, Weekday } from '../condition-types.ts';
import { formatIpAddress } from '../terms/ip-address.ts';

/** mulberry32: a tiny, well-distributed 32-bit PRNG; the same seed gives the same trees. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const text = (alphabet: readonly string[], min: number, max: number): string =>
    Array.from({ length: int(min, max) }, () => pick(alphabet)).join('');
  return { next, int, pick, text };
}

type Random = ReturnType<typeof createRandom>;

const NAME_CHARS = [...'abcxyzABCXYZ0189_.-'];
const LETTERS = [...'abcxyzABCXYZ'];
const LOCAL_CHARS = [..."abcz09.+-_!#$%&'*/=?^`{|}~"];
const LABEL_CHARS = [...'abcz09-'];
const FREE_TEXT = [...'abc XYZ 019 "\\ -_.,()[]=!<>営業部門👍\u00e9'];

export function randomCondition(r: Random, depth = 0): Condition {
  const roll = r.next();
  if (depth < 4 && roll < 0.3) {
    const kind = r.pick(['and', 'or'] as const);
    const items = Array.from({ length: r.int(2, 4) }, () => randomCondition(r, depth + 1));
    return { kind, items };
  }
  if (depth < 4 && roll < 0.4) return { kind: 'not', item: randomCondition(r, depth + 1) };
  return randomTerm(r);
}

function randomTerm(r: Random): Condition {
  switch (r.int(0, 10)) {
    case 0:
      return { kind: 'const', value: r.next() < 0.5 };
    case 1:
      return { kind: 'ip', ranges: Array.from({ length: r.int(1, 3) }, () => randomIpLiteral(r)) };
    case 2:
      return { kind: 'ip_set', id: r.text(NAME_CHARS, 3, r.next() < 0.05 ? 255 : 12) };
    case 3: {
      const loginType = r.pick([undefined, 'personal', 'passwordless', 'shared'] as const);
      return loginType ? { kind: 'device_cert', loginType } : { kind: 'device_cert' };
    }
    case 4:
      return r.next() < 0.5
        ? { kind: 'entrance_pass' }
        : { kind: 'entrance_pass', maxAgeDays: r.int(0, 3650) };
    case 5:
      return { kind: 'login', patterns: Array.from({ length: r.int(1, 3) }, () => login(r)) };
    case 6:
      return { kind: 'group', name: nonBlank(r, 100) };
    case 7: {
      const name = r.pick(LETTERS) + r.text(NAME_CHARS, 0, 20);
      const value = r.text(FREE_TEXT, 0, 30);
      return { kind: 'attribute', name, op: r.pick(['eq', 'ne'] as const), value };
    }
    case 8: {
      const from = r.int(0, 1439);
      let to = r.int(0, 1440);
      if (to === from) to = from + 1;
      return { kind: 'time', from, to };
    }
    case 9: {
      const [from, to] = [date(r), date(r)].sort();
      return {
        kind: 'date',
        from: from as string,
        to: r.next() < 0.2 ? (from as string) : (to as string),
      };
    }
    default: {
      const days = ([0, 1, 2, 3, 4, 5, 6] as Weekday[]).filter(() => r.next() < 0.5);
      return { kind: 'weekday', days: days.length > 0 ? days : [r.int(0, 6) as Weekday] };
    }
  }
}

function randomIpLiteral(r: Random): string {
  const family = r.next() < 0.5 ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? BigInt(r.int(0, 0xffffffff)) : ipv6Value(r);
  const type = r.int(0, 2);
  if (type === 0) return formatIpAddress({ family, value });
  if (type === 1) {
    const prefix = r.int(0, bits);
    const host = BigInt(bits - prefix);
    return `${formatIpAddress({ family, value: (value >> host) << host })}/${prefix}`;
  }
  const other = family === 4 ? BigInt(r.int(0, 0xffffffff)) : ipv6Value(r);
  const [low, high] = value <= other ? [value, other] : [other, value];
  return `${formatIpAddress({ family, value: low })}-${formatIpAddress({ family, value: high })}`;
}

/** Groups often zero, so `::` compression is exercised; never IPv4-mapped (::ffff:0:0/96). */
function ipv6Value(r: Random): bigint {
  let value = 0n;
  for (let i = 0; i < 8; i++)
    value = (value << 16n) | BigInt(r.next() < 0.4 ? 0 : r.int(1, 0xffff));
  return value >> 32n === 0xffffn ? value ^ (1n << 100n) : value;
}

function login(r: Random): string {
  const labels = Array.from(
    { length: r.int(2, 3) },
    () => r.pick(LETTERS) + r.text(LABEL_CHARS, 0, 5) + 'x',
  );
  const local = r.next() < 0.3 ? '*' : r.text(LOCAL_CHARS, 1, 10);
  return `${local}@${labels.join('.')}`;
}

function nonBlank(r: Random, max: number): string {
  const value = r.pick(LETTERS) + r.text(FREE_TEXT, 0, 40);
  return value.slice(0, max);
}

function date(r: Random): string {
  const year = r.int(1, 9999);
  const month = r.int(1, 12);
  const day = r.int(1, month === 2 ? 28 : 30);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}
