import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ConnectionTarget } from '../../src/config.js';
import { connectClient, createPool } from '../../src/db.js';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../../src/demo/server.js';
import { createSchemaAndSeed } from '../../src/demo/seed.js';
import { autovacuumBlockers, cancelAutovacuum } from '../../src/rebuild/autovacuum.js';
import type { RebuildEvent } from '../../src/rebuild/events.js';
import { runRebuild } from '../../src/rebuild/runner.js';
import { dropBackups, type DropEvent } from '../../src/rebuild/backup.js';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase } from '../helpers.js';
import { connectFor, leftoverObjects, names } from './util.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('autovacuum workers blocking a lock the rebuild needs (shared test server)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('rebuild_av');
    await seedHatchet(db, 3_000);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('selects only autovacuum workers on our tables, never a client session, never an anti-wraparound vacuum', async () => {
    // A client session holding what an autovacuum worker holds (SHARE UPDATE EXCLUSIVE on "UserSession").
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE public."UserSession" IN SHARE UPDATE EXCLUSIVE MODE');
      const c = await db.pool.connect();
      try {
        // The real pg_stat_activity: it is a client backend, so nothing is selected and nothing is cancelled.
        expect(await autovacuumBlockers(c, names, [names.table, names.newTable, names.log])).toEqual([]);
        expect(await cancelAutovacuum(c, names, pid)).toBe(false);
        // pg_stat_activity rows we make up for that pid: selected only as a plain autovacuum worker in this database.
        await c.query(
          `CREATE TABLE public.fake_activity (pid int, backend_type text, datname name, query text, xact_start timestamptz)`,
        );
        const fake = async (backendType: string, query: string, datname = db.name) => {
          await c.query('TRUNCATE public.fake_activity');
          await c.query('INSERT INTO public.fake_activity VALUES ($1, $2, $3, $4, now())', [
            pid,
            backendType,
            datname,
            query,
          ]);
          return autovacuumBlockers(c, names, [names.table, names.newTable, names.log], 'public.fake_activity');
        };
        expect(await fake('autovacuum worker', 'autovacuum: VACUUM public."UserSession"')).toEqual([
          expect.objectContaining({ pid, relation: 'UserSession', query: 'autovacuum: VACUUM public."UserSession"' }),
        ]);
        expect(
          await fake('autovacuum worker', 'autovacuum: VACUUM ANALYZE public."UserSession" (to prevent wraparound)'),
        ).toEqual([]);
        expect(await fake('client backend', 'autovacuum: VACUUM public."UserSession"')).toEqual([]);
        expect(await fake('autovacuum worker', 'autovacuum: VACUUM public."UserSession"', 'postgres')).toEqual([]);
        // Only our relations: not "User".
        expect(await autovacuumBlockers(c, names, ['User'], 'public.fake_activity')).toEqual([]);
        await c.query('DROP TABLE public.fake_activity');
      } finally {
        c.release();
      }
      // The client session is untouched.
      expect((await holder.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
  });

  it('a client session holding SHARE UPDATE EXCLUSIVE is waited for, never cancelled', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE public."UserSession" IN SHARE UPDATE EXCLUSIVE MODE');
    const retries: Extract<RebuildEvent, { type: 'lock-retry' }>[] = [];
    const stats = await runRebuild(connectFor(db), TABLE, {
      swapTimeoutMs: 20_000,
      onEvent: (e) => {
        if (e.type === 'lock-retry') {
          retries.push(e);
          if (retries.length === 3) void holder.query('COMMIT');
        }
      },
    });
    await holder.end();
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries[0]!.step).toBe('capture');
    expect(retries.flatMap((r) => r.autovacuumCancelled)).toEqual([]);
    expect(stats.autovacuumCancelled).toBe(0);
    expect(await leftoverObjects(db)).toEqual([]);
  });
});

