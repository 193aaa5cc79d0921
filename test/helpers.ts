import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { parseConfig, type ConnectionTarget } from '../src/config.js';
import { createPool } from '../src/db.js';
import { createSchemaAndSeed } from '../src/demo/seed.js';
import { sql, type TableRef } from '../src/sql.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TABLE: TableRef = { schema: 'public', name: 'UserSession' };

export interface TestDatabase {
  name: string;
  /** URL of the new database as the superuser. */
  url: string;
  target: ConnectionTarget;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function urlFor(database: string, user?: string, password?: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  if (user) u.username = user;
  if (password !== undefined) u.password = password;
  return u.toString();
}

export async function adminQuery(text: string, values?: unknown[]): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one test file; drop() removes it. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = urlFor(name);
  const target = parseConfig(['--database-url', url]).target as ConnectionTarget;
  const pool = createPool(target, { connectTimeoutMs: 10_000, readOnly: false, max: 6 });
  return {
    name,
    url,
    target,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

/**
 * Hatchet's tables seeded like the demo, then with no session within 30 minutes of a boundary of the rule (an
 * anonymous session 24 hours old, a session expiring now): for half an hour no row changes between kept and
 * deletable, so a test may compare what was kept before and after however long it runs. The few rows at a boundary
 * move an hour back (about 1 in 700).
 */
async function seedStable(
  client: pg.PoolClient | pg.Client,
  table: TableRef,
  opts: { rows: number; withIndex: boolean },
): Promise<void> {
  await createSchemaAndSeed(client, table, opts);
  const t = `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
  await client.query(`UPDATE ${t} SET "createdAt" = "createdAt" - INTERVAL '1 hour', "updatedAt" = "updatedAt" - INTERVAL '1 hour'
    WHERE "userId" IS NULL AND "createdAt" BETWEEN NOW() - INTERVAL '24 hours 30 minutes' AND NOW() - INTERVAL '23 hours 30 minutes'`);
  await client.query(`UPDATE ${t} SET "expiresAt" = "expiresAt" - INTERVAL '1 hour'
    WHERE "expiresAt" BETWEEN NOW() - INTERVAL '30 minutes' AND NOW() + INTERVAL '30 minutes'`);
}

/** Hatchet's tables, seeded like the demo (rows sessions over 30 days), in db. */
export async function seedHatchet(db: TestDatabase, rows: number, withIndex = true, table = TABLE): Promise<void> {
  const client = await db.pool.connect();
  try {
    if (table.schema !== 'public')
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(table.schema)}`);
    await seedStable(client, table, { rows, withIndex });
  } finally {
    client.release();
  }
}

/** Hatchet's tables with no sessions at all. */
export async function createHatchetSchema(db: TestDatabase, table = TABLE): Promise<void> {
  await db.pool.query(sql('demo/schema', table));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (dist/cli.js) with the given args and environment (nothing inherited but PATH/HOME). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A PostgreSQL server a test has to itself (to stop and start it), with Hatchet's tables seeded in "postgres". */
export interface OwnServer {
  target: ConnectionTarget;
  password: string;
  /** Stop the server (a restart, as clients see it). */
  down(): Promise<void>;
  /** Stop it at once, as a crash would: WAL still in the server's buffers is lost, recovery runs at up(). */
  crash(): Promise<void>;
  /** Start it again on the same port. */
  up(): Promise<void>;
  /** Stop it for good and remove its files. */
  dispose(): Promise<void>;
}

export async function startOwnServer(
  name: string,
  rows: number,
  extraSettings: Record<string, string> = {},
): Promise<OwnServer> {
  const { embeddedBinDir, initCluster, startServer } = await import('../src/demo/server.js');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hatchet-sessions-${name}-`));
  fs.chmodSync(dir, 0o755); // as root, the postgres user must reach the data directory
  const password = `${name}-secret`;
  const binDir = process.env.TEST_PG_BIN || embeddedBinDir();
  const dataDir = path.join(dir, 'data');
  initCluster(binDir, dataDir, 'postgres', password);
  let server = await startServer({
    binDir,
    dataDir,
    superuser: 'postgres',
    password,
    settings: { fsync: 'off', ...extraSettings },
  });
  const port = server.port;
  const target = parseConfig(['--database-url', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`], {})
    .target as ConnectionTarget;
  const client = new pg.Client({ ...target.endpoint, password });
  await client.connect();
  await seedStable(client, TABLE, { rows, withIndex: true });
  await client.end();
  return {
    target,
    password,
    down: () => server.stop(),
    crash: () => server.stop('immediate'),
    async up() {
      server = await startServer({
        binDir,
        dataDir,
        superuser: 'postgres',
        password,
        port,
        settings: { fsync: 'off', ...extraSettings },
      });
    },
    async dispose() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Wait until `check` holds, polling every `everyMs`: what a test waits for is the event itself (a lock wait in
 * pg_stat_activity, an operation's event), never a fixed time. Fails naming `what` after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

let tmuxServers = 0;

/**
 * A tmux server of one's own: a socket no other test and no earlier start uses. tmux ends its server when the last
 * session ends; a new session on that socket at that moment fails ("server exited unexpectedly"), so every start
 * gets a new one.
 */
export function newTmux(prefix: string): { tmux: (...args: string[]) => string; kill(): void } {
  const socket = `${prefix}-${process.pid}-${++tmuxServers}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  return {
    tmux,
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

/** Wait until the last frame of an Ink render matches (a key's effect is drawn); returns that frame. */
export async function frameMatching(
  lastFrame: () => string | undefined,
  match: RegExp | ((frame: string) => boolean),
  timeoutMs = 10_000,
): Promise<string> {
  const ok = (f: string) => (typeof match === 'function' ? match(f) : match.test(f));
  let frame = '';
  await waitUntil(`a frame matching ${match}`, () => ok((frame = lastFrame() ?? '')), timeoutMs, 5).catch(() => {
    throw new Error(`no frame matched ${match}; last:\n${frame}`);
  });
  return frame;
}
