/** The drain's own connection: the settings it runs with, and which errors lose it or are worth another try. */

import type pg from 'pg';
import { ToolError } from '../errors.js';
import { rawSql } from '../sql.js';

export const DEFAULT_WAL_COMPRESSION = 'auto';

/**
 * The wal_compression methods to try, in order, for a drain at `nice` (null: none, the server's setting stays).
 * Measured at 2.6M rows under a login-like load (docs/benchmarks.md): lz4 halves the WAL and is free at full speed;
 * zstd writes ~20% less again but costs CPU in every batch, so a paced drain writes WAL at about half lz4's rate,
 * which is what the API's commits feel (live p99 17-20 ms against 27-35 ms with lz4, at 128k rows/s against 200k).
 */
export function walCompressionChoices(setting: string | null | undefined, nice: number): string[] {
  if (setting === null) return [];
  if (setting === undefined || setting === 'auto') return nice > 0 ? ['zstd', 'lz4'] : ['lz4'];
  return [setting];
}

/**
 * Writeback in 1 MB runs: interleaved at 1M rows under the login-like load, the live p99 was 11-14 ms with it
 * against 16-22 ms with 256kB (checkpoint_flush_after's default), 11-25 ms with none; at 2.6M rows, noisier,
 * 12-19 ms against 15-40 ms (medians 17.4 and 17.2): no worse there (docs/benchmarks.md).
 */
export const DEFAULT_BACKEND_FLUSH_AFTER = '1MB';

/** Settings of the drain's own connection (sql/drain/session_settings.sql), once after it connects. */
export async function applySessionSettings(c: pg.ClientBase, backendFlushAfter: string | null): Promise<void> {
  await c.query(rawSql('drain/session_settings'), [backendFlushAfter]);
}

/** Errors after which the connection is gone: reconnect, then resume. */
export function isConnectionLoss(err: unknown): boolean {
  // A failed reconnect comes wrapped for the operator; judge it by the driver's error (e.g. 57P03 while the server starts).
  if (err instanceof ToolError && err.cause !== undefined) return isConnectionLoss(err.cause);
  const e = err as { code?: string; message?: string };
  if (e?.code && /^(08|57P0[123])/.test(e.code)) return true;
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code)) return false;
  return /terminated|ECONNRESET|EPIPE|ECONNREFUSED|ENOENT|not queryable|Connection|socket|timeout/i.test(
    String(e?.message ?? err),
  );
}

/** Errors worth another try (after a backoff); anything else stops the drain. */
export function isRetryable(err: unknown): boolean {
  if (isConnectionLoss(err)) return true;
  const code = (err as { code?: string })?.code ?? '';
  // lock_not_available, query_canceled (statement_timeout), serialization, deadlock, out of resources
  return code === '55P03' || code === '57014' || code.startsWith('40') || code.startsWith('53');
}
