import type { Config, ConnectionTarget } from '../config.js';
import { parseDuration, parseInteger } from './flags.js';
import { describeError, EXIT, ToolError, usageError } from '../errors.js';
import { formatCount, formatDuration } from '../format.js';
import { Metrics, serveMetrics } from '../metrics.js';
import { Scheduler, type ScheduleEvent, type ScheduleOptions } from '../schedule/scheduler.js';
import { parseSchedule } from '../schedule/timing.js';
import { openSession, type Session } from '../session.js';
import { backoffMs, DEFAULT_THROTTLE } from '../drain/throttle.js';
import { RULE_IN_WORDS, checkServerVersion, planDrain } from '../drain/plan.js';
import { exactStatus } from '../status.js';
import { describeSchedule, nextRunAt } from '../schedule/timing.js';
import { progressLine } from '../drain/summary.js';
import { drainFlags } from './drain.js';
import { withStopSignals, writeJson, writeLine } from './shell.js';

export interface ScheduleFlags {
  dryRun: boolean;
  options: Omit<ScheduleOptions, 'target' | 'table' | 'connectTimeoutMs' | 'metrics'>;
  metricsPort: number | null;
  metricsHost: string;
}

/** The schedule's flags; bad values are usage errors (exit 2). */
export function scheduleFlags(flags: Config['flags']): ScheduleFlags {
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const drain = drainFlags(flags);
  if (drain.maxRows !== null || drain.maxDurationMs !== null) {
    throw usageError('schedule runs are bounded by --max-run-duration; --max-rows and --max-duration are for drain.');
  }
  const maxRunDuration = str('max-run-duration');
  return {
    dryRun: Boolean(flags['dry-run']),
    options: {
      spec: parseSchedule(str('every'), str('cron')),
      initialRun: !flags['no-initial-run'],
      jitterMs: str('jitter') ? parseDuration(str('jitter')!, 'jitter') : 0,
      maxRunDurationMs: maxRunDuration ? parseDuration(maxRunDuration, 'max-run-duration') : 10 * 60_000,
      throttle: drain.throttle,
      walCompression: drain.walCompression,
    },
    metricsPort: str('metrics-port') ? parseInteger(str('metrics-port')!, 'metrics-port', 0, 65535) : null,
    metricsHost: str('metrics-host') ?? '127.0.0.1',
  };
}

/** One readable log line per event (without --json). */
export function eventText(e: ScheduleEvent): string | null {
  switch (e.type) {
    case 'schedule-started':
      return `schedule started: ${e.schedule}; first run at ${e.nextRunAt.toISOString()}`;
    case 'run-started':
      return `run ${e.run} started (runner lock taken)`;
    case 'progress':
      return `run ${e.run}: ${progressLine(e.progress)}`;
    case 'run-finished': {
      const s = e.summary;
      return `run ${e.run} finished (${s.stopReason}): deleted ${formatCount(s.rowsDeleted)} rows in ${formatDuration(s.durationMs)}, ${formatCount(s.rowsPerSecond)} rows/s, batch p95 ${s.batchMs.p95} ms`;
    }
    case 'run-skipped':
      return `run ${e.run} skipped: runner lock held by pid ${e.holder.pid} (${e.holder.applicationName}${e.holder.clientAddr ? ` from ${e.holder.clientAddr}` : ''}, since ${e.holder.since.toISOString()})`;
    case 'run-failed':
      return `run ${e.run} failed: ${e.error}`;
    case 'connection-lost':
      return `database unreachable: ${e.error}; retrying in ${formatDuration(e.retryInMs)}`;
    case 'connection-restored':
      return 'database reachable again';
    case 'next-run':
      return `next run at ${e.at.toISOString()}`;
    case 'stopping':
      return 'stopping: finishing the current batch, releasing the runner lock';
    case 'stopped':
      return 'stopped';
    case 'schedule-failed':
      return null; // main.ts prints the error itself, as its one line
  }
}

/** The JSON line of an event: {"ts", "type", ...fields}. */
export function eventJson(e: ScheduleEvent): string {
  return JSON.stringify({ ts: new Date().toISOString(), ...e });
}

/** Connect like every command, but wait out a database that is not there yet (a daemon may start first). */
async function openWhenReachable(
  config: Config,
  log: (e: ScheduleEvent) => void,
  isStopping: () => boolean,
): Promise<Session | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSession(config);
    } catch (err) {
      if (!(err instanceof ToolError && err.exitCode === EXIT.connection) || isStopping()) throw err;
      const retryInMs = backoffMs(attempt, Math.random, 1000, 60_000);
      log({ type: 'connection-lost', error: describeError(err), retryInMs });
      await new Promise((r) => setTimeout(r, retryInMs));
      if (isStopping()) return null;
    }
  }
}

/** The run times a schedule started now would use: the first `count`, each with its latest time under --jitter. */
export function plannedRuns(
  options: ScheduleFlags['options'],
  now: Date,
  count = 5,
): Array<{ at: Date; latest: Date }> {
  const runs: Array<{ at: Date; latest: Date }> = [];
  // Later runs count from the end of the one before (--every): shown as if each took no time, i.e. the earliest.
  let at = options.initialRun === false ? nextRunAt(options.spec, now, 0) : now;
  for (let i = 0; i < count; i++) {
    const jitter = options.jitterMs ?? 0;
    runs.push({ at, latest: new Date(at.getTime() + (i === 0 && options.initialRun !== false ? 0 : jitter)) });
    at = nextRunAt(options.spec, at, 0);
  }
  return runs;
}

