// SIGINT, SIGTERM and SIGHUP at many moments of every headless mode, sent to the built CLI (a real child process)
// against a real PostgreSQL; a server restarted in the middle of a rebuild; a role with SELECT only. After each: the
// documented exit code (README "Signals"), one line on stderr and no stack trace, no session the rule keeps lost,
// and no partial state the next start does not find ("status --json" unfinishedRebuild, "recover").
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectClient } from '../src/db.js';
import { dropBackups, DropStopped } from '../src/rebuild/backup.js';
import { runRebuild } from '../src/rebuild/runner.js';
import { detectLeftovers } from '../src/rebuild/leftovers.js';
import { rebuildNames } from '../src/rebuild/names.js';
import { SIGNAL_EXIT, STOP_SIGNALS, type StopSignal } from '../src/signals.js';
import { rawSql } from '../src/sql.js';
import {
  adminQuery,
  createTestDatabase,
  ROOT,
  runCli,
  seedHatchet,
  startOwnServer,
  TABLE,
  urlFor,
  type OwnServer,
  type TestDatabase,
  newTmux,
  waitUntil,
} from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  child: ReturnType<typeof spawn>;
  out: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stdout's JSON lines so far. */
  lines(): Array<Record<string, any>>;
}

/** Start the built CLI with only these environment variables (and PATH, HOME). */
function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  const lines = () =>
    out.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  return { child, out, exited, lines };
}

/** stderr holds at most one line per error, never a stack trace. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at |Error: |node:internal/);
}

// Hatchet's rule from sql/rule.sql, evaluated ten minutes from now: a row it keeps then is kept now and all through
// the test, whatever the clock does meanwhile.
const RULE = rawSql('rule')
  .replace(/^--.*$/gm, '')
  .trim();
const RULE_LATER = RULE.replaceAll('NOW()', `(NOW() + INTERVAL '10 minutes')`);

/** The sessions the rule surely keeps, id -> the whole row as text. */
async function surelyKept(db: pg.Pool | pg.Client): Promise<Map<string, string>> {
  const { rows } = await db.query(
    `SELECT id::text AS id, t::text AS image FROM public."UserSession" t WHERE NOT ${RULE_LATER}`,
  );
  return new Map(rows.map((r) => [r.id, r.image]));
}

async function allRows(db: pg.Pool | pg.Client): Promise<Map<string, string>> {
  const { rows } = await db.query(`SELECT id::text AS id, t::text AS image FROM public."UserSession" t`);
  return new Map(rows.map((r) => [r.id, r.image]));
}

async function keptCount(db: pg.Pool | pg.Client): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM public."UserSession" WHERE NOT ${RULE}`)).rows[0].n;
}

/** Every row of `expected` is in the table, unchanged. */
async function expectAllThere(db: pg.Pool | pg.Client, expected: Map<string, string>): Promise<void> {
  const now = await allRows(db);
  const missing = [...expected.keys()].filter((id) => !now.has(id));
  const changed = [...expected.keys()].filter((id) => now.has(id) && now.get(id) !== expected.get(id));
  expect({ missing: missing.length, changed: changed.length }).toEqual({ missing: 0, changed: 0 });
}

/** The work connections of our tool (drain, schedule lock, ...) still open here: none once it has exited cleanly. */
async function ourBackends(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hatchet-sessions %'`,
  );
  return rows[0].n;
}

