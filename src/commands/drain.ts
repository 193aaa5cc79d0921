import type { Config, Flags } from '../config.js';
import { DEFAULT_WAL_COMPRESSION, DrainOperation, RULE_IN_WORDS, checkServerVersion, drainSql, planDrain, type DrainProgress, type DrainSummary } from '../drain.js';
import { EXIT, ToolError, usageError } from '../errors.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { openSession } from '../session.js';
import { exactStatus } from '../status.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from '../throttle.js';
import { confirmTyped, interactive } from './confirm.js';
import { FLAG, flagValue } from './flags.js';
import { withStopSignals, writeJson, writeLine as write } from './shell.js';

export interface DrainFlags {
  yes: boolean;
  dryRun: boolean;
  throttle: ThrottleSettings;
  maxRows: number | null;
  maxDurationMs: number | null;
  vacuum: boolean;
  /** wal_compression for the drain's connection, or null to keep the server's (--wal-compression server). */
  walCompression: string | null;
}

/** --wal-compression: auto (default: zstd paced, lz4 at --nice 0), zstd, lz4, pglz, or server (leave the server's setting). */
export function parseWalCompression(text: string | undefined): string | null {
  if (text === undefined) return DEFAULT_WAL_COMPRESSION;
  const method = flagValue(FLAG['wal-compression'], text);
  return method === 'server' ? null : (method as string);
}

/**
 * The drain's flags from config.flags, with the documented defaults; values are read by their kind in the flags
 * table (src/commands/flags.ts), so a bad value is a usage error (exit 2) naming the flag.
 */
export function drainFlags(flags: Flags): DrainFlags {
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  /** The flag's value by its kind (null for off), or undefined when it is not given. */
  const read = (name: keyof typeof FLAG) => (str(name) === undefined ? undefined : (flagValue(FLAG[name], str(name)!) as number | null));
  const maxLagMs = read('max-lag');
  const maxWal = read('max-wal-rate');
  const nice = read('nice') ?? DEFAULT_THROTTLE.nice;
  return {
    yes: Boolean(flags.yes),
    dryRun: Boolean(flags['dry-run']),
    throttle: {
      ...DEFAULT_THROTTLE,
      targetBatchMs: read('target-batch-ms') ?? DEFAULT_THROTTLE.targetBatchMs,
      nice,
      maxLagS: maxLagMs === undefined ? DEFAULT_THROTTLE.maxLagS : maxLagMs === null ? null : maxLagMs / 1000,
      maxActive: read('max-active') ?? null,
      // --nice 0 means flat out: the WAL-rate limit is off too, unless --max-wal-rate is given.
      maxWalMBps: maxWal === undefined ? (nice === 0 ? null : DEFAULT_THROTTLE.maxWalMBps) : maxWal,
    },
    maxRows: read('max-rows') ?? null,
    maxDurationMs: read('max-duration') ?? null,
    vacuum: Boolean(flags.vacuum),
    walCompression: parseWalCompression(str('wal-compression')),
  };
}

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

export function summaryText(s: DrainSummary): string {
  const why = { done: 'done: every block swept', limit: 'limit reached (--max-rows or --max-duration)', stopped: 'stopped by request', error: 'error' }[
    s.stopReason
  ];
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
    lines.push(`  commits           ${formatCount(s.asyncCommitBatches)} batches did not wait for their WAL (unthrottled)${undone}`);
  }
  if (s.retries) lines.push(`  retries           ${s.retries} (${s.reconnects} reconnects)`);
  if (s.advice) lines.push(`Advice: ${s.advice}`);
  return lines.join('\n');
}

