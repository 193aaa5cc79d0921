import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exactStatus, countsFromRow } from '../src/status.js';
import { sql } from '../src/sql.js';
import { createHatchetSchema, createTestDatabase, TABLE, type TestDatabase } from './helpers.js';

let db: TestDatabase;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase('status');
  await createHatchetSchema(db);
  userId = (
    await db.pool.query(`INSERT INTO "User" (id, email) VALUES (gen_random_uuid(), 'a@example.com') RETURNING id`)
  ).rows[0].id;
});
afterAll(() => db.drop());

const insert = `INSERT INTO "UserSession" (id, "createdAt", "updatedAt", "userId", data, "expiresAt")
  VALUES (gen_random_uuid(), NOW() + $1::interval, NOW() + $1::interval, $2, '{}', NOW() + $3::interval)`;

describe('exact counts follow the rule with the server clock', () => {
  test('rows on each side of every boundary, one snapshot', async () => {
    await db.pool.query('TRUNCATE "UserSession"');
    const rows: Array<[string, boolean, string]> = [
      // createdAt offset, authenticated, expiresAt offset
      ['-23 hours -59 minutes', false, '30 days'], // anonymous within the 24 h grace: kept
      ['-24 hours -1 minute', false, '29 days'], // anonymous past the grace: deletable
      ['-2 hours', false, '-1 minute'], // expired: deletable
      ['-40 days', true, '1 minute'], // old but authenticated and valid: kept
      ['-2 days', true, '-1 minute'], // authenticated, expired: deletable
      ['-10 minutes', true, '30 days'], // kept
      ['-30 minutes', false, '1 minute'], // young anonymous: kept
      ['-48 hours', false, '-1 minute'], // deletable
    ];
    for (const [created, auth, expires] of rows) await db.pool.query(insert, [created, auth ? userId : null, expires]);
    const { counts, sizes } = await exactStatus(db.pool, TABLE);
    expect(counts).toMatchObject({
      total: 8,
      anonymous: 5,
      authenticated: 3,
      expired: 3,
      deletable: 4,
      kept: 4,
      createdLastHour: 2,
      createdLast24h: 4,
      anonymousLastHour: 1,
    });
    expect(sizes.totalBytes).toBeGreaterThan(0);
    expect(sizes.tableBytes).toBeGreaterThan(0);
  });

  test('a millisecond either side of NOW() - 24 h and of expiresAt = NOW()', async () => {
    const client = await db.pool.connect();
    try {
      // One transaction: NOW() is the same for the inserts and the count.
      await client.query('BEGIN');
      await client.query('TRUNCATE "UserSession"');
      await client.query(insert, ['-24 hours +1 millisecond', null, '30 days']); // kept
      await client.query(insert, ['-24 hours -1 millisecond', null, '30 days']); // deletable
      await client.query(insert, ['-1 hour', userId, '1 millisecond']); // kept
      await client.query(insert, ['-1 hour', userId, '-1 millisecond']); // deletable
      const counts = countsFromRow((await client.query(sql('inspect/status_counts', TABLE))).rows[0]);
      expect(counts).toMatchObject({ total: 4, deletable: 2, kept: 2, expired: 1 });
      // expiresAt exactly NOW() is not expired (the rule is strict), at full precision.
      const exact = await client.query(
        `SELECT ${sql('rule', TABLE).replace(/^--.*$/gm, '')} AS deletable
           FROM (SELECT NOW()::timestamp AS "expiresAt", NOW()::timestamp - INTERVAL '24 hours' AS "createdAt", NULL::uuid AS "userId") AS r`,
      );
      expect(exact.rows[0].deletable).toBe(false);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
