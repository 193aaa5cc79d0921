import type pg from 'pg';
import { EXIT, ToolError } from '../errors.js';
import { rawSql, type TableRef } from '../sql.js';

/** First key of our advisory locks ("HSES"); the second names the table. Advisory locks are per database. */
export const TOOL_LOCK_KEY = 0x48534553;

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  since: Date;
}

/**
 * The second key: a 32-bit FNV-1a hash of "schema.table". A name, not the table's oid, so the key stays the
 * same when a rebuild swaps in a new table.
 */
export function tableLockKey(table: TableRef): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${table.schema}.${table.name}`, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

const POOLER = new ToolError(
  'the runner lock did not stay with this connection: this looks like a transaction-mode pooler (PgBouncer). ' +
    'Use the direct primary URL (DATABASE_URL or DATABASE_POSTGRES_HOST, not DATABASE_PGBOUNCER_URL).',
  EXIT.usage,
);

/**
 * Try to take the runner lock on `client` (a dedicated, direct connection: the lock lives as long as it).
 * Returns null when taken, or who holds it. `probe` opens a second connection: if it lands on the backend
 * that holds our lock, or the lock is not on our backend, a transaction-mode pooler (PgBouncer) is sharing
 * server connections between clients, and a session lock means nothing: refuse.
 */
export async function tryRunnerLock(
  client: pg.ClientBase,
  key: number,
  probe?: () => Promise<pg.ClientBase & { end(): Promise<void> }>,
): Promise<LockHolder | null> {
  const { acquired, pid } = (await client.query(rawSql('schedule/runner_lock_try'), [TOOL_LOCK_KEY, key])).rows[0];
  if (!acquired) {
    const holder = await lockHolder(client, key);
    // Released between our try and the look-up: report an unknown holder rather than racing again.
    return holder ?? { pid: 0, applicationName: 'unknown', clientAddr: null, since: new Date() };
  }
  const holder = await lockHolder(client, key);
  let shared = false;
  if (probe) {
    const other = await probe();
    try {
      shared = (await other.query(rawSql('session/backend_pid'))).rows[0].pid === pid;
    } finally {
      await other.end().catch(() => {});
    }
  }
  if (!holder || holder.pid !== pid || shared) {
    await releaseRunnerLock(client, key).catch(() => {});
    throw POOLER;
  }
  return null;
}

export async function lockHolder(db: pg.ClientBase | pg.Pool, key: number): Promise<LockHolder | null> {
  const row = (await db.query(rawSql('schedule/runner_lock_holder'), [TOOL_LOCK_KEY, key])).rows[0];
  if (!row) return null;
  return { pid: row.pid, applicationName: row.application_name, clientAddr: row.client_addr, since: row.since };
}

export async function releaseRunnerLock(client: pg.ClientBase, key: number): Promise<void> {
  await client.query(rawSql('schedule/runner_lock_release'), [TOOL_LOCK_KEY, key]);
}
