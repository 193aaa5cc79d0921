import type pg from 'pg';
import type { ConnectionTarget } from './config.js';
import { connectClient } from './db.js';
import { describeError } from './errors.js';
import { CREATED_AT_INDEX } from './inspect.js';
import { Operation } from './operation.js';
import { rawSql, sql, type TableRef } from './sql.js';

export interface IndexBuildProgress {
  /** pg_stat_progress_create_index's phase, e.g. "building index: scanning table". */
  phase: string;
  blocksDone: number;
  blocksTotal: number;
  tuplesDone: number;
  tuplesTotal: number;
  elapsedMs: number;
}

export type IndexBuildEvent =
  | {
      type: 'step';
      step: 'checking' | 'dropping-invalid' | 'building' | 'done' | 'exists' | 'cancelled' | 'failed';
      message: string;
    }
  | { type: 'progress'; progress: IndexBuildProgress }
  | { type: 'result'; result: IndexBuildResult };

export interface IndexBuildResult {
  outcome: 'created' | 'exists' | 'cancelled' | 'failed';
  droppedInvalid: boolean;
  durationMs: number;
  error?: string;
}

export interface IndexBuildOptions {
  target: ConnectionTarget;
  table: TableRef;
  /** Pool for the state and progress queries (the build runs on its own connection). */
  pool: pg.Pool;
  connectTimeoutMs: number;
  pollMs?: number;
  /** Aborted: cancel the build (as abort()). */
  signal?: AbortSignal;
}

/** What the index screen shows of a build: its last step in words, its progress, and its result once it ended. */
export interface IndexBuildState {
  step?: string;
  progress?: IndexBuildProgress;
  result?: IndexBuildResult;
}

/** The statements create-index runs, as printed before they run. */
export function createIndexSql(table: TableRef): string {
  return [
    '-- only when an INVALID leftover of an interrupted build exists:',
    sql('index/drop_invalid', table),
    "-- then, exactly as Hatchet's migration 20260707141853_v1_0_125:",
    sql('index/create', table),
  ].join('\n');
}

export async function indexState(
  pool: pg.Pool | pg.ClientBase,
  table: TableRef,
): Promise<'valid' | 'invalid' | 'missing'> {
  const row = (await pool.query(sql('inspect/index', table), [table.schema, CREATED_AT_INDEX])).rows[0];
  return row ? (row.valid ? 'valid' : 'invalid') : 'missing';
}

/**
 * Build Hatchet's createdAt index as its migration does (CREATE INDEX CONCURRENTLY IF NOT EXISTS), after
 * dropping an INVALID leftover. Progress comes from pg_stat_progress_create_index. abort() (or its signal) cancels
 * the build; the INVALID leftover it leaves is dropped at once (or by the next run). Its snapshot (src/operation.ts)
 * is its last step, its progress and its result.
 */
export class IndexBuild extends Operation<IndexBuildState, IndexBuildEvent> {
  private buildPid: number | null = null;
  private started?: Promise<IndexBuildResult>;

  constructor(private readonly opts: IndexBuildOptions) {
    super({}, opts.signal);
  }

  private get cancelled(): boolean {
    return this.signal.aborted;
  }

  private emit(e: Exclude<IndexBuildEvent, { type: 'result' }>): void {
    this.publish(e, e.type === 'progress' ? { progress: e.progress } : { step: e.message });
  }

  start(): Promise<IndexBuildResult> {
    this.started ??= this.run().then((result) => {
      this.publish({ type: 'result', result }, { result });
      return result;
    });
    return this.started;
  }

  /** abort(): cancel the build's statement (its leftover is then dropped). */
  protected override onAbort(): void {
    if (this.buildPid !== null)
      void this.opts.pool.query(rawSql('session/cancel_backend'), [this.buildPid]).catch(() => {});
  }

  private async run(): Promise<IndexBuildResult> {
    const { table, pool } = this.opts;
    const t0 = Date.now();
    let droppedInvalid = false;
    let client: pg.Client | undefined;
    let poller: NodeJS.Timeout | undefined;
    try {
      this.emit({ type: 'step', step: 'checking', message: `checking ${CREATED_AT_INDEX}` });
      const state = await indexState(pool, table);
      if (state === 'valid') {
        this.emit({
          type: 'step',
          step: 'exists',
          message: `${CREATED_AT_INDEX} already exists and is valid: nothing to do`,
        });
        return { outcome: 'exists', droppedInvalid, durationMs: Date.now() - t0 };
      }
      // No statement_timeout: a concurrent build waits for older transactions and scans the table twice.
      client = await connectClient(this.opts.target, {
        connectTimeoutMs: this.opts.connectTimeoutMs,
        readOnly: false,
        statementTimeoutMs: 0,
        applicationName: 'hatchet-sessions create-index',
      });
      this.buildPid = Number((await client.query(rawSql('session/backend_pid'))).rows[0].pid);
      if (state === 'invalid') {
        this.emit({
          type: 'step',
          step: 'dropping-invalid',
          message: `dropping the INVALID leftover of an interrupted build`,
        });
        await client.query(sql('index/drop_invalid', table));
        droppedInvalid = true;
      }
      if (this.cancelled) throw Object.assign(new Error('cancelled'), { code: '57014' });
      this.emit({ type: 'step', step: 'building', message: `CREATE INDEX CONCURRENTLY ${CREATED_AT_INDEX}` });
      const poll = async () => {
        const row = (await pool.query(rawSql('index/progress'), [this.buildPid]).catch(() => ({ rows: [] }))).rows[0];
        if (!row) return;
        this.emit({
          type: 'progress',
          progress: {
            phase: row.phase,
            blocksDone: Number(row.blocks_done),
            blocksTotal: Number(row.blocks_total),
            tuplesDone: Number(row.tuples_done),
            tuplesTotal: Number(row.tuples_total),
            elapsedMs: Date.now() - t0,
          },
        });
      };
      poller = setInterval(() => void poll(), this.opts.pollMs ?? 1000);
      await client.query(sql('index/create', table));
      clearInterval(poller);
      this.emit({ type: 'step', step: 'done', message: `${CREATED_AT_INDEX} created` });
      return { outcome: 'created', droppedInvalid, durationMs: Date.now() - t0 };
    } catch (err) {
      if (poller) clearInterval(poller);
      const cancelled = this.cancelled && (err as { code?: string }).code === '57014';
      if (cancelled && client) {
        // The cancelled build leaves an INVALID index behind: remove it now.
        await client.query(sql('index/drop_invalid', table)).catch(() => {});
      }
      const message = cancelled ? 'cancelled; no index left behind' : describeError(err);
      this.emit({ type: 'step', step: cancelled ? 'cancelled' : 'failed', message });
      return {
        outcome: cancelled ? 'cancelled' : 'failed',
        droppedInvalid,
        durationMs: Date.now() - t0,
        ...(cancelled ? {} : { error: message }),
      };
    } finally {
      await client?.end().catch(() => {});
    }
  }
}
