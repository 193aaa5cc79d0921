/** The drain's own connection: the settings it runs with, and which errors lose it or are worth another try. */

import type pg from 'pg';
import { ToolError } from '../errors.js';
import { rawSql } from '../sql.js';

export const DEFAULT_WAL_COMPRESSION = 'auto';

/**
 * The wal_compression methods to try, in order, for a drain at `nice` (null: none, the server's setting stays).
 * lz4 shrinks the WAL and costs nothing at full speed; zstd shrinks it further but costs CPU in every batch, so a
 * paced drain writes its WAL more slowly, which is what the API's commits feel (figures: docs/benchmarks.md).
 */
export function walCompressionChoices(setting: string | null | undefined, nice: number): string[] {
  if (setting === null) return [];
  if (setting === undefined || setting === 'auto') return nice > 0 ? ['zstd', 'lz4'] : ['lz4'];
  return [setting];
}

/**
 * Writeback in 1 MB runs: the kernel writes the drain's evicted pages as it goes, in runs large enough not to
 * compete with the API's WAL flushes; smaller runs (checkpoint_flush_after's 256kB) or none raised the live p99
 * (figures: docs/benchmarks.md).
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
