import type pg from 'pg';
import { sql, type TableRef } from './sql.js';
import { CREATED_AT_INDEX, type Inspection } from './inspect.js';
import { withTransaction } from './db.js';

export interface Counts {
  total: number;
  anonymous: number;
  authenticated: number;
  expired: number;
  deletable: number;
  kept: number;
  createdLastHour: number;
  createdLast24h: number;
  anonymousLastHour: number;
  /** The server's NOW() the counts were evaluated at. */
  asOf: Date;
}

export interface Sizes {
  heapBytes: number;
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  totalBytes: number;
  pages: number;
  estimatedRows: number;
  liveTuples: number;
  deadTuples: number;
  /** Cumulative inserts and deletes since the statistics were reset: rates come from their deltas. */
  insertedTotal: number;
  deletedTotal: number;
  lastVacuum: Date | null;
  lastAutovacuum: Date | null;
  lastAnalyze: Date | null;
  lastAutoanalyze: Date | null;
  blockSize: number;
  asOf: Date;
}

const num = (v: unknown) => Number(v ?? 0);

export function countsFromRow(row: Record<string, unknown>): Counts {
  const total = num(row.total);
  const deletable = num(row.deletable);
  return {
    total,
    anonymous: num(row.anonymous),
    authenticated: num(row.authenticated),
    expired: num(row.expired),
    deletable,
    kept: total - deletable,
    createdLastHour: num(row.created_last_hour),
    createdLast24h: num(row.created_last_24h),
    anonymousLastHour: num(row.anonymous_last_hour),
    asOf: row.as_of as Date,
  };
}

export function sizesFromRow(row: Record<string, unknown>): Sizes {
  return {
    heapBytes: num(row.heap_bytes),
    tableBytes: num(row.table_bytes),
    indexBytes: num(row.index_bytes),
    toastBytes: num(row.toast_bytes),
    totalBytes: num(row.total_bytes),
    pages: num(row.pages),
    estimatedRows: num(row.estimated_rows),
    liveTuples: num(row.live_tuples),
    deadTuples: num(row.dead_tuples),
    insertedTotal: num(row.inserted_total),
    deletedTotal: num(row.deleted_total),
    lastVacuum: (row.last_vacuum as Date) ?? null,
    lastAutovacuum: (row.last_autovacuum as Date) ?? null,
    lastAnalyze: (row.last_analyze as Date) ?? null,
    lastAutoanalyze: (row.last_autoanalyze as Date) ?? null,
    blockSize: num(row.block_size),
    asOf: row.as_of as Date,
  };
}

export async function readSizes(db: pg.Pool | pg.ClientBase, table: TableRef): Promise<Sizes> {
  const { rows } = await db.query(sql('inspect/table_sizes', table), [table.schema, table.name]);
  return sizesFromRow(rows[0]);
}

/** Exact counts and sizes in one read-only snapshot (one full scan of the table). */
export async function exactStatus(
  pool: pg.Pool,
  table: TableRef,
  timeoutMs = 120_000,
): Promise<{ counts: Counts; sizes: Sizes }> {
  return withTransaction(
    pool,
    async (client) => {
      const counts = countsFromRow((await client.query(sql('inspect/status_counts', table))).rows[0]);
      const sizes = await readSizes(client, table);
      return { counts, sizes };
    },
    { isolation: 'repeatable read', readOnly: true, statementTimeoutMs: timeoutMs },
  );
}

/** The object `status --json` prints. */
export function statusReport(inspection: Inspection, counts: Counts, sizes: Sizes) {
  return {
    total: counts.total,
    anonymous: counts.anonymous,
    authenticated: counts.authenticated,
    expired: counts.expired,
    deletable: counts.deletable,
    kept: counts.kept,
    createdLastHour: counts.createdLastHour,
    createdLast24h: counts.createdLast24h,
    tableBytes: sizes.tableBytes,
    indexBytes: sizes.indexBytes,
    toastBytes: sizes.toastBytes,
    totalBytes: sizes.totalBytes,
    deadTuples: sizes.deadTuples,
    hasCreatedAtIndex: inspection.createdAtIndex === 'valid',
    createdAtIndex: inspection.createdAtIndex,
    createdAtIndexName: CREATED_AT_INDEX,
    serverVersion: inspection.serverVersion,
    readOnly: inspection.readOnly,
    inRecovery: inspection.inRecovery,
    canDelete: inspection.canDelete,
    ownsTable: inspection.isOwner,
    hatchetMigration: inspection.hatchetMigration,
    unfinishedRebuild: inspection.unfinishedRebuild,
    asOf: counts.asOf.toISOString(),
  };
}
