import { readFileSync } from 'node:fs';
import { parse as parseConnectionString } from 'pg-connection-string';
import type { ConnectionOptions } from 'node:tls';
import { parseCommandLine } from './commands/parse.js';
import { parseDuration, parseInteger } from './commands/flags.js';
import type { Command } from './commands/table.js';
import { registerSecret, usageError, type Endpoint } from './errors.js';

export const APPLICATION_NAME = 'hatchet-sessions';
export const TABLE_NAME = 'UserSession';

export { COMMANDS, type Command } from './commands/table.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** Where to connect and how; `display` is safe to print (no password). */
export interface ConnectionTarget {
  kind: 'url' | 'hatchet-env' | 'pg-env' | 'demo';
  /** Which setting it came from, e.g. "DATABASE_URL". */
  source: string;
  endpoint: Endpoint;
  password?: string;
  ssl?: boolean | ConnectionOptions;
  sslMode?: SslMode;
}

export interface DemoOptions {
  reset: boolean;
  withoutIndex: boolean;
  rows: number;
}

export interface Config {
  command: Command;
  target: ConnectionTarget | 'demo';
  schema: string;
  connectTimeoutMs: number;
  readOnly: boolean;
  json: boolean;
  demo: DemoOptions;
  help: boolean;
  version: boolean;
  /** `help <command>`: the command whose help to print. */
  helpTopic?: Command;
  /** The flags given, as parsed: only the command's own (src/commands/table.ts), each value already checked. */
  flags: Flags;
}

export type Flags = Record<string, string | boolean | undefined>;

export const DEFAULT_DEMO_ROWS = 300_000;

/**
 * TLS options as libpq's sslmode means them. `rootCert` is a CA file (libpq's sslrootcert / PGSSLROOTCERT):
 * without it, verify-ca and verify-full check against the system's CAs.
 */
export function sslFromMode(
  mode: string | undefined,
  rootCert?: string,
): { sslMode?: SslMode; ssl?: boolean | ConnectionOptions } {
  if (mode === undefined || mode === '') return {};
  let ca: string | undefined;
  if (rootCert && (mode === 'verify-ca' || mode === 'verify-full')) {
    try {
      ca = readFileSync(rootCert, 'utf8');
    } catch {
      throw usageError(`cannot read the CA file "${rootCert}" (sslrootcert). Check the path.`);
    }
  }
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // node-postgres cannot fall back from TLS to plain text as libpq's prefer does; like allow, we start in plain text.
      return { sslMode: mode, ssl: false };
    case 'require':
      return { sslMode: mode, ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
      return {
        sslMode: mode,
        ssl: { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...(ca ? { ca } : {}) },
      };
    case 'verify-full':
      return { sslMode: mode, ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}) } };
    default:
      throw usageError(`unknown SSL mode "${mode}". Use disable, require, verify-ca or verify-full.`);
  }
}

function fromUrl(url: string, source: string, env: Env): ConnectionTarget {
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('bad scheme');
    // TLS is worked out below, as libpq means each sslmode; the driver's parser must not see those parameters (it
    // would treat require as verify-full and print a warning saying so).
    const bare = new URL(url);
    for (const key of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']) bare.searchParams.delete(key);
    parsed = parseConnectionString(bare.toString());
  } catch {
    throw usageError(`${source} is not a valid PostgreSQL URL. Expected postgres://user:password@host:5432/database.`);
  }
  registerSecret(parsed.password ?? undefined);
  const params = new URL(url).searchParams;
  const sslParam = params.get('sslmode') ?? undefined;
  return {
    kind: 'url',
    source,
    endpoint: {
      host: parsed.host || 'localhost',
      port: Number(parsed.port || 5432),
      database: parsed.database || parsed.user || 'postgres',
      user: parsed.user || process.env.USER || 'postgres',
    },
    password: parsed.password ?? undefined,
    ...sslFromMode(sslParam, params.get('sslrootcert') ?? env.PGSSLROOTCERT),
  };
}

type Env = Record<string, string | undefined>;

/**
 * Connection precedence: --database-url, DATABASE_URL, Hatchet's DATABASE_POSTGRES_*, libpq's PG*, else the
 * demo database. The pooler and read-replica URLs Hatchet may also have are never used: maintenance needs
 * the direct primary.
 */
