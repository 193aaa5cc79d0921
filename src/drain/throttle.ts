/**
 * The drain's throttle controller: pure functions and a small state object, no I/O, no clock.
 * Every random draw comes from an injected `random()` so tests are exact.
 */

export interface ThrottleSettings {
  /** Time each batch should take; blocks per batch are tuned toward it. */
  targetBatchMs: number;
  /** Pause after each batch, as a multiple of its duration (0 = no pause). */
  nice: number;
  /** Pause while any replica's replay lag exceeds this (seconds); null = off. */
  maxLagS: number | null;
  /** Pause while more than this many other backends are active; null = off. */
  maxActive: number | null;
  /**
   * Pause after each batch so the drain's own WAL stays under this many MB (2^20 bytes) per second, batch and
   * pause together; null = off. Every deleted page costs a full-page image in the WAL and a dirty page that must
   * reach the disk: this caps the write rate the drain adds to the disk the live API's commits flush to.
   */
  maxWalMBps: number | null;
  minBlocks: number;
  maxBlocks: number;
  initialBlocks: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  targetBatchMs: 50,
  nice: 0.5,
  maxLagS: 10,
  maxActive: null,
  maxWalMBps: 48,
  minBlocks: 1,
  maxBlocks: 20_000,
  initialBlocks: 64,
};

/** Bounds of the live controls (+ / -). */
export const TARGET_BOUNDS = { min: 5, max: 2000 } as const;
export const NICE_BOUNDS = { min: 0, max: 20 } as const;
export const WAL_RATE_BOUNDS = { min: 1, max: 10_000 } as const;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Blocks for the next batch: scale the last size by target / measured time, with the step limited to
 * halving or growing by half (one slow batch must not collapse the size, one fast empty range must not explode it),
 * and at most `rowCap` (rowCapBlocks: what the rows the next range may hold allow).
 */
export function nextBlocks(
  current: number,
  batchMs: number,
  settings: Pick<ThrottleSettings, 'targetBatchMs' | 'minBlocks' | 'maxBlocks'>,
  rowCap = Infinity,
): number {
  const ratio = clamp(settings.targetBatchMs / Math.max(batchMs, 0.1), 0.5, 1.5);
  return Math.round(clamp(Math.min(current * ratio, rowCap), settings.minBlocks, settings.maxBlocks));
}

/**
 * What the batches so far say a deleted row costs and how dense the table gets: the cost of a row (EWMA over
 * batches that deleted rows) and the densest range seen (deletable rows per block; null until a batch deleted any).
 * The timing alone grows the batch by half after every fast one, so after a run of empty blocks it asks for
 * thousands of blocks, and the first dense range becomes one long transaction; the row cap stops that.
 */
export interface RowCost {
  msPerRow: number;
  rowsPerBlock: number | null;
}

/** Before any row is deleted: a row costs about what it did on a 2-core machine at 2.6M rows, in a page full of rows. */
export const INITIAL_ROW_COST: RowCost = { msPerRow: 0.0007, rowsPerBlock: null };

/** The cost after a batch that deleted `rows` in `blocks` blocks in `ms`. */
export function learnRowCost(cost: RowCost, rows: number, blocks: number, ms: number): RowCost {
  if (rows <= 0 || blocks <= 0) return cost;
  const density = rows / blocks;
  // Small batches are mostly fixed cost: they teach the density, not the cost of a row.
  const msPerRow = rows >= 100 ? 0.7 * cost.msPerRow + 0.3 * (ms / rows) : cost.msPerRow;
  return { msPerRow, rowsPerBlock: Math.max(cost.rowsPerBlock ?? 0, density) };
}

/**
 * The most blocks a batch may take so that, were every block as dense as the densest seen (or full of rows, before
 * any was seen: `maxTuplesPerPage`), it would take at most twice its target.
 */
export function rowCapBlocks(cost: RowCost, targetBatchMs: number, maxTuplesPerPage: number): number {
  const rowsPerBlock = Math.max(1, cost.rowsPerBlock ?? maxTuplesPerPage);
  return Math.max(1, Math.floor((2 * targetBatchMs) / (cost.msPerRow * rowsPerBlock)));
}

/** Blocks per batch as the sweep goes: nextBlocks, capped by the rows a range may hold as the batches so far teach. */
export class BatchSizer {
  private cost = INITIAL_ROW_COST;
  /** Line pointers a page can hold (from the block size, read at start): the density before any row is seen. */
  maxTuplesPerPage = 291;

  next(current: number, batchMs: number, rows: number, rangeBlocks: number, settings: ThrottleSettings): number {
    this.cost = learnRowCost(this.cost, rows, rangeBlocks, batchMs);
    const cap = rowCapBlocks(this.cost, settings.targetBatchMs, this.maxTuplesPerPage);
    return nextBlocks(current, batchMs, settings, cap);
  }
}

