/**
 * Loads the configuration once at start-up: defaults, then the optional JSON file named by
 * SEKISHO_CONFIG (keys as in CONFIG_ENTRIES), then environment variables. Every bad key is
 * reported at once with where it came from and what it expects; the result is frozen.
 */
import { readFileSync } from 'node:fs';
import { SekishoError } from '../errors.ts';
import { CONFIG_ENTRIES, type Config } from './schema.ts';

export interface ConfigProblem {
  key: string;
  source: string;
  expected: string;
}

export class ConfigError extends SekishoError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.key} (${p.source}): expected ${p.expected}`);
    super('ERR_CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function readFile(path: string, problems: ConfigProblem[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    problems.push({ key: 'SEKISHO_CONFIG', source: path, expected: 'a JSON object' });
  } catch (err) {
    problems.push({
      key: 'SEKISHO_CONFIG',
      source: path,
      expected: `a readable JSON file (${(err as Error).message})`,
    });
  }
  return {};
}

export function loadConfig(env: Env = {}): Config {
  const problems: ConfigProblem[] = [];
  const file = env.SEKISHO_CONFIG ? readFile(env.SEKISHO_CONFIG, problems) : {};
  const known = new Set(Object.keys(CONFIG_ENTRIES));
  for (const key of Object.keys(file)) {
    if (!known.has(key)) {
      problems.push({ key, source: `file ${env.SEKISHO_CONFIG}`, expected: 'a known setting' });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, e] of Object.entries(CONFIG_ENTRIES)) {
    const fromEnv = env[e.env];
    const [raw, source] =
      fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, `environment ${e.env}`]
        : [file[key], `file key ${key}`];
    if (raw === undefined) continue;
    const parsed = (e.parse as (r: unknown) => ReturnType<typeof e.parse>)(raw);
    if (parsed.ok) out[key] = parsed.value;
    else problems.push({ key: e.env, source, expected: parsed.expected });
  }
  for (const [key, e] of Object.entries(CONFIG_ENTRIES)) {
    if (out[key] === undefined && 'default' in e) {
      const d: unknown = e.default;
      out[key] = typeof d === 'function' ? (d as (c: Record<string, unknown>) => unknown)(out) : d;
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** The configuration as the log may show it: secrets replaced by a marker. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, e] of Object.entries(CONFIG_ENTRIES)) {
    const v = (config as Record<string, unknown>)[key];
    out[key] = 'secret' in e && e.secret && v !== undefined ? '[redacted]' : v;
  }
  return out;
}
