import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readGrowth } from '../src/growth.js';
import { growthJson, growthText } from '../src/commands/growth.js';
import { sparkline } from '../src/format.js';
import { sql } from '../src/sql.js';
import { createHatchetSchema, createTestDatabase, runCli, seedHatchet, TABLE, type TestDatabase } from './helpers.js';

describe('growth figures on a known history', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('growth');
    await createHatchetSchema(db);
    const user = (
      await db.pool.query(`INSERT INTO "User" (id, email) VALUES (gen_random_uuid(), 'g@example.com') RETURNING id`)
    ).rows[0].id;
    const at = async (n: number, createdAt: string, auth = false) =>
      db.pool.query(
        `INSERT INTO "UserSession" (id, "createdAt", "updatedAt", "userId", "expiresAt")
         SELECT gen_random_uuid(), t, t, $2, t + INTERVAL '30 days' FROM (SELECT ${createdAt} AS t) s, generate_series(1, $1::int)`,
        [n, auth ? user : null],
      );
    const hour = (k: number) => `date_trunc('hour', NOW()::timestamp) - INTERVAL '${k} hours' + INTERVAL '5 minutes'`;
    const day = (k: number) => `date_trunc('day', NOW()::timestamp) - INTERVAL '${k} days' + INTERVAL '1 hour'`;
    await at(3, hour(2));
    await at(1, hour(2), true);
    await at(5, hour(10));
    await at(2, hour(30));
    await at(4, day(3));
    await at(1, day(20), true);
    await at(2, `NOW()::timestamp - INTERVAL '10 minutes'`);
    await at(1, `NOW()::timestamp - INTERVAL '24 hours 30 minutes'`);
  });
  afterAll(() => db.drop());

  test('hourly buckets, empty hours included', async () => {
    const g = await readGrowth(db.pool, TABLE);
    expect(g.hourly).toHaveLength(48);
    expect(g.hourly[45]).toMatchObject({ anonymous: 3, authenticated: 1 });
    expect(g.hourly[37]).toMatchObject({ anonymous: 5, authenticated: 0 });
    expect(g.hourly[17]).toMatchObject({ anonymous: 2, authenticated: 0 });
    for (let i = 1; i < 48; i++) expect(g.hourly[i].start.getTime() - g.hourly[i - 1].start.getTime()).toBe(3_600_000);
    const inWindow = await db.pool.query(
      `SELECT count(*)::int AS n FROM "UserSession" WHERE "createdAt" >= date_trunc('hour', NOW()::timestamp) - INTERVAL '47 hours'`,
    );
    expect(g.hourly.reduce((sum, b) => sum + b.anonymous + b.authenticated, 0)).toBe(inWindow.rows[0].n);
    expect(g.hourly.filter((b) => b.anonymous + b.authenticated === 0).length).toBeGreaterThanOrEqual(40);
  });

  test('daily buckets, empty days included', async () => {
    const g = await readGrowth(db.pool, TABLE);
    expect(g.daily).toHaveLength(30);
    expect(g.daily[9]).toMatchObject({ anonymous: 0, authenticated: 1 });
    expect(g.daily[26].anonymous).toBe(4);
    expect(g.daily.reduce((sum, b) => sum + b.anonymous + b.authenticated, 0)).toBe(19);
    expect(g.daily.filter((b) => b.anonymous + b.authenticated === 0).length).toBeGreaterThanOrEqual(24);
  });

  test('rates now and a day ago, and the projection', async () => {
    const g = await readGrowth(db.pool, TABLE);
    expect(g.perHourNow).toBe(2);
    expect(g.anonymousPerHourNow).toBe(2);
    expect(g.perHour24hAgo).toBe(1);
    expect(g.projectedRowsPerDay).toBe(48);
    expect(Math.abs(g.projectedBytesPerDay - 48 * g.bytesPerRow)).toBeLessThanOrEqual(24); // bytesPerRow is rounded
    expect(g.bytesPerRow).toBeGreaterThan(0);
  });

  test('growth --json and text output', async () => {
    const result = await runCli(['growth', '--json'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.hourly).toHaveLength(48);
    expect(json.hourly[45]).toMatchObject({ anonymous: 3, authenticated: 1 });
    expect(json.perHourNow).toBe(2);
    const text = growthText(await readGrowth(db.pool, TABLE));
    expect(text).toContain('Rate now: 2/h (2 anonymous); 24 h ago: 1/h');
    expect(growthJson(await readGrowth(db.pool, TABLE)).daily[9].start).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

test('sparkline: zero is visible, the largest is full', () => {
  expect(sparkline([0, 1, 4, 8])).toBe('·▂▅█');
  expect(sparkline([0, 0])).toBe('··');
});

describe("ranges on createdAt use Hatchet's index when it exists", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('growth_plan');
    await seedHatchet(db, 30_000);
  });
  afterAll(() => db.drop());

  test('with the index: an index scan; without: a sequential scan', async () => {
    const plan = async (name: string) =>
      (await db.pool.query(`EXPLAIN ${sql(name, TABLE).replace(/^--.*$/gm, '')}`)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    expect(await plan('inspect/growth_hourly')).toContain('ix_user_session_cre_at_exp_at');
    expect(await plan('inspect/recent_created')).toContain('ix_user_session_cre_at_exp_at');
    expect(await plan('inspect/growth_rates')).toContain('ix_user_session_cre_at_exp_at');
    await db.pool.query('DROP INDEX ix_user_session_cre_at_exp_at');
    expect(await plan('inspect/growth_hourly')).toContain('Seq Scan');
  });
});