/** A backend of ours waiting on a lock, with `like` in its query (ILIKE pattern). */
async function waitingOnLock(db: TestDatabase, like: string): Promise<boolean> {
  const { rows } = await db.pool.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hatchet-sessions%'
        AND wait_event_type = 'Lock' AND query ILIKE $1`,
    [like],
  );
  return rows.length > 0;
}

/** A session of the test's own holding a table lock in an open transaction until release(). */
async function holdLock(db: TestDatabase, statement: string): Promise<{ release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query('BEGIN');
  await c.query(statement);
  return {
    async release() {
      await c.query('ROLLBACK');
      await c.end();
    },
  };
}

async function reseed(db: TestDatabase, rows: number): Promise<void> {
  await db.pool.query('DROP SCHEMA public CASCADE');
  await db.pool.query('CREATE SCHEMA public');
  await seedHatchet(db, rows);
}

/** A TCP server that accepts connections and never answers: a client stays in its start-up. */
async function silentServer(): Promise<{ port: number; connected: () => boolean; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    s.on('error', () => {});
    sockets.add(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    connected: () => sockets.size > 0,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

// ------------------------------------------------------------------------------------------------ start-up

describe('a stop signal while connecting (start-up), every mode', () => {
  // drain and schedule had not begun anything: 0; every other command: 128 + the signal's number.
  const MODES: Array<{ args: string[]; stopped: 'ok' | 'signal' }> = [
    { args: ['status', '--json'], stopped: 'signal' },
    { args: ['growth', '--json'], stopped: 'signal' },
    { args: ['drain', '--yes', '--json'], stopped: 'ok' },
    { args: ['schedule', '--json'], stopped: 'ok' },
    { args: ['create-index', '--yes'], stopped: 'signal' },
    { args: ['rebuild', '--yes', '--json'], stopped: 'signal' },
    { args: ['recover', '--yes'], stopped: 'signal' },
    { args: ['rebuild', '--drop-backup', '--yes'], stopped: 'signal' },
  ];

  test('each of SIGINT, SIGTERM, SIGHUP exits at once with the documented code, no stack, no password', async () => {
    const cases = MODES.flatMap((m) => STOP_SIGNALS.map((signal) => ({ ...m, signal })));
    const results: string[] = [];
    // A few at a time: the machine has two cores.
    for (let i = 0; i < cases.length; i += 6) {
      await Promise.all(
        cases.slice(i, i + 6).map(async ({ args, stopped, signal }) => {
          const server = await silentServer();
          try {
            const run = start([...args, '--connect-timeout', '60s'], {
              DATABASE_URL: `postgres://hatchet:start-up-secret@127.0.0.1:${server.port}/hatchet`,
            });
            let exited = false;
            void run.exited.then(() => (exited = true));
            await waitUntil(`${args.join(' ')} to connect`, () => {
              if (exited)
                throw new Error(`${args.join(' ')} exited before connecting: ${run.out.stdout}${run.out.stderr}`);
              return server.connected();
            });
            const sentAt = Date.now();
            run.child.kill(signal);
            const { code } = await run.exited;
            const want = stopped === 'ok' ? 0 : SIGNAL_EXIT[signal];
            results.push(`${args.join(' ')} ${signal}: ${code}${code === want ? '' : ` (expected ${want})`}`);
            expect(Date.now() - sentAt).toBeLessThan(10_000); // (at once; generous for a loaded machine)
            expectNoStack(run.out.stderr);
            expect(run.out.stdout + run.out.stderr).not.toContain('start-up-secret');
          } finally {
            server.close();
          }
        }),
      );
    }
    expect(results.filter((r) => r.includes('expected'))).toEqual([]);
  }, 120_000);

  test('schedule waiting for a database that refuses connections: a signal exits 0 at once', async () => {
    const server = await silentServer();
    const port = server.port;
    server.close(); // nothing listens there any more
    const run = start(['schedule', '--json'], {
      DATABASE_URL: `postgres://hatchet:x-secret@127.0.0.1:${port}/hatchet`,
    });
    await waitUntil('connection-lost', () => run.lines().some((l) => l.type === 'connection-lost'));
    run.child.kill('SIGHUP');
    expect((await run.exited).code).toBe(0);
    expectNoStack(run.out.stderr);
  });
});

// ------------------------------------------------------------------------------------------------ drain

describe('drain', () => {
  let db: TestDatabase;
  const env = () => ({ DATABASE_URL: db.url });
  beforeAll(async () => {
    db = await createTestDatabase('sig_drain');
  });
  afterAll(() => db?.drop());

  const count = async () => (await db.pool.query('SELECT count(*)::int AS n FROM "UserSession"')).rows[0].n as number;

  test.each(STOP_SIGNALS)(
    '%s mid-batches: stops after the current batch, prints the summary, exit 0, nothing kept lost',
    async (signal) => {
      await reseed(db, 20_000);
      const kept = await surelyKept(db.pool);
      const keptBefore = await keptCount(db.pool);
      const before = await count();
      const run = start(['drain', '--yes', '--json', '--target-batch-ms', '1', '--nice', '3'], env());
      await waitUntil('the first batches', async () => (await count()) < before);
      run.child.kill(signal);
      expect((await run.exited).code).toBe(0);
      expect(run.out.stderr).toBe('');
      const summary = run.lines().at(-1)!;
      expect(summary).toMatchObject({ type: 'summary', stopReason: 'stopped', analyzed: true });
      expect(summary.blocksSwept).toBeLessThan(summary.blocksTotal);
      expect(summary.rowsDeleted).toBe(before - (await count()));
      await expectAllThere(db.pool, kept);
      expect(await keptCount(db.pool)).toBeGreaterThanOrEqual(keptBefore - 5); // (a few may age past the rule meanwhile)
      expect(await ourBackends(db)).toBe(0);
    },
  );

  test('a second signal mid-batch or in the closing phase quits at once with 128 + its number; the open batch is rolled back', async () => {
    await reseed(db, 20_000);
    const kept = await surelyKept(db.pool);
    const before = await count();
    // The closing ANALYZE waits behind this lock (the batches do not): after the first signal the drain is
    // provably still running, inside a batch or its closing phase, when the second one comes.
    const lock = await holdLock(db, 'LOCK TABLE "UserSession" IN SHARE UPDATE EXCLUSIVE MODE');
    const run = start(['drain', '--yes', '--json', '--target-batch-ms', '1', '--nice', '3'], env());
    try {
      await waitUntil('the first batches', async () => (await count()) < before);
      run.child.kill('SIGTERM');
      await sleep(30); // (any moment after the first signal will do: the lock keeps it from exiting)
      expect(run.child.exitCode).toBeNull();
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(130);
    } finally {
      await lock.release();
    }
    expectNoStack(run.out.stderr);
    await waitUntil('the server to drop the connection', async () => (await ourBackends(db)) === 0, 5000);
    await expectAllThere(db.pool, kept);
    // What is left is found and finished by the next drain.
    const again = await runCli(['drain', '--yes', '--json', '--nice', '0'], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      stopReason: 'done',
      remainingDeletable: 0,
    });
    await expectAllThere(db.pool, kept);
  });

  test.each(STOP_SIGNALS)(
    '%s during the closing ANALYZE: it finishes the ANALYZE, prints the summary, exit 0',
    async (signal) => {
      await reseed(db, 3000);
      const kept = await surelyKept(db.pool);
      // ANALYZE waits behind this lock; the batches (ROW EXCLUSIVE) do not.
      const lock = await holdLock(db, 'LOCK TABLE "UserSession" IN SHARE UPDATE EXCLUSIVE MODE');
      const run = start(['drain', '--yes', '--json', '--nice', '0'], env());
      try {
        await waitUntil('the closing ANALYZE', () => waitingOnLock(db, '%ANALYZE%'));
        run.child.kill(signal);
        await sleep(300);
        expect(run.child.exitCode).toBeNull(); // still waiting to finish the ANALYZE
      } finally {
        await lock.release();
      }
      expect((await run.exited).code).toBe(0);
      expect(run.out.stderr).toBe('');
      expect(run.lines().at(-1)).toMatchObject({ type: 'summary', stopReason: 'done', analyzed: true });
      expect(run.lines().at(-1)!.remainingDeletable).toBeLessThanOrEqual(1); // (a row may age past the rule meanwhile)
      await expectAllThere(db.pool, kept);
    },
  );

  test('SIGHUP then SIGTERM during the closing VACUUM (--vacuum): quits at once with 143; nothing kept lost', async () => {
    await reseed(db, 3000);
    const kept = await surelyKept(db.pool);
    const lock = await holdLock(db, 'LOCK TABLE "UserSession" IN SHARE UPDATE EXCLUSIVE MODE');
    const run = start(['drain', '--yes', '--json', '--nice', '0', '--vacuum'], env());
    try {
      await waitUntil('the closing VACUUM', () => waitingOnLock(db, '%VACUUM%'));
      run.child.kill('SIGHUP');
      await sleep(100);
      expect(run.child.exitCode).toBeNull();
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(143);
    } finally {
      await lock.release();
    }
    expectNoStack(run.out.stderr);
    await expectAllThere(db.pool, kept);
    const status = await runCli(['status', '--json'], env());
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).deletable).toBeLessThanOrEqual(1); // every batch had committed (one row may have aged since)
  });
});