export async function runDrain(config: Config): Promise<number> {
  const flags = drainFlags(config.flags);
  if (!flags.yes && !flags.dryRun && !interactive()) {
    throw usageError('drain deletes rows: add --yes to run it without a terminal, or --dry-run to see what it would do.');
  }
  const session = await openSession(config);
  try {
    const { inspection, table } = session;
    if (!flags.dryRun && inspection.writeBlockers.length > 0) {
      throw new ToolError(`cannot drain: ${inspection.writeBlockers.join('; ')}.`, EXIT.usage);
    }
    checkServerVersion(inspection.serverVersionNum, inspection.serverVersion);
    if (flags.dryRun) {
      const plan = await planDrain(session.pool, table);
      const { counts } = await exactStatus(session.pool, table);
      if (config.json) {
        writeJson({ type: 'dry-run', rule: RULE_IN_WORDS, sql: plan.sql, blocksTotal: plan.blocksTotal, wouldDelete: counts.deletable, total: counts.total, kept: counts.kept });
      } else {
        write(`Dry run on ${session.description}: nothing is deleted.`);
        write(`Rule: ${RULE_IN_WORDS}.`);
        write(`Blocks to sweep: ${formatCount(plan.blocksTotal)} (${formatBytes(plan.heapBytes)})`);
        write(`Rows it would delete now: ${formatCount(counts.deletable)} of ${formatCount(counts.total)} (keeps ${formatCount(counts.kept)})`);
        write(`SQL:\n${plan.sql}`);
        // A dry run only reads, so it runs anywhere; say when the drain itself could not run here.
        if (inspection.writeBlockers.length > 0) write(`A drain could not run here: ${inspection.writeBlockers.join('; ')}.`);
      }
      return EXIT.ok;
    }
    if (!flags.yes) {
      const plan = await planDrain(session.pool, table);
      write(`Drain ${session.description}: ${RULE_IN_WORDS}.`);
      write(`About ${formatCount(plan.estimatedDeletable)} rows to delete over ${formatCount(plan.blocksTotal)} blocks.`);
      write(`SQL:\n${plan.sql}`);
      if (!(await confirmTyped('Type "drain" to start: ', 'drain', EXIT.ok))) {
        write('Nothing deleted.');
        return EXIT.ok;
      }
    }
    const op = new DrainOperation({
      target: session.target,
      table,
      connectTimeoutMs: config.connectTimeoutMs,
      throttle: flags.throttle,
      maxRows: flags.maxRows,
      maxDurationMs: flags.maxDurationMs,
      vacuum: flags.vacuum,
      walCompression: flags.walCompression,
      progressIntervalMs: 1000,
    });
    let lastLine = 0;
    op.subscribe((e) => {
      if (e.type === 'progress' && e.progress.phase === 'sweeping') {
        const now = Date.now();
        if (config.json) {
          if (now - lastLine < 1000) return;
          lastLine = now;
          write(JSON.stringify({ type: 'progress', ...e.progress }));
        } else if (now - lastLine >= 2000) {
          lastLine = now;
          write(progressLine(e.progress));
        }
      } else if (e.type === 'retry' && !config.json) {
        write(`retry ${e.attempt} in ${e.waitMs}ms${e.reconnect ? ' (reconnecting)' : ''}: ${e.error}`);
      } else if (e.type === 'phase' && !config.json && ['counting', 'analyzing', 'vacuuming'].includes(e.phase)) {
        write(`${e.phase}…`);
      }
    });
    if (!config.json) {
      const wal = flags.throttle.maxWalMBps === null ? 'no WAL-rate limit' : `WAL at most ${flags.throttle.maxWalMBps} MB/s`;
      write(`Draining ${session.description}, target ${flags.throttle.targetBatchMs} ms per batch, nice ${flags.throttle.nice}, ${wal}.`);
    }
    // The first signal stops after the current batch (the closing count and ANALYZE still run): exit 0.
    // A second quits at once with 128 + its number; the server rolls the open batch back.
    return await withStopSignals(
      () => {
        if (!config.json) write('stopping after the current batch… (again to quit at once)');
        op.stop();
      },
      async () => {
        const summary = await op.start();
        write(config.json ? JSON.stringify({ type: 'summary', ...summary }) : summaryText(summary));
        return summary.stopReason === 'error' ? EXIT.failure : EXIT.ok;
      },
    );
  } finally {
    await session.close();
  }
}
