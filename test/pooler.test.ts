import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig, type ConnectionTarget } from '../src/config.js';
import { connectClient } from '../src/db.js';
import { ToolError } from '../src/errors.js';
import { freePort } from '../src/demo/server.js';
import { tableLockKey, tryRunnerLock } from '../src/schedule/runner-lock.js';
import { Scheduler } from '../src/schedule/scheduler.js';
import { parseSchedule } from '../src/schedule/timing.js';
import { adminUrl, createTestDatabase, runCli, seedHatchet, TABLE, type TestDatabase } from './helpers.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** A real PgBouncer in transaction mode in front of the test server (.ci/run installs it). */
describe.skipIf(!fs.existsSync(PGBOUNCER))('through a transaction-mode pooler', () => {
  let db: TestDatabase;
  let dir: string;
  const poolers: ChildProcess[] = [];

  async function startPgbouncer(ignoreOptions: boolean): Promise<number> {
    const admin = new URL(adminUrl());
    const port = await freePort();
    const ini = path.join(dir, `pgbouncer-${port}.ini`);
    fs.writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=127.0.0.1 port=${admin.port} user=postgres password=${decodeURIComponent(admin.password)}`,
        '[pgbouncer]',
        `listen_addr = 127.0.0.1`,
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = any',
        'pool_mode = transaction',
        'default_pool_size = 2',
        `logfile = ${path.join(dir, `pgbouncer-${port}.log`)}`,
        `pidfile = ${path.join(dir, `pgbouncer-${port}.pid`)}`,
        ignoreOptions ? 'ignore_startup_parameters = options' : '',
      ].join('\n'),
    );
    const ids =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
            gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
          }
        : {};
    const child = spawn(PGBOUNCER, [ini], { ...ids, stdio: 'ignore' });
    poolers.push(child);
    for (let i = 0; i < 100; i++) {
      try {
        const c = await connectClient(target(port, db.name), { connectTimeoutMs: 1000, readOnly: false });
        await c.end();
        return port;
      } catch (err) {
        if (err instanceof ToolError && /PgBouncer/.test(err.message)) return port; // up, and refusing our settings
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('pgbouncer did not start');
  }

  const target = (port: number, database: string) =>
    parseConfig(['--database-url', `postgres://postgres:unused@127.0.0.1:${port}/${database}`], {})
      .target as ConnectionTarget;

  beforeAll(async () => {
    db = await createTestDatabase('pooler');
    await seedHatchet(db, 1000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-pgbouncer-'));
    fs.chmodSync(dir, 0o777);
  });
  afterAll(async () => {
    for (const p of poolers) p.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  test('a pooler that refuses our session settings: one line naming the direct URL, exit 2', async () => {
    const port = await startPgbouncer(false);
    const result = await runCli(['status'], {
      DATABASE_URL: `postgres://postgres:some-password@127.0.0.1:${port}/${db.name}`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^hatchet-sessions: 127\.0\.0\.1:\d+ looks like PgBouncer .*use DATABASE_URL or DATABASE_POSTGRES_HOST, not DATABASE_PGBOUNCER_URL\.$/,
    );
    expect(result.stderr).not.toContain('some-password');
  });

  test('a pooler that lets them through: the runner lock is refused, the schedule does not run', async () => {
    const port = await startPgbouncer(true);
    const t = target(port, db.name);
    const client = await connectClient(t, { connectTimeoutMs: 5000, readOnly: false });
    try {
      await expect(
        tryRunnerLock(client, tableLockKey(TABLE), () => connectClient(t, { connectTimeoutMs: 5000, readOnly: false })),
      ).rejects.toThrow(/transaction-mode pooler \(PgBouncer\)\. Use the direct primary URL/);
    } finally {
      await client.end();
    }
    const scheduler = new Scheduler({
      target: t,
      table: TABLE,
      connectTimeoutMs: 5000,
      spec: parseSchedule('1h', undefined),
      maxRunDurationMs: 10_000,
    });
    const events: string[] = [];
    scheduler.subscribe((e) => events.push(e.type));
    await expect(scheduler.start()).rejects.toMatchObject({ exitCode: 2 });
    expect(events).not.toContain('run-started');
  });
});
