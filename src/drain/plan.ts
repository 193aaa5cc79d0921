/** Before a drain: the rule in words, the statements it runs, the table's size, an estimate, and the server it needs. */

import type pg from 'pg';
import { withTransaction } from '../db.js';
import { EXIT, ToolError } from '../errors.js';
import { rawSql, sql, type TableRef } from '../sql.js';
import { isConnectionLoss } from './connection.js';
import type { DrainPlan } from './types.js';

/** Hatchet's rule in words, for screens and --dry-run. */
export const RULE_IN_WORDS =
  'a session is deleted when it has expired ("expiresAt" before the server\'s NOW()), or when it is anonymous ' +
  '("userId" IS NULL) and older than 24 hours; everything else is kept';

/** The lowest server the sweep runs on: TID Range Scan came with PostgreSQL 14. */
export const MIN_SERVER_VERSION_NUM = 140_000;

const stripComments = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n');

/** The statements a drain runs, as printed before it runs. */
export function drainSql(table: TableRef): string {
  return [
    `-- each batch, in its own transaction (SET LOCAL lock_timeout, statement_timeout):`,
    sql('drain/batch', table),
    `-- a range where a row is locked by someone else, and near --max-rows:`,
    sql('drain/batch_skip_locked', table),
    `-- $1 = '(b,0)', $2 = '(b+n,0)': block ranges from 0 to the table's size when the drain starts`,
  ].join('\n');
}

/** Block count and a cheap estimate of what a drain would delete (a sample of about 2,000 blocks). */
export async function planDrain(db: pg.Pool | pg.ClientBase, table: TableRef): Promise<DrainPlan> {
  const meta = (await db.query(sql('drain/table_blocks', table), [table.schema, table.name])).rows[0];
  if (!meta) throw new ToolError(`table "${table.schema}.${table.name}" not found.`, EXIT.table);
  const blocksTotal = Number(meta.blocks);
  const percent = blocksTotal <= 2000 ? 100 : Math.max(0.01, Math.min(100, (100 * 2000) / blocksTotal));
  const est = (await db.query(sql('drain/estimate', table), [percent])).rows[0];
  return {
    blocksTotal,
    heapBytes: Number(meta.heap_bytes),
    blockSize: Number(meta.block_size),
    serverVersionNum: Number(meta.server_version_num),
    estimatedDeletable: Number(est.deletable),
    estimatedTotal: Number(est.total),
    sampledPercent: percent,
    sql: drainSql(table),
    statements: [
      { when: 'each batch (blocks $1 to $2), in its own transaction:', sql: stripComments(sql('drain/batch', table)) },
      {
        when: 'a range where someone else holds a row lock (rows skipped), and near --max-rows:',
        sql: stripComments(sql('drain/batch_skip_locked', table)),
      },
    ],
  };
}

/** Exact count of the rows the rule makes deletable now (a full scan). */
export async function countDeletable(db: pg.Pool | pg.ClientBase, table: TableRef): Promise<number> {
  return Number((await db.query(sql('drain/remaining', table))).rows[0].deletable);
}

export function checkServerVersion(versionNum: number, version?: string): void {
  if (versionNum < MIN_SERVER_VERSION_NUM) {
    throw new ToolError(
      `the drain needs PostgreSQL 14 or newer (TID range scans); this server is ${version ?? versionNum}. Upgrade PostgreSQL, or run Hatchet's own cleanup.`,
      EXIT.usage,
    );
  }
}

/**
 * The table's size when the drain starts (sql/drain/table_blocks.sql), in one try. pg_relation_size() takes a lock
 * on the table, so the read runs under the batches' lock_timeout and the caller retries it like a batch: the drain
 * never queues behind a DDL lock (and the live API never queues behind the drain).
 */
export async function readTableBlocks(
  c: pg.ClientBase,
  table: TableRef,
  lockTimeoutMs: number,
): Promise<Record<string, unknown> | undefined> {
  return withTransaction(
    c,
    async () => {
      await c.query(rawSql('drain/batch_settings'), [String(lockTimeoutMs), String(30_000), null]);
      return (await c.query(sql('drain/table_blocks', table), [table.schema, table.name])).rows[0] as
        Record<string, unknown> | undefined;
    },
    { skipRollback: isConnectionLoss },
  );
}
