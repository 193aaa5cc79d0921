import { usageError } from '../errors.js';
import { NICE_BOUNDS, WAL_RATE_BOUNDS } from '../drain/throttle.js';

/**
 * Every flag the tool knows, declared once: its name, the kind of value it takes (checked by the parser, so a bad
 * value is refused before anything connects), the default as help shows it, and its help text. Which command
 * takes which flag is the commands table's business (./table.ts).
 */
export type ValueKind =
  | { kind: 'switch' }
  | { kind: 'text' }
  | { kind: 'duration'; off?: true }
  | { kind: 'integer'; min: number; max: number; off?: true }
  | { kind: 'ratio'; min: number; max: number }
  | { kind: 'choice'; values: readonly string[] };

export interface FlagDef {
  name: string;
  short?: string;
  /** The value's placeholder in help ("D", "N", "URL"); absent for a switch. */
  value?: string;
  type: ValueKind;
  /** The default as help shows it; absent when there is none (or for a switch). */
  default?: string;
  help: string;
}

/** "500ms", "10s", "5m", "1h", "2d", in milliseconds. A number needs its unit: is "10" ten seconds or ten minutes? */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^-\d/.test(t)) throw usageError(`--${flag} must be 0 or more, got ${t}.`);
  if (/^\d+(?:\.\d+)?$/.test(t))
    throw usageError(`--${flag} "${text}" needs a unit: ${t}s, ${t}m or ${t}h (also ms and d).`);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(t);
  if (!m)
    throw usageError(`--${flag} "${text}" is not a duration. Use a number with ms, s, m, h or d, e.g. 10s or 5m.`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw usageError(`--${flag} must be greater than zero.`);
  return ms;
}

