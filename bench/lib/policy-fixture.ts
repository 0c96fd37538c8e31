/**
 * The heavy access policy of the policy benchmark, generated from a seed so every run
 * measures the same thing: IP sets of random IPv4 and IPv6 CIDR blocks (host bits zero, as
 * validation requires; never covering loopback), a condition of close to 4096 characters that
 * mixes IP-set references, groups, attributes, login names, certificates, passes, time
 * windows, weekdays and dates under `and`, `or`, `not` and parentheses, and source addresses
 * of which about half fall inside some set.
 */
import { formatIpAddress } from '../../gateway/src/policy/ip-set/index.ts';

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const u32 = (rand: Rand) => Math.floor(rand() * 2 ** 32) >>> 0;
const u128 = (rand: Rand) =>
  [0, 1, 2, 3].reduce((v) => (v << 32n) | BigInt(u32(rand)), 0n) & ((1n << 128n) - 1n);

const V4_PREFIXES = [12, 16, 20, 22, 24, 24, 24, 26, 28, 29, 30, 32, 32];
const V6_PREFIXES = [29, 32, 40, 48, 48, 56, 64, 64, 96, 128];

function v4Block(rand: Rand): { first: number; prefix: number } {
  for (;;) {
    const prefix = pick(rand, V4_PREFIXES);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const first = (u32(rand) & mask) >>> 0;
    if (first >>> 24 !== 127 && first >>> 24 !== 0) return { first, prefix };
  }
}

function v6Block(rand: Rand): { first: bigint; prefix: number } {
  const prefix = pick(rand, V6_PREFIXES);
  const global = (u128(rand) & ((1n << 125n) - 1n)) | (1n << 125n); // 2000::/3
  const first = global & ~((1n << BigInt(128 - prefix)) - 1n);
  return { first, prefix };
}

export interface BenchIpSet {
  identifier: string;
  name: string;
  entries: string[];
}

/** `sets` IP sets holding `total` CIDR blocks between them, `v6Share` of them IPv6. */
export function ipSets(rand: Rand, sets: number, total: number, v6Share: number): BenchIpSet[] {
  return Array.from({ length: sets }, (_, s) => {
    const count = Math.floor(total / sets) + (s < total % sets ? 1 : 0);
    const entries = Array.from({ length: count }, () => {
      if (rand() < v6Share) {
        const b = v6Block(rand);
        return `${formatIpAddress({ family: 6, value: b.first })}/${b.prefix}`;
      }
      const b = v4Block(rand);
      return `${formatIpAddress({ family: 4, value: b.first })}/${b.prefix}`;
    });
    const identifier = `net-${String(s).padStart(3, '0')}`;
    return { identifier, name: `Network ${s}`, entries };
  });
}

const GROUPS = ['Engineering', 'Sales', 'Support', 'VPN users', 'Finance', 'Executives'];
const DOMAINS = ['*@corp.example', '*@eng.corp.example', '*@partner.example'];

/** One alternative of the condition; `next()` yields the next IP set identifier. */
function block(rand: Rand, next: () => string): string {
  const group = () => `group "${pick(rand, GROUPS)}"`;
  const hours = () =>
    `time ${pick(rand, ['07:00', '08:00', '08:30'])}-${pick(rand, ['19:00', '20:00', '22:00'])}`;
  const templates = [
    () =>
      `(ip in ${next()} or ip in ${next()}) and not ip in ${next()} and (${group()} or ${group()}) and ${hours()} and weekday mon-fri`,
    () => `ip in ${next()} and cert personal and not attr employment = "contractor"`,
    () =>
      `(ip in ${next()} or ip in ${next()} or ip in ${next()}) and login "${pick(rand, DOMAINS)}" and not (weekday sat,sun or time 00:00-05:00)`,
    () =>
      `ip in ${next()} and pass age <= ${pick(rand, [7, 30, 90])} and date 2026-01-01..2027-12-31`,
    () => `(ip in ${next()} and not ip in ${next()}) or (ip in ${next()} and ${group()})`,
    () => `(cert or pass) and ip in ${next()} and not time 22:00-06:00`,
  ];
  return `(${pick(rand, templates)()})`;
}

/**
 * A condition of at most `maxLength` characters (as close as whole terms allow) over these
 * identifiers, whose last alternative admits loopback (`127.0.0.1`, `::1`) for any user not
 * in the group "Suspended staff": a login from loopback evaluates every other alternative first.
 */
export function heavyCondition(rand: Rand, identifiers: readonly string[], maxLength: number) {
  let i = 0;
  const order = [...identifiers];
  for (let j = order.length - 1; j > 0; j--) {
    const k = Math.floor(rand() * (j + 1));
    [order[j], order[k]] = [order[k] as string, order[j] as string];
  }
  const next = () => order[i++ % order.length] as string;
  const last = ' or (ip [127.0.0.1, ::1] and not group "Suspended staff")';
  const room = maxLength - last.length;
  let text = '';
  for (;;) {
    const b = block(rand, next);
    const joined = text ? `${text} or ${b}` : b;
    if (joined.length + 10 > room) break; // keep room for the exact-length filler below
    text = joined;
  }
  // Fill up with IP set references, then one address literal of exactly the length left.
  while (text.length + ' or ip in net-000'.length + 10 <= room) text += ` or ip in ${next()}`;
  const left = room - text.length - ' or ip '.length;
  if (left >= 3) text += ` or ip ${addressOfLength(left)}`;
  return text + last;
}

/** A valid address written with exactly n (3-39) characters: `::aa`, `111.11.1.1`, `aaaa:a:…`. */
function addressOfLength(n: number): string {
  const spread = (total: number, parts: number, max: number) =>
    Array.from({ length: parts }, (_, i) => {
      const rest = total - parts; // beyond one each
      return 1 + Math.max(0, Math.min(max - 1, rest - i * (max - 1)));
    });
  if (n <= 6) return `::${'a'.repeat(n - 2)}`;
  if (n <= 15)
    return spread(n - 3, 4, 3)
      .map((k) => '1'.repeat(k))
      .join('.');
  return spread(n - 7, 8, 4)
    .map((k) => 'a'.repeat(k))
    .join(':');
}

/** Source addresses: `insideShare` of them inside a random block of a random set. */
export function sourceIps(
  rand: Rand,
  sets: readonly BenchIpSet[],
  count: number,
  insideShare: number,
) {
  return Array.from({ length: count }, () => {
    if (rand() < insideShare) {
      const entry = pick(rand, pick(rand, sets).entries);
      const [network = '', prefix = '0'] = entry.split('/');
      if (!network.includes(':')) {
        const first = network.split('.').reduce((v, o) => v * 256 + Number(o), 0);
        const size = 2 ** (32 - Number(prefix));
        return formatIpAddress({ family: 4, value: first + Math.floor(rand() * size) });
      }
      const host = u128(rand) & ((1n << BigInt(128 - Number(prefix))) - 1n);
      const first = BigInt(`0x${expandV6(network)}`);
      return formatIpAddress({ family: 6, value: first | host });
    }
    return rand() < 0.7
      ? formatIpAddress({ family: 4, value: v4Block(rand).first | (u32(rand) & 0xff) })
      : formatIpAddress({ family: 6, value: v6Block(rand).first | BigInt(u32(rand)) });
  });
}

/** `2001:db8::1` as 32 hex digits. */
function expandV6(text: string): string {
  const [head = '', tail = ''] = text.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const middle = text.includes('::') ? Array<string>(8 - h.length - t.length).fill('0') : [];
  return [...h, ...middle, ...t].map((g) => g.padStart(4, '0')).join('');
}
