import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, seedHatchet, type TestDatabase, TABLE, waitUntil } from '../helpers.js';
import type { RebuildEvent } from '../../src/rebuild/events.js';
import { runRebuild } from '../../src/rebuild/runner.js';
import { preflight } from '../../src/rebuild/preflight.js';
import { dropBackups, type DropEvent } from '../../src/rebuild/backup.js';
import { connectFor, definitionOf, keptRowsAround, leftoverObjects, LoginLoad, snapshotRows } from './util.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rebuild_engine');
  await seedHatchet(db, 20_000);
});
afterAll(async () => {
  await db?.drop();
});

describe('online rebuild', () => {
  it("passes preflight on Hatchet's table", async () => {
    const p = await preflight(db.pool, TABLE);
    expect(p.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(p.keptRows).toBeGreaterThan(0);
  });

  it('keeps exactly the kept rows plus every acknowledged write of a concurrent login-like load', async () => {
    const before = await definitionOf(db);
    const users = (await db.pool.query('SELECT id::text FROM "User"')).rows.map((r) => r.id);
    const load = new LoginLoad(db, users);
    load.start(2);
    await waitUntil('the load to run', () => load.acknowledged >= 25); // the load runs before the rebuild starts...
    const kept = await keptRowsAround(db);
    const events: RebuildEvent[] = [];
    const stats = await runRebuild(connectFor(db), TABLE, {
      copyBlocks: 16,
      replayBatch: 50,
      onEvent: (e) => events.push(e),
    });
    const atSwap = load.acknowledged;
    await waitUntil('the load to go on', () => load.acknowledged >= atSwap + 25); // ...and goes on after the swap
    await load.stop();
    expect(load.errors).toEqual([]);
    expect(load.acknowledged).toBeGreaterThan(50);
    expect(await load.check()).toEqual([]);
    // Every row kept before the rebuild and not touched by the load is there, identical.
    const after = await snapshotRows(db);
    for (const [id, image] of kept.surely) if (!load.expected.has(id)) expect(after.get(id)).toBe(image);
    // Nothing else: rows of the old table the rule drops are gone.
    for (const id of after.keys()) expect(kept.possibly.has(id) || load.expected.has(id)).toBe(true);
    const now = await definitionOf(db);
    expect(now!.oid).not.toBe(before!.oid);
    expect(now!.indexes).toEqual(before!.indexes);
    expect(now!.constraints).toEqual(before!.constraints);
    expect(now!.constraints.find((c) => c.name === 'UserSession_userId_fkey')?.validated).toBe(true);
    expect(await leftoverObjects(db)).toEqual([]);
    expect(stats.rowsCaptured).toBeGreaterThan(0);
    expect(stats.lockHoldMs).toBeGreaterThan(0);
    expect(stats.verify?.hashesEqual).toBe(true);
    const backup = await db.pool.query('SELECT count(*)::int AS n FROM public.' + `"${stats.backupTable}"`);
    expect(backup.rows[0].n).toBeGreaterThan(after.size);
    expect(events.some((e) => e.type === 'progress' && e.step === 'copy')).toBe(true);
  });

  it('drops the backup in slices from the end of the file, foreign key first', async () => {
    const backups = (
      await db.pool.query(
        `SELECT relname FROM pg_class WHERE relname LIKE 'UserSession_before_rebuild_%' AND relkind = 'r'`,
      )
    ).rows;
    expect(backups.length).toBe(1);
    const events: DropEvent[] = [];
    const r = await dropBackups(connectFor(db), TABLE, { sliceBlocks: 20, pauseMs: 1, onEvent: (e) => events.push(e) });
    expect(r.tables).toEqual([backups[0].relname]);
    expect(r.bytesFreed).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({
      type: 'drop-step',
      action: expect.stringMatching(/drop constraint .*userId_fkey/),
    });
    const slices = events.filter((e) => e.type === 'drop-progress');
    expect(slices.length).toBeGreaterThan(2);
    expect(events[events.length - 1]).toMatchObject({ type: 'drop-step', action: 'drop table' });
    expect(
      (await db.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'UserSession_before_rebuild_%'`))
        .rows[0].n,
    ).toBe(0);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM "UserSession"')).rows[0].n).toBeGreaterThan(0);
  });
});