/** A whole number within bounds, or a usage error naming the flag. */
export function parseInteger(text: string, flag: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw usageError(`--${flag} "${text}" is not a whole number.`);
  const n = Number(text);
  if (n < 0 && min >= 0) throw usageError(`--${flag} must be 0 or more, got ${n}.`);
  if (n < min || n > max) throw usageError(`--${flag} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

/** A ratio like 0.5 (for --nice), or a usage error. */
export function parseRatio(text: string, flag: string, min: number, max: number): number {
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) throw usageError(`--${flag} "${text}" is not a number (e.g. 0.5).`);
  const n = Number(text);
  if (n < 0 && min >= 0) throw usageError(`--${flag} must be 0 or more, got ${n}.`);
  if (n < min || n > max) throw usageError(`--${flag} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

/**
 * A flag's value as its kind reads it: milliseconds for a duration, a number, the chosen word, the text; null for
 * "off" where the flag allows it. Bad values are usage errors (exit 2) naming the flag.
 */
export function flagValue(def: FlagDef, text: string): string | number | null {
  const t = def.type;
  switch (t.kind) {
    case 'switch':
    case 'text':
      return text;
    case 'duration':
      return t.off && text === 'off' ? null : parseDuration(text, def.name);
    case 'integer':
      return t.off && text === 'off' ? null : parseInteger(text, def.name, t.min, t.max);
    case 'ratio':
      return parseRatio(text, def.name, t.min, t.max);
    case 'choice':
      if (!t.values.includes(text)) throw usageError(`--${def.name} "${text}" is not one of ${t.values.join(', ')}.`);
      return text;
  }
}

const sw = { kind: 'switch' } as const;
const text = { kind: 'text' } as const;
const duration = { kind: 'duration' } as const;

/** The flags, by name. Commands may give one its own help text (see ./table.ts); name, kind and default stay. */
export const FLAG = {
  // connection and demo: every command that connects
  'database-url': {
    name: 'database-url',
    value: 'URL',
    type: text,
    help: 'connect here (overrides DATABASE_URL, DATABASE_POSTGRES_*, PG*)',
  },
  schema: { name: 'schema', value: 'NAME', type: text, default: 'public', help: 'schema of "UserSession"' },
  'connect-timeout': {
    name: 'connect-timeout',
    value: 'D',
    type: duration,
    default: '10s',
    help: 'give up connecting after D',
  },
  'read-only': { name: 'read-only', type: sw, help: 'every connection is read-only; no write action is offered' },
  demo: { name: 'demo', type: sw, help: 'use the demo database even when a database is configured' },
  'demo-reset': { name: 'demo-reset', type: sw, help: 'throw the demo data away and seed it again' },
  'demo-rows': {
    name: 'demo-rows',
    value: 'N',
    type: { kind: 'integer', min: 0, max: 50_000_000 },
    default: '300000',
    help: 'sessions to seed (at the first start or with --demo-reset)',
  },
  'demo-without-index': { name: 'demo-without-index', type: sw, help: "seed without Hatchet's createdAt index" },
  json: { name: 'json', type: sw, help: 'machine-readable output' },
  help: { name: 'help', short: 'h', type: sw, help: 'this text' },
  version: { name: 'version', type: sw, help: 'the version' },
  // writes
  yes: { name: 'yes', type: sw, help: 'run without asking (without it and without a terminal: exit 2)' },
  'dry-run': { name: 'dry-run', type: sw, help: 'print what it would do; change nothing' },
  // the drain and its throttle (drain, schedule)
  'target-batch-ms': {
    name: 'target-batch-ms',
    value: 'N',
    type: { kind: 'integer', min: 1, max: 60_000 },
    default: '50',
    help: 'tune blocks per batch toward N ms per batch',
  },
  nice: {
    name: 'nice',
    value: 'R',
    type: { kind: 'ratio', ...NICE_BOUNDS },
    default: '0.5',
    help: "pause R x the last batch's time after each batch (0 = flat out)",
  },
  'max-lag': {
    name: 'max-lag',
    value: 'D',
    type: { kind: 'duration', off: true },
    default: '10s',
    help: "wait while a replica's replay lag exceeds D (or off)",
  },
  'max-active': {
    name: 'max-active',
    value: 'N',
    type: { kind: 'integer', min: 1, max: 1_000_000, off: true },
    default: 'off',
    help: 'wait while more than N other backends are active',
  },
  'max-wal-rate': {
    name: 'max-wal-rate',
    value: 'MB',
    type: { kind: 'integer', ...WAL_RATE_BOUNDS, off: true },
    default: '48',
    help: "keep the drain's WAL under MB per second (or off; off at --nice 0)",
  },
  'wal-compression': {
    name: 'wal-compression',
    value: 'M',
    type: { kind: 'choice', values: ['auto', 'zstd', 'lz4', 'pglz', 'server'] },
    default: 'auto',
    help: 'wal_compression of the drain: auto, zstd, lz4, pglz or server (keep its setting)',
  },
  'max-rows': {
    name: 'max-rows',
    value: 'N',
    type: { kind: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER },
    help: 'stop after exactly N rows',
  },
  'max-duration': { name: 'max-duration', value: 'D', type: duration, help: 'stop sweeping after D' },
  vacuum: { name: 'vacuum', type: sw, help: 'run VACUUM (ANALYZE) at the end (ANALYZE always runs)' },
  // schedule
  every: {
    name: 'every',
    value: 'D',
    type: duration,
    default: '1h',
    help: 'run every D, counted from the end of the previous run',
  },
  cron: { name: 'cron', value: 'EXPR', type: text, help: 'or on a cron expression, e.g. "5 * * * *" (local time)' },
  'no-initial-run': { name: 'no-initial-run', type: sw, help: 'do not run at start; wait for the first run time' },
  jitter: { name: 'jitter', value: 'D', type: duration, help: 'add a random delay up to D to each run time' },
  'max-run-duration': {
    name: 'max-run-duration',
    value: 'D',
    type: duration,
    default: '10m',
    help: 'time budget of one run',
  },
  'metrics-port': {
    name: 'metrics-port',
    value: 'N',
    type: { kind: 'integer', min: 0, max: 65535 },
    help: 'serve /metrics and /healthz on port N',
  },
  'metrics-host': {
    name: 'metrics-host',
    value: 'H',
    type: text,
    default: '127.0.0.1',
    help: 'the address the metrics server binds',
  },
  // rebuild, recover
  'terminate-blockers': {
    name: 'terminate-blockers',
    type: sw,
    help: 'after 3 failed lock attempts, end backends holding a lock in a transaction older than 1 s',
  },
  'swap-timeout': {
    name: 'swap-timeout',
    value: 'D',
    type: duration,
    default: '60s',
    help: 'give up taking a lock after D',
  },
  'drop-backup': {
    name: 'drop-backup',
    type: sw,
    help: 'drop the backup tables of earlier rebuilds, in slices (with --dry-run: list them)',
  },
  undo: { name: 'undo', type: sw, help: 'undo the interrupted rebuild instead of finishing it' },
} as const satisfies Record<string, FlagDef>;

export type FlagName = keyof typeof FLAG;

/** Where the connection comes from, and the demo database: every command that connects takes these. */
export const CONNECTION_FLAGS: readonly FlagDef[] = [
  FLAG['database-url'],
  FLAG.schema,
  FLAG['connect-timeout'],
  FLAG['read-only'],
  FLAG.demo,
  FLAG['demo-reset'],
  FLAG['demo-rows'],
  FLAG['demo-without-index'],
];

/** Every command takes these. */
export const GLOBAL_FLAGS: readonly FlagDef[] = [FLAG.help, FLAG.version];

/** The drain's throttle, shared by drain and schedule. */
export const THROTTLE_FLAGS: readonly FlagDef[] = [
  FLAG['target-batch-ms'],
  FLAG.nice,
  FLAG['max-lag'],
  FLAG['max-active'],
  FLAG['max-wal-rate'],
  FLAG['wal-compression'],
];

/** A flag with this command's own help text. */
export const withHelp = (def: FlagDef, help: string): FlagDef => ({ ...def, help });