describe('a real autovacuum worker on "UserSession" (own server, autovacuum_naptime 1 s)', () => {
  let dir: string;
  let server: RunningServer | undefined;
  let url: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-av-'));
    fs.chmodSync(dir, 0o755);
    const binDir = process.env.TEST_PG_BIN || embeddedBinDir();
    initCluster(binDir, path.join(dir, 'data'), 'postgres', 'av-secret');
    server = await startServer({
      binDir,
      dataDir: path.join(dir, 'data'),
      superuser: 'postgres',
      password: 'av-secret',
      settings: { fsync: 'off', synchronous_commit: 'off', autovacuum_naptime: '1', log_autovacuum_min_duration: '0' },
    });
    url = `postgres://postgres:av-secret@127.0.0.1:${server.port}/postgres`;
    const target = parseConfig(['--database-url', url]).target as ConnectionTarget;
    pool = createPool(target, { connectTimeoutMs: 10_000, readOnly: false, max: 4 });
    const c = await pool.connect();
    try {
      await createSchemaAndSeed(c, TABLE, { rows: 20_000, withIndex: true });
    } finally {
      c.release();
    }
  }, 120_000);
  afterAll(async () => {
    await pool?.end().catch(() => {});
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cancels it when it blocks the capture trigger, reports it, and gives the new table the exact original storage parameters', async () => {
    // A very slow autovacuum (100 ms asleep after every page) that starts as soon as there are dead rows.
    const reloptions = [
      'autovacuum_vacuum_cost_limit=1',
      'autovacuum_vacuum_threshold=0',
      'fillfactor=95',
      'autovacuum_vacuum_scale_factor=0',
      'autovacuum_vacuum_cost_delay=100',
      'autovacuum_analyze_threshold=1000000000',
    ];
    await pool.query(`ALTER TABLE public."UserSession" SET (${reloptions.join(', ')})`);
    await pool.query(`DELETE FROM public."UserSession" WHERE "expiresAt" < NOW()`);
    let worker: { pid: number; query: string } | undefined;
    for (let i = 0; i < 150 && !worker; i++) {
      worker = (
        await pool.query(
          `SELECT pid, query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE '%UserSession%'`,
        )
      ).rows[0];
      if (!worker) await sleep(200);
    }
    expect(worker, 'an autovacuum worker on "UserSession" within 30 s').toBeDefined();
    const retries: Extract<RebuildEvent, { type: 'lock-retry' }>[] = [];
    const connect = () =>
      connectClient(parseConfig(['--database-url', url]).target as ConnectionTarget, {
        connectTimeoutMs: 10_000,
        readOnly: false,
        statementTimeoutMs: 0,
        applicationName: 'hatchet-sessions rebuild test',
      });
    const stats = await runRebuild(connect, TABLE, {
      swapTimeoutMs: 20_000,
      onEvent: (e) => {
        if (e.type === 'lock-retry') retries.push(e);
      },
    });
    const cancelled = retries.flatMap((r) => r.autovacuumCancelled);
    expect(cancelled).toContainEqual(expect.objectContaining({ pid: worker!.pid, relation: 'UserSession' }));
    expect(cancelled.every((w) => /^autovacuum:/.test(w.query ?? ''))).toBe(true);
    expect(stats.autovacuumCancelled).toBeGreaterThanOrEqual(1);
    // The capture did not wait for the whole (very slow) vacuum.
    expect(retries.filter((r) => r.step === 'capture').length).toBeLessThan(5);
    const now = (await pool.query(`SELECT reloptions FROM pg_class WHERE oid = 'public."UserSession"'::regclass`))
      .rows[0].reloptions;
    expect(now).toEqual(reloptions);

    // The backup (the old table, its dead rows, the same slow autovacuum settings) draws autovacuum again; the
    // drop cancels the worker that blocks it instead of retrying for ever, and turns autovacuum off on the backup.
    let again: { pid: number } | undefined;
    for (let i = 0; i < 150 && !again; i++) {
      again = (
        await pool.query(
          `SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE '%before_rebuild%'`,
        )
      ).rows[0];
      if (!again) await sleep(200);
    }
    expect(again, 'an autovacuum worker on the backup within 30 s').toBeDefined();
    const events: DropEvent[] = [];
    const t = performance.now();
    const r = await dropBackups(connect, TABLE, { sliceBlocks: 20, pauseMs: 1, onEvent: (e) => events.push(e) });
    expect(r.tables).toEqual([stats.backupTable]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'drop-step',
        action: expect.stringMatching(new RegExp(`^cancelled autovacuum pid ${again!.pid} \\(autovacuum:`)),
      }),
    );
    expect(performance.now() - t).toBeLessThan(30_000);
  }, 120_000);
});
