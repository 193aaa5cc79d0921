import pg from 'pg';
import { APPLICATION_NAME, type ConnectionTarget } from './config.js';
import { connectionError } from './errors.js';
import { rawSql } from './sql.js';

export interface PoolOptions {
  connectTimeoutMs: number;
  readOnly: boolean;
  /** Default statement_timeout for every statement on these connections. */
  statementTimeoutMs?: number;
  max?: number;
  applicationName?: string;
}

export function clientConfig(target: ConnectionTarget, opts: PoolOptions): pg.ClientConfig {
  const e = target.endpoint;
  const settings = [`-c statement_timeout=${opts.statementTimeoutMs ?? 30_000}`];
  // The server itself then refuses every write on our connections.
  if (opts.readOnly) settings.push('-c default_transaction_read_only=on');
  return {
    host: e.host,
    port: e.port,
    database: e.database,
    user: e.user,
    password: target.password ?? '',
    ssl: target.ssl,
    application_name: opts.applicationName ?? APPLICATION_NAME,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    options: settings.join(' '),
  };
}

/** One pool per process. Errors on idle clients (a restarted server) are absorbed; the next query reconnects. */
export function createPool(target: ConnectionTarget, opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(target, opts), max: opts.max ?? 4, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {});
  return pool;
}

/** A single dedicated connection (drain batches, advisory locks), connected or a ToolError (exit 3). */
export async function connectClient(target: ConnectionTarget, opts: PoolOptions): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(target, opts));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw connectionError(err, target.endpoint);
  }
  return client;
}

/** Check that the server answers, turning failure into one readable line (exit 3). */
export async function checkConnection(pool: pg.Pool, target: ConnectionTarget): Promise<void> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    throw connectionError(err, target.endpoint);
  }
}

/**
 * wal_compression for this connection: the first of `methods` the server accepts
 * (sql/session/wal_compression_set.sql). A role that may not set it (not a superuser) keeps the server's setting,
 * quietly. Returns the value in effect.
 */
export async function setWalCompression(c: pg.ClientBase, methods: string[]): Promise<string> {
  for (const method of methods) {
    try {
      await c.query(rawSql('session/wal_compression_set'), [method]);
      break;
    } catch (err) {
      // 22023: this server was built without `method` (or is PostgreSQL 14, where it is on/off); try the next.
      if ((err as { code?: string }).code !== '22023') break;
    }
  }
  return String((await c.query(rawSql('session/wal_compression_current'))).rows[0].value);
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
  /** statement_timeout for this transaction only (sql/session/set_local.sql): it ends with it, never leaks to a pool. */
  statementTimeoutMs?: number;
  /** lock_timeout for this transaction only. */
  lockTimeoutMs?: number;
  /**
   * No ROLLBACK after this error (e.g. a lost connection: there is nothing to roll back, and the caller drops the
   * connection). By default every error rolls back.
   */
  skipRollback?: (err: unknown) => boolean;
}

const ISOLATION = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

/**
 * What a transaction's `fn` returns to end it with ROLLBACK instead of COMMIT, on purpose: it looked at what a
 * statement gave (a result, or an error it expected) and wants none of the transaction. withTransaction returns
 * `value`. Nothing else went wrong, so a ROLLBACK that fails is then the error.
 */
export class RolledBack<R> {
  constructor(readonly value: R) {}
}

/** `return rollback(value)` from a transaction's `fn`: see RolledBack. */
export const rollback = <R>(value: R): RolledBack<R> => new RolledBack(value);

/**
 * `fn` in one transaction: BEGIN (with the isolation level and access mode asked for), the transaction's own
 * timeouts, `fn`, COMMIT (ROLLBACK when `fn` returns rollback(value), and `value` is returned); ROLLBACK when
 * anything throws, then the error is thrown again. Given a pool, it takes a connection and gives it back after
 * (destroyed, not reused, when even the ROLLBACK failed); given a client, the client stays the caller's. The one
 * place the tool writes BEGIN, COMMIT and ROLLBACK.
 */
export async function withTransaction<T>(
  db: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T | RolledBack<T>>,
  options?: TransactionOptions,
): Promise<T>;
export async function withTransaction<C extends pg.ClientBase, T>(
  db: C,
  fn: (client: C) => Promise<T | RolledBack<T>>,
  options?: TransactionOptions,
): Promise<T>;
export async function withTransaction<C extends pg.ClientBase, T>(
  db: pg.Pool | C,
  fn: (client: C) => Promise<T | RolledBack<T>>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db instanceof pg.Pool) {
    // The pool overload: C is pg.PoolClient.
    const client = (await db.connect()) as pg.PoolClient & C;
    let broken = false;
    try {
      return await inTransaction(client, fn, options, () => (broken = true));
    } finally {
      client.release(broken);
    }
  }
  return inTransaction(db, fn, options, () => {});
}

async function inTransaction<C extends pg.ClientBase, T>(
  client: C,
  fn: (client: C) => Promise<T | RolledBack<T>>,
  options: TransactionOptions,
  onBroken: () => void,
): Promise<T> {
  const begin = ['BEGIN'];
  if (options.isolation) begin.push('ISOLATION LEVEL', ISOLATION[options.isolation]);
  if (options.readOnly) begin.push('READ ONLY');
  try {
    await client.query(begin.join(' '));
  } catch (err) {
    onBroken();
    throw err;
  }
  let undone: RolledBack<T>;
  try {
    if (options.statementTimeoutMs !== undefined)
      await client.query(rawSql('session/set_local'), ['statement_timeout', String(options.statementTimeoutMs)]);
    if (options.lockTimeoutMs !== undefined)
      await client.query(rawSql('session/set_local'), ['lock_timeout', String(options.lockTimeoutMs)]);
    const result = await fn(client);
    if (!(result instanceof RolledBack)) {
      await client.query('COMMIT');
      return result;
    }
    undone = result;
  } catch (err) {
    if (!options.skipRollback?.(err)) await client.query('ROLLBACK').catch(() => onBroken());
    else onBroken();
    throw err;
  }
  // Rolled back on purpose: a failure here is the only error there is.
  try {
    await client.query('ROLLBACK');
  } catch (err) {
    onBroken();
    throw err;
  }
  return undone.value;
}
