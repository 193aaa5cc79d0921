import type pg from 'pg';
import type { ConnectionTarget } from './config.js';
import { connectClient, setWalCompression } from './db.js';
import { EXIT, ToolError, describeError } from './errors.js';
import { rawSql, sql, type TableRef } from './sql.js';
import { WakeableSleep } from './sleep.js';
import {
  DEFAULT_THROTTLE,
  backoffMs,
  describeReason,
  faster as fasterSettings,
  nextBlocks,
  lsnBytes,
  pauseAfterBatch,
  percentile,
  slower as slowerSettings,
  throttleReason,
  type LoadSample,
  type ThrottleReason,
  type ThrottleSettings,
} from './throttle.js';

/** Hatchet's rule in words, for screens and --dry-run. */
export const RULE_IN_WORDS =
  'a session is deleted when it has expired ("expiresAt" before the server\'s NOW()), or when it is anonymous ' +
  '("userId" IS NULL) and older than 24 hours; everything else is kept';

/** The lowest server the sweep runs on: TID Range Scan came with PostgreSQL 14. */
export const MIN_SERVER_VERSION_NUM = 140_000;

export type StopReason = 'done' | 'limit' | 'stopped' | 'error';
export type DrainPhase = 'idle' | 'connecting' | 'sweeping' | 'counting' | 'analyzing' | 'vacuuming' | 'finished';

export interface DrainOptions {
  target: ConnectionTarget;
  table: TableRef;
  connectTimeoutMs: number;
  throttle?: Partial<ThrottleSettings>;
  /** Stop after deleting this many rows (exact). */
  maxRows?: number | null;
  /** Stop sweeping after this long. */
  maxDurationMs?: number | null;
  /** Run VACUUM at the end (ANALYZE always runs). */
  vacuum?: boolean;
  /** Count the deletable rows left at the end (a full scan); default true. */
  countRemaining?: boolean;
  /** Minimum time between two progress events. */
  progressIntervalMs?: number;
  /** How often the replica lag and active backends are read while sweeping. */
  loadCheckMs?: number;
  /** Consecutive failed attempts before the drain gives up. */
  maxRetries?: number;
  /**
   * lock_timeout of the fast path (default 1 ms, the least PostgreSQL allows): a row locked by someone else makes
   * the range go the careful way (SKIP LOCKED) at once.
   */
  fastLockTimeoutMs?: number;
  /** lock_timeout of the careful path (table locks only: rows are skipped). */
  lockTimeoutMs?: number;
  random?: () => number;
  /**
   * backend_flush_after of the drain's connection (default '1MB'): the kernel writes the pages the drain evicts
   * as it goes, instead of the next checkpoint's fsync writing them all at once. null leaves the server's value.
   */
  backendFlushAfter?: string | null;
  /**
   * wal_compression of the drain's connection (sql/session/wal_compression_set.sql): the full-page images that make up most
   * of a drain's WAL shrink, so the live API's commits flush less of it. 'auto' (the default) picks by the nice
   * ratio at connect: zstd for a paced drain (the least WAL and the gentlest on the API, at ~2/3 of lz4's speed),
   * lz4 unthrottled (--nice 0, where speed counts); see walCompressionChoices. Needs a superuser; otherwise, with a
   * method the server lacks, or with null, the server's setting stays.
   */
  walCompression?: string | null;
  /** Read each deleted range once more, one batch later, so its pages are pruned while still in memory (default: when nice > 0). */
  prune?: boolean;
}

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

export interface ThrottleState {
  /** Why the drain waits now: a throttle reason, 'backoff' after an error, or null when it runs. */
  reason: ThrottleReason | 'backoff' | null;
  detail: string;
  replicaLagS: number | null;
  activeBackends: number | null;
}