// ------------------------------------------------------------------------------------------------ schedule

describe('schedule', () => {
  let db: TestDatabase;
  const env = () => ({ DATABASE_URL: db.url });
  beforeAll(async () => {
    db = await createTestDatabase('sig_schedule');
  });
  afterAll(() => db?.drop());

  test.each(STOP_SIGNALS)(
    '%s while idle between runs: exit 0 at once, "stopped", no connection left',
    async (signal) => {
      await reseed(db, 2000);
      const kept = await surelyKept(db.pool);
      const run = start(['schedule', '--json', '--every', '1h', '--nice', '0'], env());
      await waitUntil('the first run to end', () => run.lines().some((l) => l.type === 'next-run'));
      const sentAt = Date.now();
      run.child.kill(signal);
      expect((await run.exited).code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(3000);
      expect(run.out.stderr).toBe('');
      const events = run.lines().map((l) => l.type);
      expect(events.slice(-2)).toEqual(['stopping', 'stopped']);
      expect(events).toContain('run-finished');
      expect(await ourBackends(db)).toBe(0);
      await expectAllThere(db.pool, kept);
    },
  );

  test.each(STOP_SIGNALS)(
    '%s mid-run: finishes the batch, releases the runner lock, exit 0 within 10 s, nothing kept lost',
    async (signal) => {
      await reseed(db, 20_000);
      const kept = await surelyKept(db.pool);
      const count = async () =>
        (await db.pool.query('SELECT count(*)::int AS n FROM "UserSession"')).rows[0].n as number;
      const before = await count();
      const run = start(['schedule', '--json', '--target-batch-ms', '1', '--nice', '20'], env());
      await waitUntil('the run to delete', async () => (await count()) < before);
      const sentAt = Date.now();
      run.child.kill(signal);
      expect((await run.exited).code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect(run.out.stderr).toBe('');
      const lines = run.lines();
      expect(lines.find((l) => l.type === 'run-finished')?.summary).toMatchObject({ stopReason: 'stopped' });
      expect(lines.map((l) => l.type).slice(-1)).toEqual(['stopped']);
      expect(await ourBackends(db)).toBe(0); // the advisory lock went with its connection
      await expectAllThere(db.pool, kept);
    },
  );
});

// ------------------------------------------------------------------------------------------------ create-index

describe('create-index', () => {
  let db: TestDatabase;
  const env = () => ({ DATABASE_URL: db.url });
  beforeAll(async () => {
    db = await createTestDatabase('sig_index');
    await seedHatchet(db, 3000, false);
  });
  afterAll(() => db?.drop());

  const indexState = async () =>
    (
      await db.pool.query(
        `SELECT CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END AS s FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relname = 'ix_user_session_cre_at_exp_at'`,
      )
    ).rows[0]?.s ?? 'missing';

  test.each(STOP_SIGNALS)(
    '%s while the concurrent build waits: cancelled, no INVALID index left, 128 + the number',
    async (signal) => {
      // An open writer: CREATE INDEX CONCURRENTLY waits for it before building.
      const writer = await holdLock(db, 'LOCK TABLE "UserSession" IN ROW EXCLUSIVE MODE');
      const run = start(['create-index', '--yes', '--json'], env());
      try {
        await waitUntil('the build to wait', () => waitingOnLock(db, '%CREATE INDEX CONCURRENTLY%'));
        run.child.kill(signal);
        // The build is cancelled once its leftover's DROP waits for the same writer: only then may the writer go.
        await waitUntil('the cleanup to wait', () => waitingOnLock(db, '%DROP INDEX CONCURRENTLY%'));
      } finally {
        await writer.release();
      }
      expect((await run.exited).code).toBe(SIGNAL_EXIT[signal]);
      expectNoStack(run.out.stderr);
      expect(run.lines().at(-1)).toMatchObject({ type: 'result', outcome: 'cancelled' });
      expect(await indexState()).toBe('missing');
      const status = JSON.parse((await runCli(['status', '--json'], env())).stdout);
      expect(status.createdAtIndex).toBe('missing');
    },
  );

  test('a second signal while the cancelled build cleans up (waiting for a writer) quits at once; the next run finds the leftover', async () => {
    const writer = await holdLock(db, 'LOCK TABLE "UserSession" IN ROW EXCLUSIVE MODE');
    const run = start(['create-index', '--yes', '--json'], env());
    try {
      await waitUntil('the build to wait', () => waitingOnLock(db, '%CREATE INDEX CONCURRENTLY%'));
      run.child.kill('SIGTERM');
      await waitUntil('the cleanup to wait', () => waitingOnLock(db, '%DROP INDEX CONCURRENTLY%'));
      run.child.kill('SIGHUP');
      expect((await run.exited).code).toBe(129);
      expect(await indexState()).toBe('invalid');
      const status = JSON.parse((await runCli(['status', '--json'], env())).stdout);
      expect(status.createdAtIndex).toBe('invalid');
    } finally {
      await writer.release();
    }
    expectNoStack(run.out.stderr);
  });

  test('after the interruptions, the next create-index builds it', async () => {
    const r = await runCli(['create-index', '--yes', '--json'], env());
    expect(r.code).toBe(0);
    expect(await indexState()).toBe('valid');
  });
});

// ------------------------------------------------------------------------------------------------ status, growth

describe('status and growth', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sig_status');
    await seedHatchet(db, 500);
  });
  afterAll(() => db?.drop());

  const CASES: Array<[string, StopSignal]> = [
    ['status', 'SIGINT'],
    ['status', 'SIGTERM'],
    ['status', 'SIGHUP'],
    ['growth', 'SIGINT'],
    ['growth', 'SIGTERM'],
    ['growth', 'SIGHUP'],
  ];
  test('a signal while the query waits: exits at once with 128 + its number, no stack', async () => {
    const lock = await holdLock(db, 'LOCK TABLE "UserSession" IN ACCESS EXCLUSIVE MODE');
    try {
      for (const [command, signal] of CASES) {
        const run = start([command, '--json'], { DATABASE_URL: db.url });
        await waitUntil(`${command} to wait`, async () => {
          const { rows } = await db.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hatchet-sessions%' AND wait_event_type = 'Lock'`,
          );
          return rows.length > 0;
        });
        const sentAt = Date.now();
        run.child.kill(signal);
        expect({ command, signal, code: (await run.exited).code }).toEqual({
          command,
          signal,
          code: SIGNAL_EXIT[signal],
        });
        expect(Date.now() - sentAt).toBeLessThan(2000);
        expectNoStack(run.out.stderr);
        expect(run.out.stdout).toBe('');
        // The abandoned query's backend would wait for the lock: end it, and wait until it is gone.
        const waiting = `FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;
        await db.pool.query(`SELECT pg_terminate_backend(pid) ${waiting}`);
        await waitUntil(
          'the abandoned backend to go',
          async () => (await db.pool.query(`SELECT 1 ${waiting}`)).rows.length === 0,
        );
      }
    } finally {
      await lock.release();
    }
  });
});

// ------------------------------------------------------------------------------------------------ rebuild, recover

describe('rebuild and recover', () => {
  let db: TestDatabase;
  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: db.url, ...extra });
  beforeAll(async () => {
    db = await createTestDatabase('sig_rebuild');
  });
  afterAll(() => db?.drop());

  const oid = async () =>
    (await db.pool.query(`SELECT 'public."UserSession"'::regclass::oid::int AS oid`)).rows[0].oid as number;
  const insertKept = (n: number) =>
    db.pool.query(
      `INSERT INTO public."UserSession" (id, "expiresAt") SELECT gen_random_uuid(), NOW() + INTERVAL '1 day' FROM generate_series(1, $1) RETURNING id::text AS id, "UserSession"::text AS image`,
      [n],
    );
  const names = rebuildNames(TABLE);
  const ourObjects = async () =>
    (
      await db.pool.query(
        `SELECT relname AS name FROM pg_class WHERE relname = ANY($1) UNION ALL SELECT tgname FROM pg_trigger WHERE tgname = $2
         UNION ALL SELECT proname FROM pg_proc WHERE proname = $3`,
        [[names.newTable, names.log, names.copied], names.trigger, names.func],
      )
    ).rows.map((r) => r.name);
  const unfinished = async () =>
    JSON.parse((await runCli(['status', '--json'], env())).stdout).unfinishedRebuild as string | null;

  /** Start a rebuild (or recover) paused at `point`, send `signal` there; returns the run once it exited. */
  async function signalAt(args: string[], point: string, signal: StopSignal, whilePaused?: () => Promise<unknown>) {
    const run = start(args, env({ HATCHET_SESSIONS_TEST_PAUSE_AT: point }));
    await waitUntil(`the pause at ${point}`, () => run.out.stderr.includes(`test-pause ${point}`));
    // Sessions written while it is there (inside a step holding the table's lock they wait for it, and land after).
    const writes = whilePaused?.();
    run.child.kill(signal);
    const exit = await run.exited;
    const written = (await writes) as pg.QueryResult | undefined;
    return { run, exit, written: new Map<string, string>((written?.rows ?? []).map((r) => [r.id, r.image])) };
  }

  // Each moment gets one signal; together they send each signal more than once. `then` is how it is repaired.
  const MOMENTS: Array<{ point: string; signal: StopSignal; then: 'finish' | 'undo'; swapped?: boolean }> = [
    { point: 'mid:create_table', signal: 'SIGHUP', then: 'undo' },
    { point: 'mid:copy', signal: 'SIGINT', then: 'finish' },
    { point: 'mid:indexes', signal: 'SIGTERM', then: 'undo' },
    { point: 'mid:replay', signal: 'SIGHUP', then: 'finish' },
    { point: 'mid:swap', signal: 'SIGINT', then: 'finish', swapped: true },
    { point: 'before:validate', signal: 'SIGTERM', then: 'finish', swapped: true },
    { point: 'before:analyze', signal: 'SIGHUP', then: 'finish', swapped: true },
  ];

  for (const m of MOMENTS) {
    test(`${m.signal} at ${m.point}: exit ${SIGNAL_EXIT[m.signal]}, found by status, recover ${m.then === 'undo' ? '--undo ' : ''}repairs it, nothing lost`, async () => {
      await reseed(db, 3000);
      const oidBefore = await oid();
      const all = await allRows(db.pool);
      const kept = await surelyKept(db.pool);
      const { run, exit, written } = await signalAt(['rebuild', '--yes', '--json'], m.point, m.signal, () =>
        insertKept(10),
      );
      expect(exit.code).toBe(SIGNAL_EXIT[m.signal]);
      expect(run.out.stderr.replace(/^test-pause .*\n/m, '')).toBe('');
      expect(run.lines().at(-1)).toMatchObject({ type: 'interrupted', signal: m.signal });
      expect(written.size).toBe(10);
      // The next start finds it and says what to do.
      const left = await detectLeftovers(db.pool, TABLE);
      expect(left.swapped).toBe(Boolean(m.swapped));
      expect(await unfinished()).toMatch(
        new RegExp(`^rebuild ${left.rebuildId} stopped at .*${m.swapped ? 'after' : 'before'} the swap`),
      );
      const pre = await runCli(['rebuild', '--yes'], env());
      expect(pre.code).toBe(1);
      expect(pre.stderr).toMatch(/run "hatchet-sessions recover"/);
      if (m.swapped) {
        const undo = await runCli(['recover', '--undo', '--yes'], env());
        expect(undo.code).toBe(1);
        expect(undo.stderr).toMatch(/swap is already committed.*without --undo/);
      }
      const rec = await runCli(['recover', '--yes', '--json', ...(m.then === 'undo' ? ['--undo'] : [])], env());
      expect(rec.stderr).toBe('');
      expect(rec.code).toBe(0);
      if (m.then === 'undo') {
        expect(await oid()).toBe(oidBefore);
        await expectAllThere(db.pool, new Map([...all, ...written]));
      } else {
        expect(await oid()).not.toBe(oidBefore);
        await expectAllThere(db.pool, new Map([...kept, ...written]));
      }
      expect(await ourObjects()).toEqual([]);
      expect((await detectLeftovers(db.pool, TABLE)).found).toBe(false);
    });
  }

  test('SIGHUP while recover finishes (at the replay): exit 129, still found; recover again finishes it', async () => {
    await reseed(db, 3000);
    const kept = await surelyKept(db.pool);
    const first = await signalAt(['rebuild', '--yes', '--json'], 'mid:copy', 'SIGTERM');
    expect(first.exit.code).toBe(143);
    const { run, exit, written } = await signalAt(['recover', '--yes', '--json'], 'mid:replay', 'SIGHUP', () =>
      insertKept(5),
    );
    expect(exit.code).toBe(129);
    expect(run.lines().at(-1)).toMatchObject({ type: 'interrupted', signal: 'SIGHUP' });
    expect(await unfinished()).toMatch(/before the swap/);
    const rec = await runCli(['recover', '--yes'], env());
    expect(rec.code).toBe(0);
    await expectAllThere(db.pool, new Map([...kept, ...written]));
    expect(await ourObjects()).toEqual([]);
  });

  test('SIGTERM while recover --undo waits for its lock: exit 143, still found; recover --undo again removes it', async () => {
    await reseed(db, 3000);
    const all = await allRows(db.pool);
    const oidBefore = await oid();
    expect((await signalAt(['rebuild', '--yes', '--json'], 'mid:replay', 'SIGINT')).exit.code).toBe(130);
    // An open writer on "UserSession": dropping the capture trigger waits for it (and retries, never queueing).
    const writer = await holdLock(db, 'LOCK TABLE public."UserSession" IN ROW EXCLUSIVE MODE');
    const run = start(['recover', '--undo', '--yes', '--json'], env());
    try {
      await waitUntil('the undo to wait for its lock', () => waitingOnLock(db, '%DROP TRIGGER%'));
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(143);
    } finally {
      await writer.release();
    }
    expectNoStack(run.out.stderr);
    expect(run.lines().at(-1)).toMatchObject({ type: 'interrupted', signal: 'SIGTERM' });
    expect((await detectLeftovers(db.pool, TABLE)).found).toBe(true);
    const rec = await runCli(['recover', '--undo', '--yes'], env());
    expect(rec.code).toBe(0);
    expect(await oid()).toBe(oidBefore);
    await expectAllThere(db.pool, all);
    expect(await ourObjects()).toEqual([]);
  });

  test('a stop between the slices of --drop-backup: DropStopped (what the CLI turns into 128 + n); the next drop finishes', async () => {
    await reseed(db, 3000);
    expect((await runCli(['rebuild', '--yes'], env())).code).toBe(0);
    const all = await allRows(db.pool);
    const connect = () =>
      connectClient(db.target, {
        connectTimeoutMs: 5000,
        readOnly: false,
        statementTimeoutMs: 0,
        applicationName: 'hatchet-sessions rebuild test',
      });
    const stop = new AbortController();
    const progress: { blocksLeft: number; blocksTotal: number }[] = [];
    const err = await dropBackups(connect, TABLE, {
      sliceBlocks: 4,
      pauseMs: 0,
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'drop-progress') {
          progress.push(e);
          stop.abort(); // as the CLI's signal handler does
        }
      },
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(DropStopped);
    // One slice, then the stop (the yielding connection may report that slice's truncation too, before its end).
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p.blocksLeft).toBeGreaterThanOrEqual(p.blocksTotal - 4);
    const left = (
      await db.pool.query(
        `SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'UserSession\\_before\\_rebuild\\_%' AND relkind = 'r'`,
      )
    ).rows[0].n;
    expect(left).toBe(1);
    const again = await runCli(['rebuild', '--drop-backup', '--yes', '--json'], env());
    expect(again.code).toBe(0);
    expect(
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'UserSession\\_before\\_rebuild\\_%'`,
        )
      ).rows[0].n,
    ).toBe(0);
    expect(await allRows(db.pool)).toEqual(all);
  });

  test('SIGINT while --drop-backup waits for its lock: exit 130, "UserSession" untouched; the next --drop-backup finishes', async () => {
    await reseed(db, 3000);
    const done = await runCli(['rebuild', '--yes', '--json'], env());
    expect(done.code).toBe(0);
    const backup = JSON.parse(done.stdout.trim().split('\n').at(-1)!).backupTable as string;
    const all = await allRows(db.pool);
    // A reader of the backup: dropping its foreign key (ACCESS EXCLUSIVE) waits for it.
    const reader = await holdLock(db, `LOCK TABLE public.${pg.escapeIdentifier(backup)} IN ACCESS SHARE MODE`);
    const run = start(['rebuild', '--drop-backup', '--yes', '--json'], env());
    try {
      await waitUntil('the drop to wait for its lock', () => waitingOnLock(db, '%DROP CONSTRAINT%'));
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(130);
    } finally {
      await reader.release();
    }
    expectNoStack(run.out.stderr);
    expect(run.lines().at(-1)).toMatchObject({
      type: 'interrupted',
      signal: 'SIGINT',
      message: expect.stringMatching(/--drop-backup --yes" again/),
    });
    expect(await allRows(db.pool)).toEqual(all);
    const again = await runCli(['rebuild', '--drop-backup', '--yes', '--json'], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', dropped: [backup] });
    expect(await allRows(db.pool)).toEqual(all);
  });
});