export function resolveTarget(flagUrl: string | undefined, env: Env, forceDemo: boolean): ConnectionTarget | 'demo' {
  if (forceDemo) return 'demo';
  if (flagUrl !== undefined) return fromUrl(flagUrl, '--database-url', env);
  if (env.DATABASE_URL) return fromUrl(env.DATABASE_URL, 'DATABASE_URL', env);
  const hatchetKeys = ['HOST', 'PORT', 'USERNAME', 'PASSWORD', 'DB_NAME', 'SSL_MODE'];
  if (hatchetKeys.some((k) => env[`DATABASE_POSTGRES_${k}`])) {
    const port = env.DATABASE_POSTGRES_PORT ?? '5431';
    if (!/^\d+$/.test(port)) throw usageError(`DATABASE_POSTGRES_PORT "${port}" is not a port number.`);
    const password = env.DATABASE_POSTGRES_PASSWORD ?? 'hatchet';
    registerSecret(password);
    // Defaults are Hatchet's own (hatchet-lite / docker compose).
    return {
      kind: 'hatchet-env',
      source: 'DATABASE_POSTGRES_*',
      endpoint: {
        host: env.DATABASE_POSTGRES_HOST ?? '127.0.0.1',
        port: Number(port),
        database: env.DATABASE_POSTGRES_DB_NAME ?? 'hatchet',
        user: env.DATABASE_POSTGRES_USERNAME ?? 'hatchet',
      },
      password,
      ...sslFromMode(env.DATABASE_POSTGRES_SSL_MODE ?? 'disable', env.PGSSLROOTCERT),
    };
  }
  const pgKeys = ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'];
  if (pgKeys.some((k) => env[k])) {
    const port = env.PGPORT ?? '5432';
    if (!/^\d+$/.test(port)) throw usageError(`PGPORT "${port}" is not a port number.`);
    registerSecret(env.PGPASSWORD);
    const user = env.PGUSER ?? env.USER ?? 'postgres';
    return {
      kind: 'pg-env',
      source: 'PG* variables',
      endpoint: { host: env.PGHOST ?? 'localhost', port: Number(port), database: env.PGDATABASE ?? user, user },
      password: env.PGPASSWORD,
      ...sslFromMode(env.PGSSLMODE, env.PGSSLROOTCERT),
    };
  }
  return 'demo';
}

/** Refuse Hatchet's PgBouncer URL: maintenance needs session state (locks, settings) on the direct primary. */
function refusePooler(target: ConnectionTarget | 'demo', env: Env): void {
  if (target === 'demo' || !env.DATABASE_PGBOUNCER_URL) return;
  let pooler: URL;
  try {
    pooler = new URL(env.DATABASE_PGBOUNCER_URL);
  } catch {
    return;
  }
  const port = Number(pooler.port || 5432);
  if (pooler.hostname === target.endpoint.host && port === target.endpoint.port) {
    throw usageError(
      `${target.source} points at the same host and port as DATABASE_PGBOUNCER_URL (a transaction-mode pooler). Use the direct primary: DATABASE_URL or DATABASE_POSTGRES_HOST/_PORT.`,
    );
  }
}

export function parseConfig(argv: string[], env: Env = process.env): Config {
  const { command, values, helpTopic } = parseCommandLine(argv);
  const str = (name: string) => values[name] as string | undefined;
  const schema = str('schema') ?? 'public';
  if (schema.length === 0 || schema.length > 63) throw usageError('--schema must be 1 to 63 characters long.');
  const demoRequested = Boolean(
    values.demo || values['demo-reset'] || values['demo-without-index'] || values['demo-rows'],
  );
  const target = resolveTarget(str('database-url'), env, demoRequested);
  refusePooler(target, env);
  return {
    command,
    target,
    schema,
    connectTimeoutMs: str('connect-timeout') ? parseDuration(str('connect-timeout')!, 'connect-timeout') : 10_000,
    readOnly: Boolean(values['read-only']),
    json: Boolean(values.json),
    demo: {
      reset: Boolean(values['demo-reset']),
      withoutIndex: Boolean(values['demo-without-index']),
      rows: str('demo-rows') ? parseInteger(str('demo-rows')!, 'demo-rows', 0, 50_000_000) : DEFAULT_DEMO_ROWS,
    },
    help: Boolean(values.help),
    version: Boolean(values.version),
    ...(helpTopic ? { helpTopic } : {}),
    flags: values,
  };
}

/** host:port/database as user: what the screen and logs may show. */
export function describeTarget(target: ConnectionTarget): string {
  const e = target.endpoint;
  return `${e.user}@${e.host}:${e.port}/${e.database}`;
}
