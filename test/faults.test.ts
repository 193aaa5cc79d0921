import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ConnectionTarget } from '../src/config.js';
import { DrainOperation } from '../src/drain/operation.js';
import { exactStatus } from '../src/status.js';
import {
  createTestDatabase,
  seedHatchet,
  startOwnServer,
  TABLE,
  type OwnServer,
  type TestDatabase,
  waitUntil,
} from './helpers.js';

/** Sessions the rule keeps now and ten minutes from now, by id: a fault must lose none of them (a row that ages past
 * the rule while the test runs may go either way). */
async function keptIds(db: pg.Pool | pg.Client): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT id::text AS id FROM "UserSession"
      WHERE NOT ("expiresAt" < NOW() + INTERVAL '10 minutes' OR ("userId" IS NULL AND "createdAt" < NOW() + INTERVAL '10 minutes' - INTERVAL '24 hours'))`,
  );
  return rows.map((r) => r.id);
}

/** The ids of `kept` no longer in the table. */
async function lost(db: pg.Pool | pg.Client, kept: string[]): Promise<string[]> {
  const { rows } = await db.query('SELECT id::text AS id FROM "UserSession" WHERE id = ANY($1::uuid[])', [kept]);
  const present = new Set(rows.map((r) => r.id));
  return kept.filter((id) => !present.has(id));
}

describe('the drain survives timeouts', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('faults');
  });
  afterAll(() => db.drop());

  test('lock_timeout hit (a table lock held by someone else): it backs off, retries, then finishes', async () => {
    await db.pool.query('DROP TABLE IF EXISTS "UserSession", "User", goose_db_version CASCADE');
    await seedHatchet(db, 20_000);
    const kept = await keptIds(db.pool);
    // Small, paced batches; once it sweeps, another session takes the table's strongest lock for 1.5 s.
    const drain = new DrainOperation({
      target: db.target,
      table: TABLE,
      connectTimeoutMs: 5000,
      throttle: { nice: 1, targetBatchMs: 5, initialBlocks: 2, maxBlocks: 4 },
      lockTimeoutMs: 100,
    });
    const retries: string[] = [];
    drain.subscribe((e) => e.type === 'retry' && retries.push(e.error));
    const running = drain.start();
    await waitUntil('three batches', () => drain.getSnapshot().progress.batches >= 3);
    drain.pause(); // (between batches: it cannot finish before the lock is taken)
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE "UserSession" IN ACCESS EXCLUSIVE MODE');
    drain.resume();
    await waitUntil('a lock timeout', () => retries.some((m) => /lock timeout/i.test(m))); // it gave up on the lock at least once
    await blocker.query('ROLLBACK');
    await blocker.end();
    const summary = await running;
    expect(summary.stopReason).toBe('done');
    expect(retries.some((m) => /lock timeout/i.test(m))).toBe(true);
    expect(summary.retries).toBeGreaterThan(0);
    expect(await lost(db.pool, kept)).toEqual([]);
    expect((await exactStatus(db.pool, TABLE)).counts.deletable).toBe(0);
  });

  test('statement_timeout hit (a batch that runs too long): it retries with a smaller batch, then finishes', async () => {
    await db.pool.query('DROP TABLE IF EXISTS "UserSession", "User", goose_db_version CASCADE');
    await seedHatchet(db, 20_000);
    const kept = await keptIds(db.pool);
    // The first batch to delete a row sleeps past the statement timeout (5 s at the smallest); later ones do not.
    await db.pool.query(`CREATE SEQUENCE slow_once`);
    await db.pool.query(`CREATE FUNCTION slow_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('slow_once') = 1 THEN PERFORM pg_sleep(6); END IF; RETURN OLD; END $$`);
    await db.pool.query(
      `CREATE TRIGGER slow_once BEFORE DELETE ON "UserSession" FOR EACH ROW EXECUTE FUNCTION slow_once()`,
    );
    const drain = new DrainOperation({
      target: db.target,
      table: TABLE,
      connectTimeoutMs: 5000,
      throttle: { nice: 0, targetBatchMs: 20 },
    });
    const retries: string[] = [];
    drain.subscribe((e) => e.type === 'retry' && retries.push(e.error));
    const summary = await drain.start();
    expect(summary.stopReason).toBe('done');
    expect(retries.some((m) => /statement timeout/i.test(m))).toBe(true);
    expect(await lost(db.pool, kept)).toEqual([]);
    expect((await exactStatus(db.pool, TABLE)).counts.deletable).toBe(0);
  });
});

describe('the drain survives a server restart', () => {
  let own: OwnServer;
  let target: ConnectionTarget;
  let password: string;

  beforeAll(async () => {
    own = await startOwnServer('drain-restart', 60_000);
    ({ target, password } = own);
  });
  afterAll(() => own.dispose());

  test('stopped and started mid-drain: it reconnects, resumes from the last committed block, loses no kept row', async () => {
    const admin = () => {
      const c = new pg.Client({ ...target.endpoint, password });
      c.on('error', () => {});
      return c;
    };
    let c = admin();
    await c.connect();
    const kept = await keptIds(c);
    await c.end();
    // Small, slow batches so the restart lands in the middle of the sweep.
    const drain = new DrainOperation({
      target,
      table: TABLE,
      connectTimeoutMs: 2000,
      throttle: { nice: 2, targetBatchMs: 5, initialBlocks: 2, maxBlocks: 4 },
    });
    let sawLoss = false;
    drain.subscribe((e) => e.type === 'retry' && e.reconnect && (sawLoss = true));
    const running = drain.start();
    await waitUntil('five batches', () => drain.getSnapshot().progress.batches >= 5);
    drain.pause(); // (between batches: it cannot finish before the server goes)
    const sweptBefore = drain.getSnapshot().progress.blocksSwept;
    await own.down();
    drain.resume();
    await waitUntil('the drain to see the loss', () => sawLoss); // the drain saw the server go before it comes back
    await own.up();
    const summary = await running;
    expect(summary.stopReason, summary.error).toBe('done');
    expect(summary.reconnects).toBeGreaterThan(0);
    expect(sweptBefore).toBeLessThan(summary.blocksTotal);
    expect(summary.blocksSwept).toBe(summary.blocksTotal);
    c = admin();
    await c.connect();
    expect(await lost(c, kept)).toEqual([]);
    const left = await c.query(
      `SELECT count(*)::int AS n FROM "UserSession" WHERE "expiresAt" < NOW() OR ("userId" IS NULL AND "createdAt" < NOW() - INTERVAL '24 hours')`,
    );
    expect(left.rows[0].n).toBe(0);
    await c.end();
  });
});

describe('a server crash under an unthrottled drain (--nice 0: batches commit without waiting for their WAL)', () => {
  let own: OwnServer;

  beforeAll(async () => {
    // The WAL writer waits 10 s between rounds: the last batches' commits are still in the server's WAL buffers
    // when it crashes, so recovery undoes them.
    own = await startOwnServer('drain-crash', 60_000, { wal_writer_delay: '10s', autovacuum: 'off' });
  });
  afterAll(() => own.dispose());

  test('the ranges whose commits the crash may have undone are swept again, and rowsDeleted stays exact', async () => {
    const { target, password } = own;
    const admin = async () => {
      const c = new pg.Client({ ...target.endpoint, password });
      c.on('error', () => {});
      await c.connect();
      return c;
    };
    const totalRows = async (c: pg.Client) =>
      Number((await c.query('SELECT count(*) AS n FROM "UserSession"')).rows[0].n);
    let c = await admin();
    const kept = await keptIds(c);
    const rowsBefore = await totalRows(c);
    await c.end();
    const drain = new DrainOperation({
      target,
      table: TABLE,
      connectTimeoutMs: 2000,
      progressIntervalMs: 0,
      throttle: { nice: 0, maxWalMBps: null, targetBatchMs: 5, initialBlocks: 2, maxBlocks: 2 },
    });
    let swept = 0;
    let sweptAgain = false;
    let sawLoss = false;
    drain.subscribe((e) => {
      if (e.type === 'retry' && e.reconnect) sawLoss = true;
      if (e.type !== 'progress') return;
      if (e.progress.blocksSwept < swept) sweptAgain = true;
      swept = e.progress.blocksSwept;
    });
    const running = drain.start();
    await waitUntil('thirty batches', () => drain.getSnapshot().progress.batches >= 30, 60_000, 5);
    await own.crash();
    await waitUntil('the drain to see the loss', () => sawLoss); // the drain saw the crash before the server comes back
    await own.up();
    const summary = await running;
    expect(summary.stopReason, summary.error).toBe('done');
    expect(summary.reconnects).toBeGreaterThan(0);
    expect(sweptAgain).toBe(true);
    expect(summary.asyncCommitBatches).toBe(summary.batches);
    expect(summary.remainingDeletable).toBe(0);
    c = await admin();
    expect(summary.rowsDeleted).toBe(rowsBefore - (await totalRows(c)));
    expect(await lost(c, kept)).toEqual([]);
    await c.end();
  });
});