export interface DrainProgress {
  phase: DrainPhase;
  blocksSwept: number;
  blocksTotal: number;
  rowsDeleted: number;
  batches: number;
  elapsedMs: number;
  rowsPerSecond: number;
  /** Time left at the sweep's pace so far (null until known). */
  etaMs: number | null;
  /** Blocks the next batch will cover. */
  batchBlocks: number;
  lastBatchMs: number;
  lastBatchRows: number;
  /** WAL the sweep's batches wrote so far (bytes, from pg_current_wal_insert_lsn() before and after each). */
  walBytes: number;
  /** That WAL per second of sweep (MB = 2^20 bytes). */
  walMBps: number;
  /** wal_compression in effect on the drain's connection ('' before it connects). */
  walCompression: string;
  targetBatchMs: number;
  nice: number;
  /** --max-wal-rate in MB/s, or null when off. */
  maxWalMBps: number | null;
  /** What set the last pause after a batch: the nice ratio, the WAL-rate limit, or nothing. */
  pauseBy: 'nice' | 'wal-rate' | null;
  paused: boolean;
  stopping: boolean;
  throttle: ThrottleState;
  retries: number;
  reconnects: number;
  lastError: string | null;
}

export interface DrainSummary {
  stopReason: StopReason;
  rowsDeleted: number;
  /** The sweep alone, from the first batch to the last (not the final count, ANALYZE or VACUUM). */
  durationMs: number;
  batches: number;
  rowsPerSecond: number;
  batchMs: { p50: number; p95: number; max: number };
  /** Median batch ms of each tenth of the batches in run order (fewer entries under 10 batches): shows slow-down. */
  batchMsByTenth: number[];
  /** Cost of the sweep per tenth of the batches: batch ms per 1000 blocks swept (batch sizes adapt, so this shows slow-down). */
  msPer1000BlocksByTenth: number[];
  /** Time waiting on replica lag, active backends or error backoff. */
  throttledMs: number;
  /** Time in the pauses after batches (--nice and --max-wal-rate together). */
  niceMs: number;
  /** The part of niceMs the WAL-rate limit added beyond the nice pause. */
  walLimitedMs: number;
  /** WAL the sweep's batches wrote (bytes) and its rate over the sweep (MB/s, 2^20 bytes). */
  walBytes: number;
  walMBps: number;
  /** wal_compression in effect on the drain's connection ('' before it connects). */
  walCompression: string;
  /** Batches that committed without waiting for their WAL (unthrottled: --nice 0 and no --max-wal-rate). */
  asyncCommitBatches: number;
  /** Of those, batches a server crash undid: their ranges were swept again and their rows taken off the count. */
  undoneBatches: number;
  /** Time paused by the operator. */
  pausedMs: number;
  blocksSwept: number;
  blocksTotal: number;
  /** Deletable rows left (rows locked meanwhile, rows that aged past the rule, rows past the swept blocks); null if not counted. */
  remainingDeletable: number | null;
  /** Heap bytes freed for reuse by new rows (now with --vacuum, else after the next autovacuum). */
  reusableBytes: number;
  heapBytes: number;
  liveRowsAfter: number;
  /** Ranges done the careful way because a row was locked. */
  lockedRanges: number;
  retries: number;
  reconnects: number;
  analyzed: boolean;
  vacuumed: boolean;
  /** One line of advice (e.g. rebuild), or null. */
  advice: string | null;
  error?: string;
}

export type DrainEvent =
  | { type: 'phase'; phase: DrainPhase }
  | { type: 'progress'; progress: DrainProgress }
  | { type: 'throttle'; throttle: ThrottleState }
  | { type: 'retry'; error: string; attempt: number; waitMs: number; reconnect: boolean }
  | { type: 'summary'; summary: DrainSummary };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** For each tenth of the batches in order: their total ms per 1000 blocks swept. */
function perBlockByTenth(times: number[], blocks: number[]): number[] {
  const parts = Math.min(10, times.length);
  const out: number[] = [];
  for (let i = 0; i < parts; i++) {
    const from = Math.floor((i * times.length) / parts);
    const to = Math.floor(((i + 1) * times.length) / parts);
    const ms = times.slice(from, to).reduce((a, b) => a + b, 0);
    const n = blocks.slice(from, to).reduce((a, b) => a + b, 0);
    out.push(n > 0 ? round1((ms * 1000) / n) : 0);
  }
  return out;
}

