import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { adminQuery, createTestDatabase, seedHatchet, TABLE, urlFor, type TestDatabase } from '../helpers.js';
import { runRebuild } from '../../src/rebuild/runner.js';
import { dropBackups, type DropEvent } from '../../src/rebuild/backup.js';
import { connectFor, snapshotRows } from './util.js';

// Dropping the backup of a drained table: every row dead but the newest, at the end of the file. After the first
// slice, VACUUM finds the whole file empty; the yielding connection makes it give the file back in chunks. A drop
// cut off anywhere (its connections terminated) is finished by running it again.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rebuild_drop');
});
afterAll(async () => {
  await db?.drop();
});

/** A rebuilt table whose backup looks drained: every row of its first blocks deleted (dead, not vacuumed). */
async function drainedBackup(): Promise<string> {
  await db.pool.query('DROP SCHEMA public CASCADE');
  await db.pool.query('CREATE SCHEMA public');
  await seedHatchet(db, 20_000);
  const stats = await runRebuild(connectFor(db), TABLE);
  const backup = `public."${stats.backupTable}"`;
  const blocks = Number((await db.pool.query(`SELECT pg_relation_size('${backup}') / 8192 AS b`)).rows[0].b);
  await db.pool.query(`DELETE FROM ${backup} WHERE ctid < '(${blocks - 8},0)'`);
  return stats.backupTable;
}

const backupsLeft = async () =>
  Number(
    (await db.pool.query(`SELECT count(*) AS n FROM pg_class WHERE relname LIKE 'UserSession_before_rebuild_%'`))
      .rows[0].n,
  );

describe('dropping a drained backup', () => {
  it('gives the file back and drops it, with the yielding connection on', async () => {
    await drainedBackup();
    const rows = await snapshotRows(db);
    const events: DropEvent[] = [];
    const r = await dropBackups(connectFor(db), TABLE, {
      sliceBlocks: 4,
      pauseMs: 1,
      maxFreeMBps: 1000,
      onEvent: (e) => events.push(e),
    });
    expect(r.tables.length).toBe(1);
    expect(events.filter((e) => e.type === 'drop-progress').length).toBeGreaterThan(0);
    expect(await backupsLeft()).toBe(0);
    expect(await snapshotRows(db)).toEqual(rows);
  });

  it('cut off while giving the heap back (connections terminated), then run again: the backup is gone, nothing else changed', async () => {
    await drainedBackup();
    const rows = await snapshotRows(db);
    let killed = false;
    const first = await dropBackups(connectFor(db), TABLE, {
      sliceBlocks: 4,
      pauseMs: 1,
      maxFreeMBps: 1000,
      onEvent: (e) => {
        if (e.type === 'drop-progress' && !killed) {
          killed = true;
          // Every connection of the drop (the VACUUM's and the yielding one, when there) ends now, as by a crash.
          setTimeout(() => {
            void adminQuery(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'hatchet-sessions rebuild test'`,
              [db.name],
            );
          }, 5);
        }
      },
    }).then(
      () => 'completed',
      (err: Error) => err,
    );
    expect(killed).toBe(true);
    expect(first).toBeInstanceOf(Error);
    expect(await backupsLeft()).toBe(1);
    await dropBackups(connectFor(db), TABLE, { sliceBlocks: 4, pauseMs: 1, maxFreeMBps: 1000 });
    expect(await backupsLeft()).toBe(0);
    expect(await snapshotRows(db)).toEqual(rows);
  });

  it('run by an owner that is not a superuser: wal_compression stays as it is, quietly, and the drop completes', async () => {
    const backup = await drainedBackup();
    const role = `drop_owner_${db.name}`.slice(0, 60);
    await adminQuery(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD 'owner-secret'`);
    try {
      await db.pool.query(`GRANT ALL ON SCHEMA public TO ${pg.escapeIdentifier(role)}`);
      await db.pool.query(`ALTER TABLE public."${backup}" OWNER TO ${pg.escapeIdentifier(role)}`);
      await db.pool.query(`ALTER TABLE public."UserSession" OWNER TO ${pg.escapeIdentifier(role)}`);
      const url = urlFor(db.name, role, 'owner-secret');
      const events: DropEvent[] = [];
      const r = await dropBackups(
        async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          return c;
        },
        TABLE,
        { sliceBlocks: 4, pauseMs: 1, maxFreeMBps: 1000, onEvent: (e) => events.push(e) },
      );
      expect(r.tables).toEqual([backup]);
      expect(await backupsLeft()).toBe(0);
    } finally {
      await db.pool.query(`ALTER TABLE public."UserSession" OWNER TO CURRENT_USER`).catch(() => {});
    }
  });
});
