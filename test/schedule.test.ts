import path from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ConnectionTarget } from '../src/config.js';
import { Metrics, serveMetrics } from '../src/metrics.js';
import { Scheduler, type ScheduleEvent } from '../src/schedule/scheduler.js';
import { parseSchedule } from '../src/schedule/timing.js';
import { TOOL_LOCK_KEY, tableLockKey, tryRunnerLock } from '../src/schedule/runner-lock.js';
import { exactStatus } from '../src/status.js';
import {
  createTestDatabase,
  ROOT,
  seedHatchet,
  startOwnServer,
  TABLE,
  type OwnServer,
  type TestDatabase,
} from './helpers.js';

const fast = { targetBatchMs: 20, nice: 0 };

function collect(scheduler: Scheduler): ScheduleEvent[] {
  const events: ScheduleEvent[] = [];
  scheduler.subscribe((e) => events.push(e));
  return events;
}

async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the schedule on the shared test server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('schedule');
    await seedHatchet(db, 20_000);
  });
  afterAll(() => db.drop());

  test('runs every second, deletes what the rule allows, keeps a history', async () => {
    const before = (await exactStatus(db.pool, TABLE)).counts;
    const metrics = new Metrics();
    const scheduler = new Scheduler({
      target: db.target,
      table: TABLE,
      connectTimeoutMs: 5000,
      spec: parseSchedule('1s', undefined),
      maxRunDurationMs: 60_000,
      throttle: fast,
      metrics,
    });
    const events = collect(scheduler);
    const done = scheduler.start();
    await waitFor(() => scheduler.getSnapshot().history.filter((r) => r.outcome === 'done').length >= 2);
    scheduler.abort();
    await done;
    const after = (await exactStatus(db.pool, TABLE)).counts;
    expect(after.deletable).toBe(0);
    expect(after.kept).toBe(before.kept);
    const finished = scheduler.getSnapshot().history.filter((r) => r.outcome === 'done');
    expect(finished[finished.length - 1].rowsDeleted).toBe(before.deletable); // the first run deleted everything
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['schedule-started', 'run-started', 'run-finished', 'next-run', 'stopping', 'stopped']),
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(new RegExp(`hatchet_sessions_rows_deleted_total ${before.deletable}`));
    expect(text).toMatch(/hatchet_sessions_runs_total\{outcome="success"\} [2-9]/);
    expect(text).toMatch(new RegExp(`hatchet_sessions_sessions\\{kind="kept"\\} ${before.kept}`));
  });

  test('a second instance skips the run and reports who holds the lock', async () => {
    const holder = new pg.Client({ connectionString: db.url, application_name: 'other instance' });
    await holder.connect();
    try {
      expect(await tryRunnerLock(holder, tableLockKey(TABLE))).toBeNull();
      const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const scheduler = new Scheduler({
        target: db.target,
        table: TABLE,
        connectTimeoutMs: 5000,
        spec: parseSchedule('1h', undefined),
        maxRunDurationMs: 60_000,
        throttle: fast,
      });
      const events = collect(scheduler);
      const done = scheduler.start();
      const skipped = await waitFor(() => events.find((e) => e.type === 'run-skipped'));
      scheduler.abort();
      await done;
      expect(skipped).toMatchObject({
        type: 'run-skipped',
        holder: { pid: holderPid, applicationName: 'other instance' },
      });
      if (skipped.type === 'run-skipped') expect(skipped.holder.since.getTime()).toBeLessThanOrEqual(Date.now());
      expect(events.some((e) => e.type === 'run-started')).toBe(false);
      expect(scheduler.getSnapshot().history[0]).toMatchObject({ outcome: 'skipped' });
    } finally {
      await holder.end();
    }
  });

  test('the drain connection killed mid-run: it reconnects, and the next run succeeds', async () => {
    await db.pool.query(`UPDATE "UserSession" SET "expiresAt" = NOW() - INTERVAL '1 second' WHERE "userId" IS NULL`);
    const scheduler = new Scheduler({
      target: db.target,
      table: TABLE,
      connectTimeoutMs: 5000,
      spec: parseSchedule('1s', undefined),
      maxRunDurationMs: 60_000,
      throttle: { targetBatchMs: 5, nice: 3, initialBlocks: 1, maxBlocks: 2 },
    });
    const done = scheduler.start();
    await waitFor(() => (scheduler.getSnapshot().current?.progress?.batches ?? 0) >= 2);
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hatchet-sessions drain' AND datname = current_database()`,
    );
    await waitFor(() => scheduler.getSnapshot().history.filter((r) => r.outcome === 'done').length >= 2, 60_000);
    scheduler.abort();
    await done;
    const first = scheduler.getSnapshot().history[scheduler.getSnapshot().history.length - 1];
    expect(first.outcome).toBe('done');
    expect((await exactStatus(db.pool, TABLE)).counts.deletable).toBe(0);
  });
});

