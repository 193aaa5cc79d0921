import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { DEFAULT_BACKEND_FLUSH_AFTER, applySessionSettings } from '../../src/drain/connection.js';
import { DrainOperation } from '../../src/drain/operation.js';
import type { DrainOptions } from '../../src/drain/types.js';
import { rawSql } from '../../src/sql.js';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase, waitUntil } from '../helpers.js';

// The rule at a fixed instant instead of NOW(). Rows it keeps 10 minutes from now cannot age into deletion
// during a test, so the drain must leave every one of them.
const RULE_AT = `("expiresAt" < $1 OR ("userId" IS NULL AND "createdAt" < $1::timestamp - INTERVAL '24 hours'))`;
const KEPT_FOR_10_MIN = `NOT ${RULE_AT}`;
const IN_10_MIN = `SELECT (NOW() + INTERVAL '10 minutes')::timestamp AS t`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('drain_safety');
});
afterAll(async () => {
  await db.drop();
});

async function reseed(rows: number) {
  await db.pool.query('DROP TABLE IF EXISTS "UserSession", "User", goose_db_version CASCADE');
  await seedHatchet(db, rows);
}

function drain(opts: Partial<DrainOptions> = {}) {
  return new DrainOperation({ target: db.target, table: TABLE, connectTimeoutMs: 10_000, ...opts });
}

async function ids(where: string, values: unknown[] = []): Promise<Set<string>> {
  const { rows } = await db.pool.query(`SELECT id FROM "UserSession" WHERE ${where}`, values);
  return new Set(rows.map((r) => r.id as string));
}

async function deletableNow(): Promise<number> {
  return Number(
    (
      await db.pool.query(
        rawSql('drain/remaining')
          .replace('{{table}}', '"UserSession"')
          .replace('{{rule}}', rawSql('rule').replace(/^--.*$/gm, '')),
      )
    ).rows[0].deletable,
  );
}

describe('the drain never deletes what the rule keeps', () => {
  test('with a concurrent writer inserting, logging in and extending sessions during the drain', async () => {
    await reseed(30_000);
    const keptBefore = await ids(KEPT_FOR_10_MIN, [(await db.pool.query(IN_10_MIN)).rows[0].t]);
    const users = (await db.pool.query('SELECT id FROM "User"')).rows.map((r) => r.id as string);
    // Slow on purpose: tiny batches with pauses, so the writer runs all along.
    const op = drain({ throttle: { maxBlocks: 4, initialBlocks: 2, nice: 1, targetBatchMs: 2 } });
    const mustSurvive = new Set<string>();
    let writing = true;
    const writer = (async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      let k = 0;
      while (writing) {
        k += 1;
        // A new anonymous session: young, kept.
        const ins = await c.query(
          `INSERT INTO "UserSession" (id, "expiresAt") VALUES (gen_random_uuid(), NOW() + INTERVAL '30 days') RETURNING id`,
        );
        mustSurvive.add(ins.rows[0].id);
        // A login on an old anonymous session (deletable until this UPDATE): kept once it has a user.
        const login = await c.query(
          `UPDATE "UserSession" SET "userId" = $1, data = '{"login":true}' WHERE id = (
             SELECT id FROM "UserSession" WHERE "userId" IS NULL AND "createdAt" < NOW() - INTERVAL '48 hours'
                AND "expiresAt" > NOW() + INTERVAL '1 hour' ORDER BY random() LIMIT 1) RETURNING id`,
          [users[k % users.length]],
        );
        for (const r of login.rows) mustSurvive.add(r.id);
        // An expired authenticated session extended (deletable until this UPDATE).
        const extend = await c.query(
          `UPDATE "UserSession" SET "expiresAt" = NOW() + INTERVAL '30 days' WHERE id = (
             SELECT id FROM "UserSession" WHERE "userId" IS NOT NULL AND "expiresAt" < NOW() ORDER BY random() LIMIT 1) RETURNING id`,
        );
        for (const r of extend.rows) mustSurvive.add(r.id);
      }
      await c.end();
    })();
    const summary = await op.start();
    writing = false;
    await writer;
    expect(summary.stopReason).toBe('done');
    expect(summary.rowsDeleted).toBeGreaterThan(20_000);
    expect(mustSurvive.size).toBeGreaterThan(30);
    const present = await ids('true');
    const missingWritten = [...mustSurvive].filter((id) => !present.has(id));
    expect(missingWritten).toEqual([]);
    expect([...keptBefore].filter((id) => !present.has(id))).toEqual([]);
    expect(summary.remainingDeletable).toBe(await deletableNow());
  });

  test('rows locked by another transaction are skipped, not waited on', async () => {
    await reseed(20_000);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const locked = await holder.query(
        `SELECT id FROM "UserSession" WHERE "userId" IS NULL AND "createdAt" < NOW() - INTERVAL '48 hours'
          ORDER BY random() LIMIT 5 FOR UPDATE`,
      );
      const lockedIds = locked.rows.map((r) => r.id as string);
      const started = Date.now();
      const summary = await drain({ throttle: { nice: 0 } }).start();
      const took = Date.now() - started;
      expect(summary.stopReason).toBe('done');
      expect(summary.lockedRanges).toBeGreaterThanOrEqual(1);
      expect(summary.remainingDeletable).toBe(5);
      // The lock is still held: the drain finished without waiting for it.
      expect(took).toBeLessThan(30_000);
      const present = await ids('id = ANY($1::uuid[])', [lockedIds]);
      expect(present.size).toBe(5);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
  });
});

