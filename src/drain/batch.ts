/**
 * One batch of the sweep: a block range deleted in its own short transaction, under limits that keep it from
 * queueing behind (or in front of) another session's lock; and the re-read that prunes a range already deleted.
 */

import type pg from 'pg';
import { rollback, withTransaction } from '../db.js';
import { rawSql, sql, type TableRef } from '../sql.js';
import { isConnectionLoss } from './connection.js';
import type { ThrottleSettings } from './throttle.js';

/** Tid literal of the first row slot of a block. */
export const blockTid = (block: number) => `(${block},0)`;

/** The limits a batch runs under (sql/drain/batch_settings.sql). */
export interface BatchLimits {
  /** lock_timeout of the fast path: a row locked by someone else sends the range the careful way at once. */
  fastLockTimeoutMs: number;
  /** lock_timeout of the careful path (table locks only: rows are skipped). */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** 'off' to commit without waiting for the WAL, or null for the server's setting. */
  synchronousCommit: string | null;
}

/** statement_timeout of a batch: 40 times its target, at least 5 s; a batch cancelled by it (57014) halves the next one. */
export const batchStatementTimeoutMs = (settings: Pick<ThrottleSettings, 'targetBatchMs'>) =>
  Math.max(5000, settings.targetBatchMs * 40);

/**
 * synchronous_commit of a batch: off when the drain runs unthrottled (--nice 0, no --max-wal-rate), where speed
 * counts; null (the server's, on by default) when paced, for the live API (sql/drain/batch_settings.sql).
 */
export function batchSynchronousCommit(settings: Pick<ThrottleSettings, 'nice' | 'maxWalMBps'>): string | null {
  return settings.nice === 0 && settings.maxWalMBps === null ? 'off' : null;
}

/** Read a swept range again (sql/drain/prune.sql) under the batch's limits: it never waits on a table lock. */
export async function pruneRange(
  c: pg.ClientBase,
  table: TableRef,
  [from, to]: [number, number],
  limits: Pick<BatchLimits, 'lockTimeoutMs' | 'statementTimeoutMs'>,
): Promise<void> {
  await withTransaction(
    c,
    async () => {
      await c.query(rawSql('drain/batch_settings'), [
        String(limits.lockTimeoutMs),
        String(limits.statementTimeoutMs),
        null,
      ]);
      await c.query(sql('drain/prune', table), [blockTid(from), blockTid(to)]);
    },
    { skipRollback: isConnectionLoss },
  );
}

/**
 * One batch in its own transaction: the number of rows deleted, and its transaction id when it commits without
 * waiting. With a row limit, or when a row in the range is locked by someone else (onLockedRange is called), the
 * range goes the careful way: SKIP LOCKED, up to the limit. After a lost connection no ROLLBACK is sent (the caller
 * reconnects).
 */
export async function deleteRange(
  c: pg.ClientBase,
  table: TableRef,
  [from, to]: [number, number],
  rowLimit: number | null,
  limits: BatchLimits,
  onLockedRange: () => void,
): Promise<{ rows: number; xid: string | null }> {
  const statementTimeout = String(limits.statementTimeoutMs);
  const careful = () =>
    withTransaction(
      c,
      async () => {
        const { xid } = (
          await c.query(rawSql('drain/batch_settings'), [
            String(limits.lockTimeoutMs),
            statementTimeout,
            limits.synchronousCommit,
          ])
        ).rows[0];
        const r = await c.query(sql('drain/batch_skip_locked', table), [
          blockTid(from),
          blockTid(to),
          rowLimit ?? 2_147_483_647,
        ]);
        return { rows: r.rowCount ?? 0, xid };
      },
      { skipRollback: isConnectionLoss },
    );
  if (rowLimit !== null) return careful();
  const fast = await withTransaction(
    c,
    async () => {
      const { xid } = (
        await c.query(rawSql('drain/batch_settings'), [
          String(limits.fastLockTimeoutMs),
          statementTimeout,
          limits.synchronousCommit,
        ])
      ).rows[0];
      try {
        const r = await c.query(sql('drain/batch', table), [blockTid(from), blockTid(to)]);
        return { rows: r.rowCount ?? 0, xid: xid as string | null };
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
        // A row in this range is locked by someone else: roll this transaction back, and do the range again,
        // skipping locked rows.
        return rollback(null);
      }
    },
    { skipRollback: isConnectionLoss },
  );
  if (fast) return fast;
  onLockedRange();
  return careful();
}