describe('faults on a server of its own', () => {
  let own: OwnServer;
  let target: ConnectionTarget;
  let password: string;

  beforeAll(async () => {
    own = await startOwnServer('restart', 5000);
    ({ target, password } = own);
  });
  afterAll(() => own.dispose());

  test('/metrics and /healthz; the server restarted: 503 while away, then 200, and runs go on', async () => {
    const metrics = new Metrics();
    const http = await serveMetrics(metrics, 0);
    const get = async (p: string) => {
      const r = await fetch(`http://127.0.0.1:${http.port}${p}`);
      return { status: r.status, text: await r.text() };
    };
    const scheduler = new Scheduler({
      target,
      table: TABLE,
      connectTimeoutMs: 2000,
      spec: parseSchedule('1s', undefined),
      maxRunDurationMs: 60_000,
      throttle: fast,
      metrics,
      maxReconnectWaitMs: 1000,
    });
    const events = collect(scheduler);
    const done = scheduler.start();
    try {
      await waitFor(() => scheduler.getSnapshot().history.some((r) => r.outcome === 'done'));
      expect((await get('/healthz')).status).toBe(200);
      // The exact counts for the metrics are read just after the run.
      await waitFor(async () => (await get('/metrics')).text.includes('hatchet_sessions_sessions{'));
      const m = await get('/metrics');
      for (const series of [
        'hatchet_sessions_sessions{kind="anonymous"}',
        'hatchet_sessions_table_bytes',
        'hatchet_sessions_rows_deleted_total',
        'hatchet_sessions_run_duration_seconds_bucket',
        'hatchet_sessions_runs_total{outcome="success"}',
        'hatchet_sessions_last_success_timestamp_seconds',
        'hatchet_sessions_lock_held',
      ]) {
        expect(m.text, series).toContain(series);
      }
      // Prometheus text format: every sample line is "name{labels} value".
      for (const line of m.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+|NaN$/);
      }

      await own.down();
      await waitFor(
        () => events.some((e) => e.type === 'connection-lost') || events.some((e) => e.type === 'run-failed'),
        30_000,
      );
      await waitFor(async () => (await get('/healthz')).status === 503, 30_000);
      expect((await get('/metrics')).text).toContain('hatchet_sessions_database_up 0');

      await own.up();
      const doneBefore = scheduler.getSnapshot().history.filter((r) => r.outcome === 'done').length;
      await waitFor(
        () => scheduler.getSnapshot().history.filter((r) => r.outcome === 'done').length > doneBefore,
        30_000,
      );
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      scheduler.abort();
      await done;
      http.close();
    }
  });

  test('SIGTERM during a run: exit 0 within 10 s, lock released, the other rows intact', async () => {
    const admin = new pg.Client({ ...target.endpoint, password });
    await admin.connect();
    try {
      await admin.query(`INSERT INTO "UserSession" (id, "createdAt", "updatedAt", "expiresAt")
        SELECT gen_random_uuid(), NOW() - INTERVAL '2 days', NOW() - INTERVAL '2 days', NOW() + INTERVAL '28 days' FROM generate_series(1, 300000)`);
      const keptBefore = (
        await admin.query(
          `SELECT count(*)::int AS n FROM "UserSession" WHERE NOT ("expiresAt" < NOW() OR ("userId" IS NULL AND "createdAt" < NOW() - INTERVAL '24 hours'))`,
        )
      ).rows[0].n;
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'dist', 'cli.js'), 'schedule', '--json', '--target-batch-ms', '1', '--nice', '20'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:${target.endpoint.port}/postgres`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitFor(() => out.includes('"type":"progress"') && out.includes('"phase":"sweeping"'), 30_000);
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.type)).toEqual(
        expect.arrayContaining(['schedule-started', 'run-started', 'stopping', 'stopped']),
      );
      const locks = await admin.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid`,
        [TOOL_LOCK_KEY],
      );
      expect(locks.rows[0].n).toBe(0);
      const keptAfter = (
        await admin.query(
          `SELECT count(*)::int AS n FROM "UserSession" WHERE NOT ("expiresAt" < NOW() OR ("userId" IS NULL AND "createdAt" < NOW() - INTERVAL '24 hours'))`,
        )
      ).rows[0].n;
      expect(keptAfter).toBe(keptBefore);
    } finally {
      await admin.end();
    }
  });
});