describe('table locks', () => {
  test('the start-up read never queues behind a DDL lock: it times out, retries, and starts when the lock goes', async () => {
    await reseed(2_000);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE "UserSession" IN ACCESS EXCLUSIVE MODE');
      const op = drain({ lockTimeoutMs: 100, throttle: { nice: 0 } });
      const retries: string[] = [];
      op.subscribe((e) => e.type === 'retry' && retries.push(e.error));
      const done = op.start();
      const deadline = Date.now() + 10_000;
      while (retries.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // It gave up waiting after its lock_timeout (so the live API never queues behind it), and will try again.
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(retries[0]).toMatch(/lock timeout/i);
      await holder.query('ROLLBACK');
      const summary = await done;
      expect(summary.stopReason).toBe('done');
      expect(summary.remainingDeletable).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
  });
});

describe('throttle on load', () => {
  test('waits while more backends are active than --max-active allows, names the reason, then finishes', async () => {
    await reseed(5_000);
    // Two other sessions busy in pg_sleep: 2 active backends > 1, until the test cancels them.
    const busy = [new pg.Client({ connectionString: db.url }), new pg.Client({ connectionString: db.url })];
    await Promise.all(busy.map((c) => c.connect()));
    const pids = await Promise.all(
      busy.map(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number),
    );
    const sleeping = busy.map((c) => c.query('SELECT pg_sleep(60)').catch(() => {}));
    await waitUntil('two busy backends', async () => {
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1) AND state = 'active'`,
        [pids],
      );
      return rows[0].n === 2;
    });
    const op = drain({ throttle: { maxActive: 1, nice: 0 }, loadCheckMs: 100 });
    const reasons = new Set<string | null>();
    op.subscribe((e) => e.type === 'throttle' && reasons.add(e.throttle.reason));
    const done = op.start();
    await waitUntil('the throttle to see them', () => reasons.has('active-backends'));
    await new Promise((r) => setTimeout(r, 700)); // the load lasts 0.7 s more after the drain first saw it
    await db.pool.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    const summary = await done;
    await Promise.all(sleeping);
    await Promise.all(busy.map((c) => c.end()));
    expect(reasons.has('active-backends')).toBe(true);
    expect(summary.stopReason).toBe('done');
    expect(summary.throttledMs).toBeGreaterThan(500);
    expect(summary.remainingDeletable).toBe(0);
  });
});

describe('connection loss', () => {
  test("reconnects after pg_terminate_backend of the drain's connection and finishes", async () => {
    await reseed(20_000);
    const keptBefore = await ids(KEPT_FOR_10_MIN, [(await db.pool.query(IN_10_MIN)).rows[0].t]);
    const op = drain({ throttle: { maxBlocks: 4, initialBlocks: 4, nice: 1, targetBatchMs: 2 } });
    const done = op.start();
    let terminated = 0;
    while (terminated === 0) {
      await new Promise((r) => setTimeout(r, 100));
      if (op.getSnapshot().progress.rowsDeleted === 0) continue;
      const { rows } = await db.pool.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hatchet-sessions drain'`,
      );
      terminated = rows.filter((r) => r.ok).length;
    }
    const summary = await done;
    expect(summary.stopReason).toBe('done');
    expect(summary.reconnects).toBeGreaterThanOrEqual(1);
    expect(summary.asyncCommitBatches).toBe(0); // paced: every batch waits for its WAL
    expect(summary.blocksSwept).toBe(summary.blocksTotal);
    expect(summary.remainingDeletable).toBe(0);
    const present = await ids('true');
    expect([...keptBefore].filter((id) => !present.has(id))).toEqual([]);
  });
});

describe("the drain's own connection", () => {
  test('asks the kernel to write the pages it evicts as it goes (backend_flush_after) and scans without parallel workers, for that session only', async () => {
    const client = await db.pool.connect();
    const workers = (await db.pool.query('SHOW max_parallel_workers_per_gather')).rows[0]
      .max_parallel_workers_per_gather;
    expect(workers).not.toBe('0');
    try {
      await applySessionSettings(client, DEFAULT_BACKEND_FLUSH_AFTER);
      expect((await client.query('SHOW backend_flush_after')).rows[0].backend_flush_after).toBe('1MB');
      expect((await client.query('SHOW max_parallel_workers_per_gather')).rows[0].max_parallel_workers_per_gather).toBe(
        '0',
      );
      await applySessionSettings(client, null);
      expect((await client.query('SHOW backend_flush_after')).rows[0].backend_flush_after).toBe('1MB');
    } finally {
      client.release(true); // a session setting: do not hand this connection back to the pool
    }
    const other = await db.pool.query('SHOW backend_flush_after');
    expect(other.rows[0].backend_flush_after).toBe('0');
  });
});
