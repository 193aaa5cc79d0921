import type pg from 'pg';
import { sql, type TableRef } from '../sql.js';

export interface SeedOptions {
  rows: number;
  withIndex: boolean;
  users?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Create Hatchet's tables in table.schema and fill them with a leak-like history (~99.9 % anonymous). */
export async function createSchemaAndSeed(db: pg.ClientBase, table: TableRef, opts: SeedOptions): Promise<void> {
  await db.query(sql('demo/schema', table));
  await seedSessions(db, table, opts);
  if (opts.withIndex) await db.query(sql('index/create', table));
  await db.query(sql('table/analyze', table));
}

export async function seedSessions(db: pg.ClientBase, table: TableRef, opts: SeedOptions): Promise<void> {
  const users = opts.users ?? 9;
  const authenticated = opts.rows === 0 ? 0 : Math.max(users, Math.round(opts.rows * 0.001));
  const perUser = Math.max(1, Math.round(authenticated / users));
  const anonymous = Math.max(0, opts.rows - perUser * users);
  await db.query(sql('demo/users', table), [users]);
  const chunk = 50_000;
  for (let start = 1; start <= anonymous; start += chunk) {
    const end = Math.min(anonymous, start + chunk - 1);
    await db.query(sql('demo/seed_anonymous', table), [start, end, anonymous]);
    opts.onProgress?.(end, opts.rows);
  }
  if (opts.rows > 0) await db.query(sql('demo/seed_authenticated', table), [perUser]);
  opts.onProgress?.(opts.rows, opts.rows);
}
