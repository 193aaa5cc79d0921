import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Sampler, DEFAULT_SAMPLER, type SamplerState } from '../src/sampler.js';
import { exactStatus } from '../src/status.js';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('sampler');
  await seedHatchet(db, 20_000);
});
afterAll(() => db.drop());

async function until(sampler: Sampler, check: (s: SamplerState) => boolean, timeoutMs = 10_000): Promise<SamplerState> {
  if (check(sampler.getSnapshot())) return sampler.getSnapshot();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sampler state never matched: ${JSON.stringify(sampler.getSnapshot())}`)),
      timeoutMs,
    );
    const off = sampler.subscribe(() => {
      const s = sampler.getSnapshot();
      if (check(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

/** Hold ACCESS EXCLUSIVE on the table from another connection until release(). */
async function lockTable(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE "UserSession" IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

describe('Sampler', () => {
  test('a tick gives catalog estimates; exact counts agree with a direct count', async () => {
    const sampler = new Sampler(db.pool, TABLE, { ...DEFAULT_SAMPLER, tickMs: 200 });
    sampler.start();
    try {
      const state = await until(
        sampler,
        (s) => s.sizes !== undefined && s.exact !== undefined && s.createdLastHour !== undefined,
      );
      expect(state.sizes!.estimatedRows).toBeGreaterThan(15_000); // reltuples after ANALYZE: an estimate
      const { counts } = await exactStatus(db.pool, TABLE);
      expect(state.exact!.counts.total).toBe(counts.total);
      expect(state.exact!.counts.deletable).toBe(counts.deletable);
      expect(state.createdLastHour!.count).toBe(counts.createdLastHour);
      expect(state.nextExactAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
      await db.pool.query(
        `INSERT INTO "UserSession" (id, "expiresAt") SELECT gen_random_uuid(), NOW() FROM generate_series(1, 50)`,
      );
      const rated = await until(sampler, (s) => (s.insertRate ?? 0) > 0);
      expect(rated.insertRate).toBeGreaterThan(0);
    } finally {
      sampler.abort();
    }
  });

  test('a statement over its timeout gives a visible stale state, backs off, and recovers', async () => {
    const lock = await lockTable();
    const sampler = new Sampler(db.pool, TABLE, {
      ...DEFAULT_SAMPLER,
      tickMs: 200,
      tickTimeoutMs: 150,
      exactTimeoutMs: 300,
      exactEveryMs: 60_000,
    });
    try {
      sampler.start();
      const stale = await until(
        sampler,
        (s) => s.exactError !== undefined && s.tickError !== undefined && !s.exactRunning,
      );
      expect(stale.exactError).toBe('exact counts timed out after 0.3s');
      expect(stale.tickError).toMatch(/statement timeout/);
      // Backed off: the next exact refresh is twice the period away.
      expect(stale.nextExactAt!.getTime() - Date.now()).toBeGreaterThan(100_000);
      await lock.release();
      await sampler.refreshExact();
      expect(sampler.getSnapshot().exactError).toBeUndefined();
      expect(sampler.getSnapshot().exact!.counts.total).toBeGreaterThan(0);
      await until(sampler, (s) => s.tickError === undefined);
    } finally {
      sampler.abort();
      await lock.release().catch(() => {});
    }
  });

  test('never two exact counts at once, however often they are asked for', async () => {
    const lock = await lockTable();
    const sampler = new Sampler(db.pool, TABLE, { ...DEFAULT_SAMPLER, tickMs: 60_000, exactTimeoutMs: 5000 });
    try {
      const requests = Array.from({ length: 5 }, () => sampler.refreshExact());
      sampler.start(); // start asks for exact counts too
      const runningCounts = async () =>
        (
          await db.pool.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%AS anonymous_last_hour%' AND pid <> pg_backend_pid()`,
          )
        ).rows[0].n as number;
      // The first count waits behind the lock; every other request joins it.
      for (const end = Date.now() + 20_000; (await runningCounts()) === 0 && Date.now() < end;)
        await new Promise((r) => setTimeout(r, 20));
      expect(await runningCounts()).toBe(1);
      await lock.release();
      await Promise.all(requests);
      expect(sampler.getSnapshot().maxInFlight).toBeLessThanOrEqual(2); // one tick and one exact at most
    } finally {
      sampler.abort();
      await lock.release().catch(() => {});
    }
  });
});
