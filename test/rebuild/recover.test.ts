import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, seedHatchet, TABLE, type TestDatabase } from '../helpers.js';
import { finishRebuild, runRebuild } from '../../src/rebuild/runner.js';
import { detectLeftovers } from '../../src/rebuild/leftovers.js';
import { undoRebuild } from '../../src/rebuild/recover.js';
import { connectFor, definitionOf, expectKept, keptRowsAround, leftoverObjects, snapshotRows } from './util.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rebuild_recover');
});
afterAll(async () => {
  await db?.drop();
});

async function fresh(): Promise<void> {
  await db.pool.query('DROP SCHEMA public CASCADE');
  await db.pool.query('CREATE SCHEMA public');
  await seedHatchet(db, 3000);
}

/** Run a rebuild whose work connection is terminated (as by a crash) at `point`. */
async function crashAt(point: string): Promise<unknown> {
  return runRebuild(connectFor(db), TABLE, {
    copyBlocks: 4,
    replayBatch: 5,
    testHook: async (p, pid) => {
      if (p !== point) return;
      // A few writes, so the log has something to replay. Inside a step that holds a lock on the table
      // (capture, swap) they wait for it: the crash comes while they wait, and they land afterwards.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const writes = c.query(
        `INSERT INTO public."UserSession" (id, "expiresAt") SELECT gen_random_uuid(), NOW() + INTERVAL '1 day' FROM generate_series(1, 20)`,
      );
      await Promise.race([writes, new Promise((r) => setTimeout(r, 300))]);
      await adminQuery('SELECT pg_terminate_backend($1)', [pid]);
      await writes;
      await c.end();
    },
  }).then(
    () => 'completed',
    (err: Error) => err,
  );
}

const POINTS = [
  'before:create_table',
  'mid:create_table',
  'after:create_table',
  'mid:capture',
  'after:capture',
  'mid:copy',
  'after:copy',
  'mid:indexes',
  'after:indexes',
  'mid:replay',
  'after:replay',
  'after:verify',
  'mid:swap',
  'after:swap',
  'after:validate',
  'after:analyze',
  'after:verify_schema',
];

describe('a rebuild killed at each step', () => {
  for (const point of POINTS) {
    it(`killed at ${point}, then finished: a complete rebuilt table, no leftovers`, async () => {
      await fresh();
      const before = await definitionOf(db);
      const result = await crashAt(point);
      expect(result).toBeInstanceOf(Error);
      const kept = await keptRowsAround(db); // includes the rows inserted at the crash point
      const left = await detectLeftovers(db.pool, TABLE);
      expect(left.found).toBe(true);
      await finishRebuild(connectFor(db), TABLE);
      const rows = await snapshotRows(db);
      expectKept(rows, kept);
      const after = await definitionOf(db);
      expect(after!.oid).not.toBe(before!.oid);
      expect(after!.indexes).toEqual(before!.indexes);
      expect(after!.constraints).toEqual(before!.constraints);
      expect(await leftoverObjects(db)).toEqual([]);
      expect((await detectLeftovers(db.pool, TABLE)).found).toBe(false);
    });

    it(`killed at ${point}, then undone: the original table, complete, no leftovers`, async () => {
      await fresh();
      const before = await definitionOf(db);
      await crashAt(point);
      const swapped = (await detectLeftovers(db.pool, TABLE)).swapped;
      if (swapped) {
        // After the swap, undo would lose writes: refused; finishing is the way.
        await expect(undoRebuild(connectFor(db), TABLE)).rejects.toThrow(/swap .* is committed/);
        await finishRebuild(connectFor(db), TABLE);
      } else {
        const all = await snapshotRows(db);
        await undoRebuild(connectFor(db), TABLE);
        const after = await definitionOf(db);
        expect(after!.oid).toBe(before!.oid);
        expect(after).toEqual(before);
        expect(await snapshotRows(db)).toEqual(all);
      }
      expect(await leftoverObjects(db)).toEqual([]);
      expect((await detectLeftovers(db.pool, TABLE)).found).toBe(false);
    });
  }
});

describe('concurrency and blocking', () => {
  it('refuses a second rebuild while one runs', async () => {
    await fresh();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atCopy = new Promise<void>((r) => (reached = r));
    const first = runRebuild(connectFor(db), TABLE, {
      testHook: async (p) => {
        if (p === 'mid:copy') {
          reached();
          await gate;
        }
      },
    });
    await atCopy;
    await expect(runRebuild(connectFor(db), TABLE)).rejects.toThrow(/another rebuild is running/);
    const left = await detectLeftovers(db.pool, TABLE);
    expect(left.runningPid).not.toBeNull();
    release();
    await first;
    expect(await leftoverObjects(db)).toEqual([]);
  });

  it('retries the swap behind a long transaction, reports the blocker, and succeeds once it ends', async () => {
    await fresh();
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    let blockerPid = 0;
    const retries: Array<{ attempt: number; blockers: Array<{ pid: number }> }> = [];
    const stats = await runRebuild(connectFor(db), TABLE, {
      swapTimeoutMs: 20_000,
      onEvent: (e) => {
        if (e.type === 'lock-retry') {
          retries.push(e);
          if (retries.length === 3) void blocker.query('COMMIT');
        }
      },
      testHook: async (p) => {
        if (p === 'after:verify') {
          blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await blocker.query('BEGIN');
          await blocker.query('SELECT count(*) FROM public."UserSession"');
        }
      },
    });
    await blocker.end();
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries[0]!.blockers.map((b) => b.pid)).toContain(blockerPid);
    expect(stats.swapAttempts).toBeGreaterThanOrEqual(4);
    expect(await leftoverObjects(db)).toEqual([]);
  });

  it('gives up on the swap after its timeout instead of hanging, leaving a rebuild that recover finishes', async () => {
    await fresh();
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    const started = Date.now();
    const err = await runRebuild(connectFor(db), TABLE, {
      swapTimeoutMs: 1500,
      testHook: async (p) => {
        if (p === 'after:verify') {
          await blocker.query('BEGIN');
          await blocker.query('SELECT count(*) FROM public."UserSession"');
        }
      },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/could not take the lock for "swap".*blocked by pid/);
    expect(Date.now() - started).toBeLessThan(15_000);
    const left = await detectLeftovers(db.pool, TABLE);
    expect(left.found).toBe(true);
    expect(left.swapped).toBe(false);
    await blocker.query('COMMIT');
    await blocker.end();
    await finishRebuild(connectFor(db), TABLE);
    expect(await leftoverObjects(db)).toEqual([]);
  });

  it('ends a blocker with terminateBlockers', async () => {
    await fresh();
    const blocker = new pg.Client({ connectionString: db.url });
    blocker.on('error', () => {});
    await blocker.connect();
    const terminated: number[] = [];
    await runRebuild(connectFor(db), TABLE, {
      swapTimeoutMs: 20_000,
      terminateBlockers: true,
      onEvent: (e) => {
        if (e.type === 'lock-retry') terminated.push(...e.terminated);
      },
      testHook: async (p) => {
        if (p === 'after:verify') {
          await blocker.query('BEGIN');
          await blocker.query('SELECT count(*) FROM public."UserSession"');
        }
      },
    });
    expect(terminated.length).toBeGreaterThan(0);
    await blocker.end().catch(() => {});
  });
});