/** Median of each tenth of `times` in order (one entry per batch when there are fewer than 10). */
function byTenth(times: number[]): number[] {
  const parts = Math.min(10, times.length);
  const out: number[] = [];
  for (let i = 0; i < parts; i++) {
    const slice = times.slice(Math.floor((i * times.length) / parts), Math.floor(((i + 1) * times.length) / parts));
    out.push(round1(percentile(slice, 50)));
  }
  return out;
}

/** Tid literal of the first row slot of a block. */
export const blockTid = (block: number) => `(${block},0)`;

/** Errors after which the connection is gone: reconnect, then resume. */
export function isConnectionLoss(err: unknown): boolean {
  // A failed reconnect comes wrapped for the operator; judge it by the driver's error (e.g. 57P03 while the server starts).
  if (err instanceof ToolError && err.cause !== undefined) return isConnectionLoss(err.cause);
  const e = err as { code?: string; message?: string };
  if (e?.code && /^(08|57P0[123])/.test(e.code)) return true;
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code)) return false;
  return /terminated|ECONNRESET|EPIPE|ECONNREFUSED|ENOENT|not queryable|Connection|socket|timeout/i.test(String(e?.message ?? err));
}

/** Errors worth another try (after a backoff); anything else stops the drain. */
export function isRetryable(err: unknown): boolean {
  if (isConnectionLoss(err)) return true;
  const code = (err as { code?: string })?.code ?? '';
  // lock_not_available, query_canceled (statement_timeout), serialization, deadlock, out of resources
  return code === '55P03' || code === '57014' || code.startsWith('40') || code.startsWith('53');
}

/** What the console screen and --dry-run show before a drain. */
export interface DrainPlan {
  blocksTotal: number;
  heapBytes: number;
  blockSize: number;
  serverVersionNum: number;
  /** Estimated from a block sample (or exact when the sample is the whole table). */
  estimatedDeletable: number;
  estimatedTotal: number;
  sampledPercent: number;
  sql: string;
  /** The statements without their comments, each with a line saying when it runs. */
  statements: Array<{ when: string; sql: string }>;
}

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
      { when: 'a range where someone else holds a row lock (rows skipped), and near --max-rows:', sql: stripComments(sql('drain/batch_skip_locked', table)) },
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
 * A throttled sweep of the table by block ranges. One object per run: start() runs it to the end and
 * resolves with the summary; pause / resume / stop / faster / slower steer it while it runs; every change
 * is an event. It never throws after start(): failures end the run with stopReason 'error'.
 */
export class DrainOperation {
  private listeners = new Set<(e: DrainEvent) => void>();
  private settings: ThrottleSettings;
  private readonly random: () => number;
  private readonly maxRows: number | null;
  private readonly maxDurationMs: number | null;
  private client: pg.Client | null = null;
  private started?: Promise<DrainSummary>;
  private readonly sleeper = new WakeableSleep();
  private lastProgressAt = 0;
  private batchTimes: number[] = [];
  /** Blocks each batch covered (same order as batchTimes). */
  private batchBlockCounts: number[] = [];
  private throttledMs = 0;
  private niceMs = 0;
  private walLimitedMs = 0;
  private pausedMs = 0;
  private lockedRanges = 0;
  /** Batches committed without waiting for their WAL (--nice 0) that the server may not have flushed yet, oldest first. */
  private unflushed: Array<{ from: number; rows: number; commitLsn: number; xid: string }> = [];
  /** A connection was lost with batches in `unflushed`: check them before the next batch. */
  private recheckPending = false;
  private asyncCommitBatches = 0;
  private undoneBatches = 0;
  private maxTuplesPerPage = 291;
  private sweepStart = 0;
  private sweepEnd = 0;
  private stopRequested = false;
  private readonly flushAfter: string | null;
  private readonly prune: boolean;
  progress: DrainProgress;

