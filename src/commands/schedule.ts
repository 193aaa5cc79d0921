import type { Config, ConnectionTarget } from '../config.js';
import { parseDuration, parseInteger } from '../config.js';
import { describeError, EXIT, ToolError, usageError } from '../errors.js';
import { formatCount, formatDuration } from '../format.js';
import { Metrics, serveMetrics } from '../metrics.js';
import { Scheduler, type ScheduleEvent, type ScheduleOptions } from '../schedule/scheduler.js';
import { parseSchedule } from '../schedule/timing.js';
import { openSession, type Session } from '../session.js';
import { backoffMs } from '../drain/throttle.js';
import { onStopSignal } from '../signals.js';
import { progressLine } from '../drain/summary.js';
import { drainFlags } from './drain.js';

export interface ScheduleFlags {
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
  switch (e.event) {
    case 'schedule_started':
      return `schedule started: ${e.schedule}; first run at ${e.nextRunAt.toISOString()}`;
    case 'run_started':
      return `run ${e.run} started (runner lock taken)`;
    case 'progress':
      return `run ${e.run}: ${progressLine(e.progress)}`;
    case 'run_finished': {
      const s = e.summary;
      return `run ${e.run} finished (${s.stopReason}): deleted ${formatCount(s.rowsDeleted)} rows in ${formatDuration(s.durationMs)}, ${formatCount(s.rowsPerSecond)} rows/s, batch p95 ${s.batchMs.p95} ms`;
    }
    case 'run_skipped':
      return `run ${e.run} skipped: runner lock held by pid ${e.holder.pid} (${e.holder.applicationName}${e.holder.clientAddr ? ` from ${e.holder.clientAddr}` : ''}, since ${e.holder.since.toISOString()})`;
    case 'run_failed':
      return `run ${e.run} failed: ${e.error}`;
    case 'connection_lost':
      return `database unreachable: ${e.error}; retrying in ${formatDuration(e.retryInMs)}`;
    case 'connection_restored':
      return 'database reachable again';
    case 'next_run':
      return `next run at ${e.at.toISOString()}`;
    case 'stopping':
      return 'stopping: finishing the current batch, releasing the runner lock';
    case 'stopped':
      return 'stopped';
  }
}

/** The JSON line of an event: {"ts", "event", ...fields}. */
export function eventJson(e: ScheduleEvent): string {
  return JSON.stringify({ ts: new Date().toISOString(), ...e });
}

/** Connect like every command, but wait out a database that is not there yet (a daemon may start first). */
async function openWhenReachable(config: Config, log: (e: ScheduleEvent) => void, isStopping: () => boolean): Promise<Session | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSession(config);
    } catch (err) {
      if (!(err instanceof ToolError && err.exitCode === EXIT.connection) || isStopping()) throw err;
      const retryInMs = backoffMs(attempt, Math.random, 1000, 60_000);
      log({ event: 'connection_lost', error: describeError(err), retryInMs });
      await new Promise((r) => setTimeout(r, retryInMs));
      if (isStopping()) return null;
    }
  }
}

export async function runSchedule(config: Config): Promise<number> {
  const flags = scheduleFlags(config.flags);
  let stopRequested = false;
  let scheduler: Scheduler | undefined;
  const log = (e: ScheduleEvent) => {
    if (config.json) process.stdout.write(`${eventJson(e)}\n`);
    else {
      const line = eventText(e);
      if (line) process.stdout.write(`${new Date().toISOString()} ${line}\n`);
    }
  };
  const onSignal = () => {
    stopRequested = true;
    if (scheduler) scheduler.stop();
    else process.exit(EXIT.ok); // still connecting: nothing to finish
  };
  const offSignals = onStopSignal(onSignal);
  const metrics = new Metrics();
  const server = flags.metricsPort !== null ? await serveMetrics(metrics, flags.metricsPort, flags.metricsHost) : undefined;
  if (server) {
    const url = `http://${flags.metricsHost}:${server.port}`;
    process.stdout.write(config.json ? `${JSON.stringify({ ts: new Date().toISOString(), event: 'metrics_listening', url })}\n` : `${new Date().toISOString()} metrics at ${url}/metrics, health at ${url}/healthz\n`);
  }
  let session: Session | null = null;
  try {
    session = await openWhenReachable(config, log, () => stopRequested);
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
      if (e.event === 'progress') {
        if (Date.now() - lastProgress < 1000) return; // at most one progress line a second
        lastProgress = Date.now();
      }
      log(e);
    });
    if (stopRequested) scheduler.stop();
    await scheduler.start();
    return EXIT.ok;
  } finally {
    offSignals();
    server?.close();
    await session?.close();
  }
}
