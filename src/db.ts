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
 * wal_compression for this connection: the first of `methods` the server accepts (sql/session/wal_compression_set.sql). A
 * role that may not set it (not a superuser) keeps the server's setting, quietly. Returns the value in effect.
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
