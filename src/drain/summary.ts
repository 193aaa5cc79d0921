/** The drain's end-of-run summary, from what the sweep counted, and the text both faces print of it. */

import { formatBytes, formatCount, formatDuration } from '../format.js';
import { percentile } from './throttle.js';
import type { DrainProgress, DrainSummary, StopReason } from './types.js';

/** What the sweep counts as it goes, beside its progress, for the summary. */
export interface SweepTally {
  /** Each batch's ms, in run order. */
  batchTimes: number[];
  /** Blocks each batch covered (same order as batchTimes). */
  batchBlockCounts: number[];
  throttledMs: number;
  niceMs: number;
  walLimitedMs: number;
  pausedMs: number;
  lockedRanges: number;
}

export const emptyTally = (): SweepTally => ({
  batchTimes: [],
  batchBlockCounts: [],
  throttledMs: 0,
  niceMs: 0,
  walLimitedMs: 0,
  pausedMs: 0,
  lockedRanges: 0,
});

/** What the closing steps found: the final count, ANALYZE or VACUUM, the table's size after. */
export interface ClosingFigures {
  remainingDeletable: number | null;
  analyzed: boolean;
  vacuumed: boolean;
  heapBytes: number;
  liveRowsAfter: number;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

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

/** The summary of a run; its fields keep this order, which the JSON line shows. */
export function buildSummary(run: {
  stopReason: StopReason;
  error: string | undefined;
  durationMs: number;
  progress: DrainProgress;
  tally: SweepTally;
  commits: { asyncCommitBatches: number; undoneBatches: number };
  closing: ClosingFigures;
}): DrainSummary {
  const { stopReason, error, durationMs, progress: p, tally, commits } = run;
  const { heapBytes, liveRowsAfter } = run.closing;
  const rowsDeleted = p.rowsDeleted;
  const reusableBytes = rowsDeleted > 0 ? Math.round((heapBytes * rowsDeleted) / (rowsDeleted + liveRowsAfter)) : 0;
  const liveShare = heapBytes > 0 ? liveRowsAfter / Math.max(1, rowsDeleted + liveRowsAfter) : 1;
  let advice: string | null = null;
  if (rowsDeleted > 0 && liveShare < 0.2 && heapBytes >= 8 * 1024 * 1024) {
    advice = `the table is now ${Math.round((1 - liveShare) * 100)}% empty: a drain only makes space reusable; rebuild the table to give ~${Math.round(reusableBytes / 1048576)} MB back to the disk.`;
  }
  return {
    stopReason,
    rowsDeleted,
    durationMs,
    batches: p.batches,
    rowsPerSecond: Math.round((rowsDeleted * 1000) / Math.max(1, durationMs)),
    batchMs: {
      p50: round1(percentile(tally.batchTimes, 50)),
      p95: round1(percentile(tally.batchTimes, 95)),
      max: round1(percentile(tally.batchTimes, 100)),
    },
    batchMsByTenth: byTenth(tally.batchTimes),
    msPer1000BlocksByTenth: perBlockByTenth(tally.batchTimes, tally.batchBlockCounts),
    throttledMs: tally.throttledMs,
    niceMs: tally.niceMs,
    walLimitedMs: Math.round(tally.walLimitedMs),
    walBytes: p.walBytes,
    walMBps: round1((p.walBytes * 1000) / Math.max(1, durationMs) / 1048576),
    walCompression: p.walCompression,
    asyncCommitBatches: commits.asyncCommitBatches,
    undoneBatches: commits.undoneBatches,
    pausedMs: tally.pausedMs,
    blocksSwept: p.blocksSwept,
    blocksTotal: p.blocksTotal,
    remainingDeletable: run.closing.remainingDeletable,
    reusableBytes,
    heapBytes,
    liveRowsAfter,
    lockedRanges: tally.lockedRanges,
    retries: p.retries,
    reconnects: p.reconnects,
    analyzed: run.closing.analyzed,
    vacuumed: run.closing.vacuumed,
    advice,
    ...(error !== undefined ? { error } : {}),
  };
}

/** One line of a sweep's progress, as the text output of drain and schedule prints it. */
export function progressLine(p: DrainProgress): string {
  const pct = p.blocksTotal > 0 ? ((100 * p.blocksSwept) / p.blocksTotal).toFixed(1) : '100.0';
  return [
    `${pct.padStart(5)}%`,
    `blocks ${formatCount(p.blocksSwept)}/${formatCount(p.blocksTotal)}`,
    `deleted ${formatCount(p.rowsDeleted)}`,
    `${formatCount(p.rowsPerSecond)} rows/s`,
    `ETA ${p.etaMs === null ? '?' : formatDuration(p.etaMs)}`,
    `batch ${p.batchBlocks} blocks, last ${p.lastBatchMs.toFixed(1)}ms`,
    p.throttle.reason ? `waiting: ${p.throttle.detail}` : p.paused ? 'paused' : 'running',
  ].join('  ');
}

/** The summary as text: what drain prints at the end and the console's drain screen shows. */
export function summaryText(s: DrainSummary): string {
  const why = {
    done: 'done: every block swept',
    limit: 'limit reached (--max-rows or --max-duration)',
    stopped: 'stopped by request',
    error: 'error',
  }[s.stopReason];
  const lines = [
    `Drain ${why}${s.error ? `: ${s.error}` : ''}`,
    `  rows deleted      ${formatCount(s.rowsDeleted)}`,
    `  duration          ${formatDuration(s.durationMs)} (${s.durationMs} ms)`,
    `  batches           ${formatCount(s.batches)}`,
    `  rows/s            ${formatCount(s.rowsPerSecond)}`,
    `  batch ms          p50 ${s.batchMs.p50}  p95 ${s.batchMs.p95}  max ${s.batchMs.max}`,
    `  throttled         ${formatDuration(s.throttledMs)} (lag, load, retries); pauses after batches ${formatDuration(s.niceMs)} (${formatDuration(s.walLimitedMs)} of it for the WAL rate); paused ${formatDuration(s.pausedMs)}`,
    `  WAL written       ${formatBytes(s.walBytes)} (${s.walMBps} MB/s over the sweep; wal_compression ${s.walCompression || '?'})`,
    `  blocks swept      ${formatCount(s.blocksSwept)}/${formatCount(s.blocksTotal)}`,
    `  still deletable   ${s.remainingDeletable === null ? 'not counted' : formatCount(s.remainingDeletable)}${s.lockedRanges ? ` (${s.lockedRanges} ranges had locked rows)` : ''}`,
    `  space reusable    ${formatBytes(s.reusableBytes)} of ${formatBytes(s.heapBytes)} heap${s.vacuumed ? ' (vacuumed)' : ' (after the next vacuum; --vacuum runs it)'}`,
  ];
  if (s.asyncCommitBatches) {
    const undone = s.undoneBatches ? `; ${s.undoneBatches} undone by a server crash, swept again` : '';
    lines.push(
      `  commits           ${formatCount(s.asyncCommitBatches)} batches did not wait for their WAL (unthrottled)${undone}`,
    );
  }
  if (s.retries) lines.push(`  retries           ${s.retries} (${s.reconnects} reconnects)`);
  if (s.advice) lines.push(`Advice: ${s.advice}`);
  return lines.join('\n');
}