  constructor(private readonly opts: DrainOptions) {
    this.settings = { ...DEFAULT_THROTTLE, ...opts.throttle };
    this.random = opts.random ?? Math.random;
    this.maxRows = opts.maxRows ?? null;
    this.maxDurationMs = opts.maxDurationMs ?? null;
    this.flushAfter = opts.backendFlushAfter === undefined ? DEFAULT_BACKEND_FLUSH_AFTER : opts.backendFlushAfter;
    // The pruning re-read spreads the writes of a paced drain; unthrottled (--nice 0) only speed counts.
    this.prune = opts.prune ?? this.settings.nice > 0;
    this.progress = {
      phase: 'idle',
      blocksSwept: 0,
      blocksTotal: 0,
      rowsDeleted: 0,
      batches: 0,
      elapsedMs: 0,
      rowsPerSecond: 0,
      etaMs: null,
      batchBlocks: this.settings.initialBlocks,
      lastBatchMs: 0,
      lastBatchRows: 0,
      walBytes: 0,
      walMBps: 0,
      walCompression: '',
      targetBatchMs: this.settings.targetBatchMs,
      nice: this.settings.nice,
      maxWalMBps: this.settings.maxWalMBps,
      pauseBy: null,
      paused: false,
      stopping: false,
      throttle: { reason: null, detail: 'running', replicaLagS: null, activeBackends: null },
      retries: 0,
      reconnects: 0,
      lastError: null,
    };
  }