// ------------------------------------------------------------------------------------------------ server restart

describe('the server restarted in the middle of a rebuild step', () => {
  let own: OwnServer;
  let url: string;
  const admin = async () => {
    const c = new pg.Client({ ...own.target.endpoint, password: own.password });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  beforeAll(async () => {
    own = await startOwnServer('rebuild-restart', 3000);
    url = `postgres://postgres:${own.password}@127.0.0.1:${own.target.endpoint.port}/postgres`;
  });
  afterAll(() => own?.dispose());

  for (const [point, then] of [
    ['mid:copy', 'finish'],
    ['mid:replay', 'undo'],
    ['mid:swap', 'finish'],
  ] as const) {
    test(`stopped and started at ${point}: the rebuild fails, status finds it, recover ${then === 'undo' ? '--undo ' : ''}leaves the table complete`, async () => {
      let c = await admin();
      const oidBefore = (await c.query(`SELECT 'public."UserSession"'::regclass::oid::int AS oid`)).rows[0].oid;
      const all = await allRows(c);
      const kept = await surelyKept(c);
      await c.end();
      let written = new Map<string, string>();
      const connect = () =>
        connectClient(own.target, {
          connectTimeoutMs: 5000,
          readOnly: false,
          statementTimeoutMs: 0,
          applicationName: 'hatchet-sessions rebuild test',
        });
      const err = await runRebuild(connect, TABLE, {
        testHook: async (p) => {
          if (p !== point) return;
          if (point !== 'mid:swap') {
            // Sessions written during the step: the trigger has them. (Inside the swap the table is locked.)
            const w = await admin();
            const r = await w.query(
              `INSERT INTO public."UserSession" (id, "expiresAt") SELECT gen_random_uuid(), NOW() + INTERVAL '1 day' FROM generate_series(1, 10) RETURNING id::text AS id, "UserSession"::text AS image`,
            );
            written = new Map(r.rows.map((x) => [x.id, x.image]));
            await w.end();
          }
          await own.down();
          await own.up();
        },
      }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      const status = await runCli(['status', '--json'], { DATABASE_URL: url });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).unfinishedRebuild).toMatch(/^rebuild \S+ stopped at .* before the swap/);
      const rec = await runCli(['recover', '--yes', ...(then === 'undo' ? ['--undo'] : [])], { DATABASE_URL: url });
      expect(rec.stderr).toBe('');
      expect(rec.code).toBe(0);
      c = await admin();
      try {
        const oidAfter = (await c.query(`SELECT 'public."UserSession"'::regclass::oid::int AS oid`)).rows[0].oid;
        if (then === 'undo') {
          expect(oidAfter).toBe(oidBefore);
          await expectAllThere(c, new Map([...all, ...written]));
        } else {
          expect(oidAfter).not.toBe(oidBefore);
          await expectAllThere(c, new Map([...kept, ...written]));
        }
        expect((await detectLeftovers(c, TABLE)).found).toBe(false);
      } finally {
        await c.end();
      }
      expect(
        JSON.parse((await runCli(['status', '--json'], { DATABASE_URL: url })).stdout).unfinishedRebuild,
      ).toBeNull();
    });
  }
});