/** Pause after a batch: nice × batch time, ±20 % jitter (so parallel tools do not fall in step). */
export function nicePauseMs(batchMs: number, nice: number, random: () => number = Math.random): number {
  if (nice <= 0) return 0;
  const base = nice * batchMs;
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}

/**
 * Pause after a batch that wrote `walBytes` of WAL in `batchMs`, so that batch and pause together stay under
 * `maxWalMBps` (0 when the limit is off or already met). No jitter: nicePauseMs's jitter applies when it is longer.
 */
export function walPauseMs(walBytes: number, batchMs: number, maxWalMBps: number | null): number {
  if (maxWalMBps === null || maxWalMBps <= 0 || walBytes <= 0) return 0;
  const needMs = (walBytes * 1000) / (maxWalMBps * 1048576);
  return Math.max(0, Math.round(needMs - batchMs));
}

/** The pause after a batch: the longer of the nice pause and the WAL-rate pause, and which one it is. */
export function pauseAfterBatch(
  batchMs: number,
  walBytes: number,
  settings: Pick<ThrottleSettings, 'nice' | 'maxWalMBps'>,
  random: () => number = Math.random,
): { ms: number; by: 'nice' | 'wal-rate' | null } {
  const nice = nicePauseMs(batchMs, settings.nice, random);
  const wal = walPauseMs(walBytes, batchMs, settings.maxWalMBps);
  if (wal > nice) return { ms: wal, by: 'wal-rate' };
  return { ms: nice, by: nice > 0 ? 'nice' : null };
}

/** Bytes from the start of the WAL of an LSN like '16/B374D848' (exact below 2^53, i.e. 8 PB of WAL). */
export function lsnBytes(lsn: string): number {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m) throw new Error(`not an LSN: ${lsn}`);
  return parseInt(m[1]!, 16) * 2 ** 32 + parseInt(m[2]!, 16);
}

/** Backoff after the n-th consecutive error (n from 1): exponential, capped, with "equal jitter". */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 200, capMs = 10_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export type ThrottleReason = 'paused' | 'replica-lag' | 'active-backends';

export interface LoadSample {
  /** Highest replay lag of any replica in seconds (null: no replica or unknown). */
  replicaLagS: number | null;
  /** Other active client backends. */
  activeBackends: number | null;
}

/** Why the drain must wait now, or null. Any reason wins; the operator's pause is named first. */
export function throttleReason(
  sample: LoadSample,
  settings: Pick<ThrottleSettings, 'maxLagS' | 'maxActive'>,
  paused = false,
): ThrottleReason | null {
  if (paused) return 'paused';
  if (settings.maxLagS !== null && sample.replicaLagS !== null && sample.replicaLagS > settings.maxLagS)
    return 'replica-lag';
  if (settings.maxActive !== null && sample.activeBackends !== null && sample.activeBackends > settings.maxActive)
    return 'active-backends';
  return null;
}

/** Words for a reason, for the screen and the text output. */
export function describeReason(
  reason: ThrottleReason | null,
  sample?: LoadSample,
  settings?: ThrottleSettings,
): string {
  switch (reason) {
    case null:
      return 'running';
    case 'paused':
      return 'paused by the operator';
    case 'replica-lag':
      return `replica lag ${sample?.replicaLagS?.toFixed(1) ?? '?'}s > ${settings?.maxLagS ?? '?'}s`;
    case 'active-backends':
      return `${sample?.activeBackends ?? '?'} active backends > ${settings?.maxActive ?? '?'}`;
  }
}

const scaleWal = (rate: number | null, by: number) =>
  rate === null ? null : Math.round(clamp(rate * by, WAL_RATE_BOUNDS.min, WAL_RATE_BOUNDS.max));

/** `+`: longer batches, shorter pauses, a higher WAL-rate limit (an off limit stays off). */
export function faster(s: ThrottleSettings): ThrottleSettings {
  const nice = s.nice / 1.5 < 0.05 ? 0 : s.nice / 1.5;
  return {
    ...s,
    targetBatchMs: Math.round(clamp(s.targetBatchMs * 1.5, TARGET_BOUNDS.min, TARGET_BOUNDS.max)),
    nice: round2(nice),
    maxWalMBps: scaleWal(s.maxWalMBps, 1.5),
  };
}

/** `-`: shorter batches, longer pauses (a nice of 0 becomes 0.25), a lower WAL-rate limit. */
export function slower(s: ThrottleSettings): ThrottleSettings {
  const nice = s.nice === 0 ? 0.25 : clamp(s.nice * 1.5, NICE_BOUNDS.min, NICE_BOUNDS.max);
  return {
    ...s,
    targetBatchMs: Math.round(clamp(s.targetBatchMs / 1.5, TARGET_BOUNDS.min, TARGET_BOUNDS.max)),
    nice: round2(nice),
    maxWalMBps: scaleWal(s.maxWalMBps, 1 / 1.5),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of unsorted values (0 when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[clamp(rank - 1, 0, sorted.length - 1)]!;
}