/** --dry-run: the plan of every run (rule, SQL, rows deletable now, the run times); reads only, deletes nothing. */
async function dryRun(config: Config, flags: ScheduleFlags): Promise<number> {
  const session = await openSession(config);
  try {
    const { inspection, table } = session;
    checkServerVersion(inspection.serverVersionNum, inspection.serverVersion);
    const plan = await planDrain(session.pool, table);
    const { counts } = await exactStatus(session.pool, table);
    const o = flags.options;
    const runs = plannedRuns(o, new Date());
    const schedule = describeSchedule(o.spec);
    const blocked =
      inspection.writeBlockers.length > 0
        ? `cannot schedule cleanups: ${inspection.writeBlockers.join('; ')}.`
        : undefined;
    if (config.json) {
      writeJson({
        ts: new Date().toISOString(),
        type: 'dry-run',
        rule: RULE_IN_WORDS,
        schedule,
        sql: plan.sql,
        blocksTotal: plan.blocksTotal,
        wouldDelete: counts.deletable,
        total: counts.total,
        kept: counts.kept,
        maxRunDurationMs: o.maxRunDurationMs,
        jitterMs: o.jitterMs ?? 0,
        initialRun: o.initialRun !== false,
        runs: runs.map((r) => ({ at: r.at.toISOString(), latest: r.latest.toISOString() })),
        throttle: o.throttle,
        ...(blocked ? { blocked } : {}),
      });
      return EXIT.ok;
    }
    const t = { ...DEFAULT_THROTTLE, ...o.throttle };
    const wal = t.maxWalMBps === null ? 'no WAL-rate limit' : `WAL at most ${t.maxWalMBps} MB/s`;
    writeLine(`Dry run of the schedule on ${session.description}: nothing is deleted.`);
    writeLine(`Rule: ${RULE_IN_WORDS}.`);
    writeLine(
      `Schedule: ${schedule}; each run at most ${formatDuration(o.maxRunDurationMs ?? 0)}; target ${t.targetBatchMs} ms per batch, nice ${t.nice}, ${wal}.`,
    );
    writeLine(
      `Rows a run would delete now: ${formatCount(counts.deletable)} of ${formatCount(counts.total)} (keeps ${formatCount(counts.kept)}), over ${formatCount(plan.blocksTotal)} blocks.`,
    );
    const later =
      o.spec.kind === 'every' ? '; later ones count from the end of the run before, shown as if it took no time' : '';
    const jitter = o.jitterMs ? `; each up to ${formatDuration(o.jitterMs)} later with --jitter` : '';
    writeLine(`Next runs (the first ${runs.length}${later}${jitter}):`);
    for (const [i, r] of runs.entries())
      writeLine(`  ${r.at.toISOString()}${i === 0 && o.initialRun !== false ? '  (at start)' : ''}`);
    writeLine(`SQL of each batch:\n${plan.sql}`);
    if (blocked) writeLine(`A schedule could not run here: ${inspection.writeBlockers.join('; ')}.`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

export async function runSchedule(config: Config): Promise<number> {
  const flags = scheduleFlags(config.flags);
  if (flags.dryRun) return dryRun(config, flags);
  let scheduler: Scheduler | undefined;
  const log = (e: ScheduleEvent) => {
    if (config.json) writeLine(eventJson(e));
    else {
      const line = eventText(e);
      if (line) writeLine(`${new Date().toISOString()} ${line}`);
    }
  };
  // The first signal finishes the current batch and releases the runner lock (exit 0); while still connecting or
  // waiting for the database there is nothing to finish: exit 0 at once. A second quits at once, 128 + its number.
  return withStopSignals(
    () => {
      if (scheduler) scheduler.abort();
      else process.exit(EXIT.ok);
    },
    async (stop) => {
      const metrics = new Metrics();
      const server =
        flags.metricsPort !== null ? await serveMetrics(metrics, flags.metricsPort, flags.metricsHost) : undefined;
      if (server) {
        const url = `http://${flags.metricsHost}:${server.port}`;
        if (config.json) writeJson({ ts: new Date().toISOString(), type: 'metrics-listening', url });
        else writeLine(`${new Date().toISOString()} metrics at ${url}/metrics, health at ${url}/healthz`);
      }
      let session: Session | null = null;
      try {
        session = await openWhenReachable(config, log, () => stop.stopped);
        if (!session) return EXIT.ok;
        if (session.inspection.writeBlockers.length > 0) {
          throw new ToolError(`cannot schedule cleanups: ${session.inspection.writeBlockers.join('; ')}.`, EXIT.usage);
        }
        scheduler = new Scheduler({
          ...flags.options,
          target: session.target as ConnectionTarget,
          table: session.table,
          connectTimeoutMs: config.connectTimeoutMs,
          metrics,
        });
        let lastProgress = 0;
        scheduler.subscribe((e) => {
          if (e.type === 'schedule-failed') return; // main.ts prints the error itself, as its one line
          if (e.type === 'progress') {
            if (Date.now() - lastProgress < 1000) return; // at most one progress line a second
            lastProgress = Date.now();
          }
          log(e);
        });
        if (stop.stopped) scheduler.abort();
        await scheduler.start();
        return EXIT.ok;
      } finally {
        server?.close();
        await session?.close();
      }
    },
  );
}