// ------------------------------------------------------------------------------------------------ SELECT only

describe('a role with SELECT only', () => {
  let db: TestDatabase;
  let role: string;
  let asReader: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase('sig_reader');
    await seedHatchet(db, 2000);
    role = `reader_${db.name}`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-secret'`);
    await db.pool.query(`GRANT SELECT ON "UserSession" TO ${role}`);
    asReader = { DATABASE_URL: urlFor(db.name, role, 'reader-secret') };
  });
  afterAll(async () => {
    await db?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  });

  /** One line on stderr, matching `pattern`, no stack, no password. */
  function expectOneLine(r: { stderr: string }, pattern: RegExp): void {
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expectNoStack(r.stderr);
    expect(r.stderr).not.toContain('reader-secret');
  }

  test('status works; drain and schedule refuse at once naming the missing DELETE grant (exit 2)', async () => {
    const status = await runCli(['status', '--json'], asReader);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ canDelete: false, ownsTable: false });
    const grant = new RegExp(`role "${role}" may not delete: GRANT DELETE ON "UserSession" TO "${role}"`);
    const drain = await runCli(['drain', '--yes'], asReader);
    expect(drain.code).toBe(2);
    expectOneLine(drain, new RegExp(`^hatchet-sessions: cannot drain: ${grant.source}`));
    const started = Date.now();
    const schedule = await runCli(['schedule', '--json'], asReader, 20_000);
    expect(schedule.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectOneLine(schedule, new RegExp(`^hatchet-sessions: cannot schedule cleanups: ${grant.source}`));
  });

  test('schedule: DELETE revoked while it runs: each run fails naming the GRANT (not silently), SIGTERM exits 0', async () => {
    const deleter = `deleter_${db.name}`;
    await db.pool.query(`CREATE ROLE ${deleter} LOGIN PASSWORD 'deleter-secret'`);
    await db.pool.query(`GRANT SELECT, DELETE ON "UserSession" TO ${deleter}`);
    const run = start(['schedule', '--json', '--every', '1s', '--nice', '0'], {
      DATABASE_URL: urlFor(db.name, deleter, 'deleter-secret'),
    });
    try {
      await waitUntil('a run', () => run.lines().some((l) => l.type === 'run-finished'));
      await db.pool.query(`REVOKE DELETE ON "UserSession" FROM ${deleter}`);
      await db.pool.query(
        `INSERT INTO "UserSession" (id, "createdAt", "expiresAt") SELECT gen_random_uuid(), NOW() - INTERVAL '3 days', NOW() - INTERVAL '1 day' FROM generate_series(1, 10)`,
      );
      await waitUntil('a failed run', () => run.lines().some((l) => l.type === 'run-failed'));
      const failed = run.lines().find((l) => l.type === 'run-failed')!;
      expect(failed.error).toMatch(
        new RegExp(`permission denied.*GRANT SELECT, DELETE ON "UserSession" TO "${deleter}"`),
      );
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
      expect(run.out.stdout + run.out.stderr).not.toContain('deleter-secret');
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
      await db.pool.query(`REVOKE ALL ON "UserSession" FROM ${deleter}`);
      await adminQuery(`DROP ROLE IF EXISTS ${deleter}`).catch(() => {});
    }
  });

  test('create-index refuses naming the ownership it needs, not a DELETE grant (exit 2)', async () => {
    await db.pool.query('DROP INDEX ix_user_session_cre_at_exp_at');
    try {
      const r = await runCli(['create-index', '--yes'], asReader);
      expect(r.code).toBe(2);
      expectOneLine(
        r,
        new RegExp(
          `cannot create the index: role "${role}" does not own "UserSession" \\(its owner is "postgres"\\)\\. Connect as "postgres", or .*GRANT "postgres" TO "${role}"`,
        ),
      );
    } finally {
      expect((await runCli(['create-index', '--yes'], { DATABASE_URL: db.url })).code).toBe(0);
    }
  });

  test('rebuild: preflight fails naming the ownership and the GRANT that gives it (exit 2), before and after a journal exists', async () => {
    const owner = new RegExp(
      `preflight failed: role owns the table: "${role}" is not the owner \\("postgres"\\): connect as "postgres" or GRANT "postgres" TO "${role}"`,
    );
    const first = await runCli(['rebuild', '--yes'], asReader);
    expect(first.code).toBe(2);
    expectOneLine(first, owner);
    // The owner rebuilds once (a journal and a backup now exist, neither readable by the reader).
    expect((await runCli(['rebuild', '--yes'], { DATABASE_URL: db.url })).code).toBe(0);
    await db.pool.query(`GRANT SELECT ON "UserSession" TO ${role}`); // (the rebuilt table has the same grants anyway)
    const second = await runCli(['rebuild', '--yes', '--json'], asReader);
    expect(second.code).toBe(2);
    expectOneLine(second, owner);
  });

  test('--drop-backup: lists with --dry-run, refuses to drop naming the owner (exit 2), drops nothing', async () => {
    const backups = async () =>
      (
        await db.pool.query(
          `SELECT relname FROM pg_class WHERE relname LIKE 'UserSession\\_before\\_rebuild\\_%' AND relkind = 'r'`,
        )
      ).rows.length;
    expect(await backups()).toBe(1);
    const dry = await runCli(['rebuild', '--drop-backup', '--dry-run', '--json'], asReader);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout.trim().split('\n')[0]!).backups).toHaveLength(1);
    const drop = await runCli(['rebuild', '--drop-backup', '--yes'], asReader);
    expect(drop.code).toBe(2);
    expectOneLine(
      drop,
      new RegExp(
        `cannot drop the backup: role "${role}" does not own "UserSession" \\(its owner is "postgres"\\)\\. Connect as "postgres", or .*GRANT "postgres" TO "${role}"`,
      ),
    );
    expect(await backups()).toBe(1);
  });

  test('recover (finish or undo) refuses naming the owner (exit 2); status still shows the unfinished rebuild', async () => {
    const connect = () =>
      connectClient(db.target, {
        connectTimeoutMs: 5000,
        readOnly: false,
        statementTimeoutMs: 0,
        applicationName: 'hatchet-sessions rebuild test',
      });
    await expect(
      runRebuild(connect, TABLE, {
        testHook: (p) => {
          if (p === 'after:copy') throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const status = await runCli(['status', '--json'], asReader);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).unfinishedRebuild).toMatch(/^leftovers of a rebuild: .*trigger/);
    for (const args of [
      ['recover', '--yes'],
      ['recover', '--undo', '--yes'],
    ]) {
      const r = await runCli(args, asReader);
      expect(r.code).toBe(2);
      expectOneLine(
        r,
        new RegExp(
          `cannot recover a rebuild: role "${role}" does not own "UserSession".*GRANT "postgres" TO "${role}"`,
        ),
      );
    }
    expect((await runCli(['recover', '--yes'], { DATABASE_URL: db.url })).code).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------------ Ctrl-C at a prompt

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTmux)('Ctrl-C at a typed confirmation, in a terminal (tmux)', () => {
  let db: TestDatabase;
  let server = newTmux('hatchet-sessions-prompt');
  const tmux = (...args: string[]) => server.tmux(...args);
  beforeAll(async () => {
    db = await createTestDatabase('sig_prompt');
    await seedHatchet(db, 500);
  });
  afterAll(async () => {
    server.kill();
    await db?.drop();
  });

  for (const { args, prompt, code } of [
    { args: ['drain'], prompt: 'Type "drain"', code: 0 },
    { args: ['rebuild'], prompt: 'type UserSession to go on', code: 130 },
  ])
    test(`${args[0]}: cancelled, nothing changed, exit ${code}`, async () => {
      const all = await allRows(db.pool);
      const exitFile = path.join(os.tmpdir(), `hatchet-sessions-prompt-${process.pid}-${args[0]}`);
      fs.rmSync(exitFile, { force: true });
      const command = `DATABASE_URL='${db.url}' node ${path.join(ROOT, 'dist', 'cli.js')} ${args.join(' ')}; echo $? > ${exitFile}; sleep 30`;
      server.kill(); // (the previous test's)
      server = newTmux('hatchet-sessions-prompt');
      tmux('new-session', '-d', '-s', args[0]!, '-x', '150', '-y', '40', command);
      const screen = () => tmux('capture-pane', '-p', '-t', args[0]!);
      await waitUntil('the prompt', () => screen().includes(prompt));
      tmux('send-keys', '-t', args[0]!, 'C-c');
      await waitUntil(
        'the exit',
        () => fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim() !== '',
        10_000,
      );
      expect(Number(fs.readFileSync(exitFile, 'utf8'))).toBe(code);
      expect(screen()).toContain('Cancelled: nothing was changed.');
      expect(screen()).not.toMatch(/\n\s+at |Error/);
      expect(await allRows(db.pool)).toEqual(all);
      fs.rmSync(exitFile, { force: true });
    });
});
