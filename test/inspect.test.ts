import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { createPool } from '../src/db.js';
import { EXIT, ToolError } from '../src/errors.js';
import { inspect } from '../src/inspect.js';
import { parseConfig, type ConnectionTarget } from '../src/config.js';
import { createTestDatabase, seedHatchet, TABLE, urlFor, type TestDatabase } from './helpers.js';

async function inspectError(db: pg.Pool, table = TABLE): Promise<ToolError> {
  try {
    await inspect(db, table);
  } catch (err) {
    return err as ToolError;
  }
  throw new Error('inspect did not refuse');
}

describe('a good Hatchet table', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('inspect_good');
    await seedHatchet(db, 200);
  });
  afterAll(() => db.drop());

  test('reports version, index, privileges and migration', async () => {
    const result = await inspect(db.pool, TABLE);
    expect(result.serverVersionNum).toBeGreaterThanOrEqual(140000);
    expect(result.serverVersion).toMatch(/^\d+/);
    expect(result.createdAtIndex).toBe('valid');
    expect(result.canDelete).toBe(true);
    expect(result.isOwner).toBe(true);
    expect(result.readOnly).toBe(false);
    expect(result.inRecovery).toBe(false);
    expect(result.hatchetMigration).toBe('20250519145912');
    expect(result.writeBlockers).toEqual([]);
  });

  test('an INVALID index left by an interrupted build is reported as such', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    await other.query(
      `UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_user_session_cre_at_exp_at'::regclass`,
    );
    await other.end();
    expect((await inspect(db.pool, TABLE)).createdAtIndex).toBe('invalid');
    await db.pool.query('DROP INDEX ix_user_session_cre_at_exp_at');
    expect((await inspect(db.pool, TABLE)).createdAtIndex).toBe('missing');
  });

  test('--read-only: the server refuses writes and the inspection says so', async () => {
    const ro = createPool(db.target, { connectTimeoutMs: 5000, readOnly: true });
    try {
      const result = await inspect(ro, TABLE);
      expect(result.readOnly).toBe(true);
      expect(result.writeBlockers.join()).toMatch(/read-only/);
      await expect(ro.query('DELETE FROM "UserSession"')).rejects.toThrow(/read-only transaction/);
    } finally {
      await ro.end();
    }
  });

  test('a role with SELECT only: inspection works, writes explain the missing grant', async () => {
    const role = `reader_${db.name}`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-password'`);
    await db.pool.query(`GRANT SELECT ON "UserSession" TO ${role}`);
    const target = parseConfig(['--database-url', urlFor(db.name, role, 'reader-password')]).target as ConnectionTarget;
    const reader = createPool(target, { connectTimeoutMs: 5000, readOnly: false });
    try {
      const result = await inspect(reader, TABLE);
      expect(result.canDelete).toBe(false);
      expect(result.isOwner).toBe(false);
      expect(result.writeBlockers.join()).toContain(`GRANT DELETE ON "UserSession" TO "${role}"`);
    } finally {
      await reader.end();
      await db.pool.query(`REVOKE ALL ON "UserSession" FROM ${role}`);
      await db.pool.query(`DROP ROLE ${role}`);
    }
  });
});

describe("tables that are not Hatchet's", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('inspect_bad');
  });
  afterAll(() => db.drop());

  test('missing table: exit 4 with the fix', async () => {
    const err = await inspectError(db.pool);
    expect(err.exitCode).toBe(EXIT.table);
    expect(err.message).toMatch(
      /table "public.UserSession" not found in database ".+"\. Check the database name and --schema/,
    );
  });

  test('a column of the wrong type: exit 4 naming the column', async () => {
    await db.pool
      .query(`CREATE TABLE "UserSession" (id uuid NOT NULL, "createdAt" timestamp(3) NOT NULL, "updatedAt" timestamp(3) NOT NULL,
      "userId" uuid, data jsonb, "expiresAt" text NOT NULL)`);
    const err = await inspectError(db.pool);
    expect(err.exitCode).toBe(EXIT.table);
    expect(err.message).toContain('column "expiresAt" is text, expected timestamp(3)');
    await db.pool.query(`DROP TABLE "UserSession"`);
  });

  test('a missing column: exit 4 naming it', async () => {
    await db.pool
      .query(`CREATE TABLE "UserSession" (id uuid NOT NULL, "createdAt" timestamp(3) NOT NULL, "updatedAt" timestamp(3) NOT NULL,
      "userId" uuid, "expiresAt" timestamp(3) NOT NULL)`);
    const err = await inspectError(db.pool);
    expect(err.message).toContain('column "data" is missing');
    await db.pool.query(`DROP TABLE "UserSession"`);
  });

  test('a schema whose name needs quoting', async () => {
    const table = { schema: 'we"ird; DROP TABLE x; --', name: 'UserSession' };
    await seedHatchet(db, 50, true, table);
    const result = await inspect(db.pool, table);
    expect(result.createdAtIndex).toBe('valid');
    expect((await inspectError(db.pool)).exitCode).toBe(EXIT.table); // public has no table
  });
});
