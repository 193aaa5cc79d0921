/** The shapes a drain is steered by and reports in: what the console, the schedule and the JSON lines read. */

import type { ConnectionTarget } from '../config.js';
import type { TableRef } from '../sql.js';
import type { ThrottleReason, ThrottleSettings } from './throttle.js';

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
  /** Aborted: stop after the current batch (as abort()). */
  signal?: AbortSignal;
  /** Read each deleted range once more, one batch later, so its pages are pruned while still in memory (default: when nice > 0). */
  prune?: boolean;
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

/** The progress of a drain that has not started yet. */
export function idleProgress(settings: ThrottleSettings): DrainProgress {
  return {
    phase: 'idle',
    blocksSwept: 0,
    blocksTotal: 0,
    rowsDeleted: 0,
    batches: 0,
    elapsedMs: 0,
    rowsPerSecond: 0,
    etaMs: null,
    batchBlocks: settings.initialBlocks,
    lastBatchMs: 0,
    lastBatchRows: 0,
    walBytes: 0,
    walMBps: 0,
    walCompression: '',
    targetBatchMs: settings.targetBatchMs,
    nice: settings.nice,
    maxWalMBps: settings.maxWalMBps,
    pauseBy: null,
    paused: false,
    stopping: false,
    throttle: { reason: null, detail: 'running', replicaLagS: null, activeBackends: null },
    retries: 0,
    reconnects: 0,
    lastError: null,
  };
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

/** A drain's snapshot: its progress (its phase included) and, once it has ended, its summary. */
export interface DrainRunState {
  progress: DrainProgress;
  summary: DrainSummary | null;
}

export type DrainEvent =
  | { type: 'phase'; phase: DrainPhase }
  | { type: 'progress'; progress: DrainProgress }
  | { type: 'throttle'; throttle: ThrottleState }
  | { type: 'retry'; error: string; attempt: number; waitMs: number; reconnect: boolean }
  | { type: 'summary'; summary: DrainSummary };

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
