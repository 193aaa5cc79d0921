import type { Config, Flags } from '../config.js';
import { DEFAULT_WAL_COMPRESSION } from '../drain/connection.js';
import { DrainOperation } from '../drain/operation.js';
import { RULE_IN_WORDS, checkServerVersion, planDrain } from '../drain/plan.js';
import { progressLine, summaryText } from '../drain/summary.js';
import { EXIT, ToolError, usageError } from '../errors.js';
import { formatBytes, formatCount } from '../format.js';
import { openSession } from '../session.js';
import { exactStatus } from '../status.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from '../drain/throttle.js';
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
  const read = (name: keyof typeof FLAG) =>
    str(name) === undefined ? undefined : (flagValue(FLAG[name], str(name)!) as number | null);
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

export async function runDrain(config: Config): Promise<number> {
  const flags = drainFlags(config.flags);
  if (!flags.yes && !flags.dryRun && !interactive()) {
    throw usageError(
      'drain deletes rows: add --yes to run it without a terminal, or --dry-run to see what it would do.',
    );
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
        writeJson({
          type: 'dry-run',
          rule: RULE_IN_WORDS,
          sql: plan.sql,
          blocksTotal: plan.blocksTotal,
          wouldDelete: counts.deletable,
          total: counts.total,
          kept: counts.kept,
        });
      } else {
        write(`Dry run on ${session.description}: nothing is deleted.`);
        write(`Rule: ${RULE_IN_WORDS}.`);
        write(`Blocks to sweep: ${formatCount(plan.blocksTotal)} (${formatBytes(plan.heapBytes)})`);
        write(
          `Rows it would delete now: ${formatCount(counts.deletable)} of ${formatCount(counts.total)} (keeps ${formatCount(counts.kept)})`,
        );
        write(`SQL:\n${plan.sql}`);
        // A dry run only reads, so it runs anywhere; say when the drain itself could not run here.
        if (inspection.writeBlockers.length > 0)
          write(`A drain could not run here: ${inspection.writeBlockers.join('; ')}.`);
      }
      return EXIT.ok;
    }
    if (!flags.yes) {
      const plan = await planDrain(session.pool, table);
      write(`Drain ${session.description}: ${RULE_IN_WORDS}.`);
      write(
        `About ${formatCount(plan.estimatedDeletable)} rows to delete over ${formatCount(plan.blocksTotal)} blocks.`,
      );
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
      const wal =
        flags.throttle.maxWalMBps === null ? 'no WAL-rate limit' : `WAL at most ${flags.throttle.maxWalMBps} MB/s`;
      write(
        `Draining ${session.description}, target ${flags.throttle.targetBatchMs} ms per batch, nice ${flags.throttle.nice}, ${wal}.`,
      );
    }
    // The first signal stops after the current batch (the closing count and ANALYZE still run): exit 0.
    // A second quits at once with 128 + its number; the server rolls the open batch back.
    return await withStopSignals(
      () => {
        if (!config.json) write('stopping after the current batch… (again to quit at once)');
        op.abort();
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
