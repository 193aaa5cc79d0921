import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase } from '../helpers.js';
import type { RebuildStats } from '../../src/rebuild/events.js';
import { runRebuild } from '../../src/rebuild/runner.js';
import { undoRebuild } from '../../src/rebuild/recover.js';
import { connectFor, definitionOf, leftoverObjects, names, snapshotRows } from './util.js';

// The verification before the swap must catch a new table that is not the kept rows: a row missing, a row too many,
// a row whose content differs. Each case tampers with the new table (from another connection, without going through
// "UserSession", so the capture log knows nothing of it) right before the verify step, and expects the rebuild to
// stop before the swap with "UserSession" untouched.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rebuild_verify');
});
afterAll(async () => {
  await db?.drop();
});

async function fresh(): Promise<void> {
  await db.pool.query('DROP SCHEMA public CASCADE');
  await db.pool.query('CREATE SCHEMA public');
  await seedHatchet(db, 3000);
}

const NEW = `public."${names.newTable}"`;

const TAMPER: Record<string, string> = {
  'a kept row missing': `DELETE FROM ${NEW} WHERE id = (SELECT id FROM ${NEW} ORDER BY id LIMIT 1)`,
  'an extra row': `INSERT INTO ${NEW} (id, "expiresAt") VALUES (gen_random_uuid(), NOW() + INTERVAL '1 day')`,
  'a row whose data differs': `UPDATE ${NEW} SET data = jsonb_build_object('tampered', true) WHERE id = (SELECT id FROM ${NEW} ORDER BY id LIMIT 1)`,
  'a row whose expiresAt differs by a millisecond': `UPDATE ${NEW} SET "expiresAt" = "expiresAt" + INTERVAL '1 millisecond' WHERE id = (SELECT id FROM ${NEW} ORDER BY id LIMIT 1)`,
  'a row swapped for another with the same id': `UPDATE ${NEW} SET "userId" = NULL, data = NULL WHERE id = (SELECT id FROM ${NEW} WHERE "userId" IS NOT NULL ORDER BY id LIMIT 1)`,
};

/** A rebuild that runs `before` (SQL on another connection) right before its verify step. */
async function rebuildTampered(before: string[]): Promise<RebuildStats | Error> {
  return runRebuild(connectFor(db), TABLE, {
    copyBlocks: 8,
    testHook: async (p) => {
      if (p === 'before:verify') for (const q of before) await db.pool.query(q);
    },
  }).then(
    (s) => s,
    (err: Error) => err,
  );
}

describe('verification before the swap', () => {
  it("passes on an untampered rebuild, against the copy's ledger", async () => {
    await fresh();
    const r = await rebuildTampered([]);
    expect(r).not.toBeInstanceOf(Error);
    const v = (r as RebuildStats).verify!;
    expect(v).toMatchObject({ missing: 0, extra: 0, differ: 0, hashesEqual: true, method: 'ledger' });
    expect(v.untouched).toBe((r as RebuildStats).rowsKept);
    expect(await leftoverObjects(db)).toEqual([]);
  });

  for (const [what, q] of Object.entries(TAMPER)) {
    it(`stops before the swap on ${what}`, async () => {
      await fresh();
      const before = await definitionOf(db);
      const rows = await snapshotRows(db);
      const r = await rebuildTampered([q]);
      expect(r).toBeInstanceOf(Error);
      expect((r as Error).message).toMatch(/verification failed before the swap/);
      // "UserSession" is the original table, complete; recover --undo leaves nothing behind.
      expect((await definitionOf(db))!.oid).toBe(before!.oid);
      expect(await snapshotRows(db)).toEqual(rows);
      await undoRebuild(connectFor(db), TABLE);
      expect(await leftoverObjects(db)).toEqual([]);
      expect(await snapshotRows(db)).toEqual(rows);
    });
  }

  it('a copy without a ledger (an earlier version) is verified by one scan of "UserSession", which also catches tampering', async () => {
    await fresh();
    const ok = await rebuildTampered([`DROP TABLE public."${names.copied}"`]);
    expect(ok).not.toBeInstanceOf(Error);
    expect((ok as RebuildStats).verify).toMatchObject({ missing: 0, extra: 0, hashesEqual: true, method: 'scan' });
    for (const q of [TAMPER['a kept row missing']!, TAMPER['an extra row']!, TAMPER['a row whose data differs']!]) {
      await fresh();
      const r = await rebuildTampered([`DROP TABLE public."${names.copied}"`, q]);
      expect(r).toBeInstanceOf(Error);
      expect((r as Error).message).toMatch(/verification failed before the swap/);
      await undoRebuild(connectFor(db), TABLE);
      expect(await leftoverObjects(db)).toEqual([]);
    }
  });
});