  subscribe(fn: (e: DrainEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: DrainEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private update(patch: Partial<DrainProgress>, force = false): void {
    this.progress = { ...this.progress, ...patch };
    const now = Date.now();
    if (force || now - this.lastProgressAt >= (this.opts.progressIntervalMs ?? 250)) {
      this.lastProgressAt = now;
      this.emit({ type: 'progress', progress: this.progress });
    }
  }

  private setPhase(phase: DrainPhase): void {
    this.emit({ type: 'phase', phase });
    this.update({ phase }, true);
  }

  private setThrottle(throttle: ThrottleState): void {
    const prev = this.progress.throttle;
    if (prev.reason === throttle.reason && prev.detail === throttle.detail) return;
    this.emit({ type: 'throttle', throttle });
    this.update({ throttle }, true);
  }

  get currentSettings(): ThrottleSettings {
    return this.settings;
  }

  start(): Promise<DrainSummary> {
    this.started ??= this.run();
    return this.started;
  }

  pause(): void {
    this.update({ paused: true }, true);
    this.sleeper.wakeUp();
  }

  resume(): void {
    this.update({ paused: false }, true);
    this.sleeper.wakeUp();
  }

  /** Stop after the current batch; the summary still comes (with ANALYZE and the final count). */
  stop(): void {
    this.stopRequested = true;
    this.update({ stopping: true }, true);
    this.sleeper.wakeUp();
  }

  faster(): void {
    this.applySettings(fasterSettings(this.settings));
  }

  slower(): void {
    this.applySettings(slowerSettings(this.settings));
  }

  private applySettings(s: ThrottleSettings): void {
    this.settings = s;
    this.update({ targetBatchMs: s.targetBatchMs, nice: s.nice, maxWalMBps: s.maxWalMBps }, true);
  }



  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.client = await connectClient(this.opts.target, {
      connectTimeoutMs: this.opts.connectTimeoutMs,
      readOnly: false,
      // The batches set their own limits; this one covers the final count, ANALYZE and VACUUM.
      statementTimeoutMs: 30 * 60_000,
      applicationName: 'hatchet-sessions drain',
    });
    await applySessionSettings(this.client, this.flushAfter);
    const methods = walCompressionChoices(this.opts.walCompression, this.settings.nice);
    this.update({ walCompression: await setWalCompression(this.client, methods) });
    return this.client;
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }

  private async readLoad(c: pg.Client): Promise<LoadSample> {
    const sample: LoadSample = { replicaLagS: null, activeBackends: null };
    if (this.settings.maxLagS !== null) {
      const row = (await c.query(rawSql('drain/replica_lag'))).rows[0];
      sample.replicaLagS = row.lag_s === null ? null : Number(row.lag_s);
    }
    if (this.settings.maxActive !== null) sample.activeBackends = Number((await c.query(rawSql('drain/active_backends'))).rows[0].active);
    return sample;
  }

  /** Wait while paused or while the load says so; re-reads the load every loadCheckMs. */
  private async gate(c: pg.Client, lastCheck: { at: number }): Promise<void> {
    const checkEvery = this.opts.loadCheckMs ?? 1000;
    for (;;) {
      if (this.stopRequested) return;
      let sample: LoadSample = { replicaLagS: this.progress.throttle.replicaLagS, activeBackends: this.progress.throttle.activeBackends };
      if (Date.now() - lastCheck.at >= checkEvery) {
        sample = await this.readLoad(c);
        lastCheck.at = Date.now();
      }
      const reason = throttleReason(sample, this.settings, this.progress.paused);
      this.setThrottle({ reason, detail: describeReason(reason, sample, this.settings), ...sample });
      if (reason === null) return;
      const t = Date.now();
      await this.sleeper.sleep(reason === 'paused' ? 60_000 : checkEvery);
      if (reason === 'paused') this.pausedMs += Date.now() - t;
      else this.throttledMs += Date.now() - t;
      if (reason !== 'paused') lastCheck.at = 0; // read the load again before going on
    }
  }

  /** The server's WAL insert position in bytes; batches committed without waiting that it has flushed are forgotten. */
  private async walPosition(c: pg.Client): Promise<number> {
    const row = (await c.query(rawSql('drain/wal_lsn'))).rows[0];
    const flushed = lsnBytes(row.flushed);
    while (this.unflushed.length > 0 && this.unflushed[0].commitLsn <= flushed) this.unflushed.shift();
    return lsnBytes(row.lsn);
  }

  /**
   * synchronous_commit of a batch: off when the drain runs unthrottled (--nice 0, no --max-wal-rate), where speed
   * counts; null (the server's, on by default) when paced, for the live API (sql/drain/batch_settings.sql).
   */
  private batchSynchronousCommit(): string | null {
    return this.settings.nice === 0 && this.settings.maxWalMBps === null ? 'off' : null;
  }

  /**
   * After a lost connection, the batches committed without waiting whose WAL the server had not yet flushed: a crash
   * may have undone them. Their ranges are swept again (a range whose rows are already gone deletes nothing), and the
   * rows of those the server no longer shows as committed (sql/drain/xact_status.sql) are taken back off the count,
   * so rowsDeleted stays exact. (Were another session to be given an undone batch's transaction id before this check,
   * that batch would count twice; its rows are deleted either way.)
   */
  private async recheckUnflushed(c: pg.Client, next: number): Promise<number> {
    const { rows } = await c.query(rawSql('drain/xact_status'), [this.unflushed.map((b) => b.xid)]);
    const committed = new Set(rows.filter((r) => r.status === 'committed').map((r) => r.xid as string));
    const undone = this.unflushed.filter((b) => !committed.has(b.xid));
    const lost = undone.reduce((sum, b) => sum + b.rows, 0);
    this.undoneBatches += undone.length;
    const from = Math.min(next, this.unflushed[0].from);
    this.unflushed = [];
    this.recheckPending = false;
    this.update({ rowsDeleted: this.progress.rowsDeleted - lost, blocksSwept: from });
    return from;
  }

  /** Read a swept range again (sql/drain/prune.sql) under the batch's limits: it never waits on a table lock. */
  private async pruneRange(c: pg.Client, [from, to]: [number, number]): Promise<void> {
    await c.query('BEGIN');
    try {
      await c.query(rawSql('drain/batch_settings'), [String(this.opts.lockTimeoutMs ?? 1000), String(Math.max(5000, this.settings.targetBatchMs * 40)), null]);
      await c.query(sql('drain/prune', this.opts.table), [blockTid(from), blockTid(to)]);
      await c.query('COMMIT');
    } catch (err) {
      if (!isConnectionLoss(err)) await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /** One batch in its own transaction: the number of rows deleted, and its transaction id when it commits without waiting. */
  private async batch(c: pg.Client, from: number, to: number, rowLimit: number | null, synchronousCommit: string | null): Promise<{ rows: number; xid: string | null }> {
    const statementTimeout = String(Math.max(5000, this.settings.targetBatchMs * 40));
    const careful = async () => {
      await c.query('BEGIN');
      const { xid } = (await c.query(rawSql('drain/batch_settings'), [String(this.opts.lockTimeoutMs ?? 1000), statementTimeout, synchronousCommit])).rows[0];
      const r = await c.query(sql('drain/batch_skip_locked', this.opts.table), [blockTid(from), blockTid(to), rowLimit ?? 2_147_483_647]);
      await c.query('COMMIT');
      return { rows: r.rowCount ?? 0, xid };
    };
    try {
      if (rowLimit !== null) return await careful();
      await c.query('BEGIN');
      const { xid } = (await c.query(rawSql('drain/batch_settings'), [String(this.opts.fastLockTimeoutMs ?? 1), statementTimeout, synchronousCommit])).rows[0];
      try {
        const r = await c.query(sql('drain/batch', this.opts.table), [blockTid(from), blockTid(to)]);
        await c.query('COMMIT');
        return { rows: r.rowCount ?? 0, xid };
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
        // A row in this range is locked by someone else: do the range again, skipping locked rows.
        await c.query('ROLLBACK');
        this.lockedRanges += 1;
        return await careful();
      }
    } catch (err) {
      if (!isConnectionLoss(err)) await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  private async run(): Promise<DrainSummary> {
    let stopReason: StopReason = 'done';
    let error: string | undefined;
    try {
      this.setPhase('connecting');
      const meta = await this.readTableBlocks();
      if (!meta) throw new ToolError(`table "${this.opts.table.schema}.${this.opts.table.name}" not found.`, EXIT.table);
      checkServerVersion(Number(meta.server_version_num));
      this.maxTuplesPerPage = Math.floor((Number(meta.block_size) - 24) / 28);
      this.update({ blocksTotal: Number(meta.blocks) });
      this.setPhase('sweeping');
      stopReason = await this.sweep();
    } catch (err) {
      stopReason = 'error';
      error = describeError(err);
    }
    this.sweepEnd ||= Date.now();
    return this.finish(stopReason, error);
  }

  /**
   * The table's size when the drain starts (sql/drain/table_blocks.sql). pg_relation_size() takes a lock on the
   * table, so the read runs under the batches' lock_timeout and is retried like a batch: the drain never queues
   * behind a DDL lock (and the live API never queues behind the drain).
   */
  private async readTableBlocks(): Promise<Record<string, unknown> | undefined> {
    const maxRetries = this.opts.maxRetries ?? 8;
    for (let attempt = 1; ; attempt++) {
      const c = await this.connect();
      try {
        await c.query('BEGIN');
        await c.query(rawSql('drain/batch_settings'), [String(this.opts.lockTimeoutMs ?? 1000), String(30_000), null]);
        const row = (await c.query(sql('drain/table_blocks', this.opts.table), [this.opts.table.schema, this.opts.table.name])).rows[0];
        await c.query('COMMIT');
        return row;
      } catch (err) {
        if (isConnectionLoss(err)) await this.dropClient();
        else await c.query('ROLLBACK').catch(() => {});
        if (!isRetryable(err) || attempt > maxRetries || this.stopRequested) throw err;
        const waitMs = backoffMs(attempt, this.random);
        this.emit({ type: 'retry', error: describeError(err), attempt, waitMs, reconnect: isConnectionLoss(err) });
        await this.sleeper.sleep(waitMs);
      }
    }
  }

  private async sweep(): Promise<StopReason> {
    const total = this.progress.blocksTotal;
    let next = 0;
    let blocks = Math.min(this.settings.initialBlocks, this.settings.maxBlocks);
    let failures = 0;
    const lastCheck = { at: 0 };
    let prevRange: [number, number] | null = null;
    this.sweepStart = Date.now();
    const maxRetries = this.opts.maxRetries ?? 8;
    while (next < total) {
      if (this.stopRequested) return 'stopped';
      if (this.maxDurationMs !== null && Date.now() - this.sweepStart >= this.maxDurationMs) return 'limit';
      if (this.maxRows !== null && this.progress.rowsDeleted >= this.maxRows) return 'limit';
      try {
        const c = await this.connect();
        if (this.recheckPending) next = await this.recheckUnflushed(c, next);
        await this.gate(c, lastCheck);
        if (this.stopRequested) return 'stopped';
        const to = Math.min(total, next + blocks);
        const left = this.maxRows === null ? null : this.maxRows - this.progress.rowsDeleted;
        const rowLimit = left !== null && left < (to - next) * this.maxTuplesPerPage ? left : null;
        const walBefore = await this.walPosition(c);
        const t = performance.now();
        // Prune the range the previous batch deleted (its rows are dead to everyone by now): see sql/drain/prune.sql.
        if (this.prune && prevRange) await this.pruneRange(c, prevRange);
        const synchronousCommit = this.batchSynchronousCommit();
        const { rows, xid } = await this.batch(c, next, to, rowLimit, synchronousCommit);
        const ms = performance.now() - t;
        prevRange = [next, to];
        const walAfter = await this.walPosition(c);
        const walBytes = Math.max(0, walAfter - walBefore);
        // Its commit record lies before walAfter: once the server has flushed that far, the batch is on disk.
        if (xid !== null) this.asyncCommitBatches += 1;
        if (xid !== null && rows > 0) this.unflushed.push({ from: prevRange[0], rows, commitLsn: walAfter, xid });
        this.batchTimes.push(ms);
        this.batchBlockCounts.push(to - next);
        failures = 0;
        // With a row limit the range may be cut short: it is swept again only if the limit allows more.
        if (rowLimit === null || rows < rowLimit) next = to;
        blocks = nextBlocks(blocks, ms, this.settings);
        const elapsed = Date.now() - this.sweepStart;
        const rowsDeleted = this.progress.rowsDeleted + rows;
        const blocksPerMs = next / Math.max(1, elapsed);
        const walTotal = this.progress.walBytes + walBytes;
        const pause = next < total && !this.stopRequested ? pauseAfterBatch(ms, walBytes, this.settings, this.random) : { ms: 0, by: null };
        this.update({
          blocksSwept: next,
          rowsDeleted,
          batches: this.progress.batches + 1,
          elapsedMs: elapsed,
          rowsPerSecond: (rowsDeleted * 1000) / Math.max(1, elapsed),
          etaMs: next > 0 ? Math.round((total - next) / blocksPerMs) : null,
          batchBlocks: blocks,
          lastBatchMs: ms,
          lastBatchRows: rows,
          walBytes: walTotal,
          walMBps: round1((walTotal * 1000) / Math.max(1, elapsed) / 1048576),
          pauseBy: pause.by,
        });
        if (pause.ms > 0) {
          const t2 = Date.now();
          await this.sleeper.sleep(pause.ms);
          const waited = Date.now() - t2;
          this.niceMs += waited;
          if (pause.by === 'wal-rate') this.walLimitedMs += Math.max(0, waited - ms * this.settings.nice);
        }
      } catch (err) {
        if (!isRetryable(err)) throw err;
        failures += 1;
        const reconnect = isConnectionLoss(err);
        if (reconnect) {
          await this.dropClient();
          this.recheckPending = this.unflushed.length > 0;
          this.update({ reconnects: this.progress.reconnects + 1 });
        }
        if ((err as { code?: string }).code === '57014') blocks = Math.max(this.settings.minBlocks, Math.floor(blocks / 2));
        if (failures > maxRetries) throw err;
        const waitMs = backoffMs(failures, this.random);
        const message = describeError(err);
        this.emit({ type: 'retry', error: message, attempt: failures, waitMs, reconnect });
        this.update({ retries: this.progress.retries + 1, lastError: message, batchBlocks: blocks });
        this.setThrottle({ ...this.progress.throttle, reason: 'backoff', detail: `retry ${failures}/${maxRetries} in ${waitMs}ms: ${message}` });
        const t = Date.now();
        await this.sleeper.sleep(waitMs);
        this.throttledMs += Date.now() - t;
      }
    }
    // The last range has no next batch to prune it: do it now, a pause later (its rows must be dead to everyone),
    // or the final count prunes it in one burst of WAL while the API waits (sql/drain/prune.sql).
    if (this.prune && prevRange && !this.stopRequested) {
      await this.sleeper.sleep(this.settings.targetBatchMs);
      try {
        await this.pruneRange(await this.connect(), prevRange);
      } catch (err) {
        // Not worth a retry: the final count prunes it instead (and reconnects if it must).
        if (isConnectionLoss(err)) await this.dropClient();
      }
    }
    this.sweepEnd = Date.now();
    return 'done';
  }

  private async finish(stopReason: StopReason, error: string | undefined): Promise<DrainSummary> {
    this.sweepEnd ||= Date.now();
    if (this.recheckPending) {
      // Stopped before the next batch could check: correct the count now (the final count says what is left anyway).
      try {
        await this.recheckUnflushed(await this.connect(), this.progress.blocksSwept);
      } catch {
        await this.dropClient();
      }
    }
    const durationMs = this.sweepStart ? this.sweepEnd - this.sweepStart : 0;
    const p = this.progress;
    let remaining: number | null = null;
    let analyzed = false;
    let vacuumed = false;
    let heapBytes = 0;
    let liveRowsAfter = 0;
    // The closing steps get their own tries: a drain stopped by a lost connection still reports.
    const step = async (phase: DrainPhase, fn: (c: pg.Client) => Promise<void>) => {
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          this.setPhase(phase);
          return await fn(await this.connect());
        } catch (err) {
          await this.dropClient();
          if (attempt === 2) error ??= `${phase}: ${describeError(err)}`;
        }
      }
    };
    if (p.blocksTotal > 0 || stopReason !== 'error') {
      if (this.opts.countRemaining !== false) {
        await step('counting', async (c) => {
          remaining = await countDeletable(c, this.opts.table);
        });
      }
      if (this.opts.vacuum) {
        await step('vacuuming', async (c) => {
          await c.query(sql('table/vacuum', this.opts.table));
          vacuumed = true;
          analyzed = true;
        });
      } else {
        await step('analyzing', async (c) => {
          await c.query(sql('table/analyze', this.opts.table));
          analyzed = true;
        });
      }
      await step('analyzing', async (c) => {
        const row = (await c.query(sql('drain/after', this.opts.table), [this.opts.table.schema, this.opts.table.name])).rows[0];
        heapBytes = Number(row?.heap_bytes ?? 0);
        liveRowsAfter = Number(row?.live_rows ?? 0);
      });
    }
    await this.dropClient();
    const rowsDeleted = p.rowsDeleted;
    const reusableBytes = rowsDeleted > 0 ? Math.round((heapBytes * rowsDeleted) / (rowsDeleted + liveRowsAfter)) : 0;
    const liveShare = heapBytes > 0 ? liveRowsAfter / Math.max(1, rowsDeleted + liveRowsAfter) : 1;
    let advice: string | null = null;
    if (rowsDeleted > 0 && liveShare < 0.2 && heapBytes >= 8 * 1024 * 1024) {
      advice = `the table is now ${Math.round((1 - liveShare) * 100)}% empty: a drain only makes space reusable; rebuild the table to give ~${Math.round(reusableBytes / 1048576)} MB back to the disk.`;
    }
    const summary: DrainSummary = {
      stopReason,
      rowsDeleted,
      durationMs,
      batches: p.batches,
      rowsPerSecond: Math.round((rowsDeleted * 1000) / Math.max(1, durationMs)),
      batchMs: {
        p50: round1(percentile(this.batchTimes, 50)),
        p95: round1(percentile(this.batchTimes, 95)),
        max: round1(percentile(this.batchTimes, 100)),
      },
      batchMsByTenth: byTenth(this.batchTimes),
      msPer1000BlocksByTenth: perBlockByTenth(this.batchTimes, this.batchBlockCounts),
      throttledMs: this.throttledMs,
      niceMs: this.niceMs,
      walLimitedMs: Math.round(this.walLimitedMs),
      walBytes: p.walBytes,
      walMBps: round1((p.walBytes * 1000) / Math.max(1, durationMs) / 1048576),
      walCompression: p.walCompression,
      asyncCommitBatches: this.asyncCommitBatches,
      undoneBatches: this.undoneBatches,
      pausedMs: this.pausedMs,
      blocksSwept: p.blocksSwept,
      blocksTotal: p.blocksTotal,
      remainingDeletable: remaining,
      reusableBytes,
      heapBytes,
      liveRowsAfter,
      lockedRanges: this.lockedRanges,
      retries: p.retries,
      reconnects: p.reconnects,
      analyzed,
      vacuumed,
      advice,
      ...(error !== undefined ? { error } : {}),
    };
    this.setPhase('finished');
    this.emit({ type: 'summary', summary });
    return summary;
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
