import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, seedHatchet, type TestDatabase } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('smoke');
  await seedHatchet(db, 1000);
});
afterAll(() => db.drop());

test('the test server runs and seeds Hatchet-shaped data', async () => {
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM "UserSession"');
  expect(rows[0].n).toBe(1000);
});
