import type pg from 'pg';
import type { ConnectionTarget } from '../config.js';
import { connectClient, createPool } from '../db.js';
import { DrainOperation } from '../drain/operation.js';
import type { DrainProgress, DrainSummary } from '../drain/types.js';
import { describeError, EXIT, ToolError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { TableRef } from '../sql.js';
import { exactStatus } from '../status.js';
import { backoffMs, type ThrottleSettings } from '../drain/throttle.js';
import { Operation } from '../operation.js';
import { WakeableSleep } from '../sleep.js';
import { describeSchedule, nextRunAt, type ScheduleSpec } from './timing.js';
import { releaseRunnerLock, tableLockKey, tryRunnerLock, type LockHolder } from './runner-lock.js';

export interface ScheduleOptions {
  target: ConnectionTarget;
  table: TableRef;
  connectTimeoutMs: number;
  spec: ScheduleSpec;
  /** Run once at start (default true). */
  initialRun?: boolean;
  /** Random delay added to each run time, up to this. */
  jitterMs?: number;
  /** Time budget of each run: a large backlog is worked off over several runs. */
  maxRunDurationMs: number;
  throttle?: Partial<ThrottleSettings>;
  /** wal_compression of each run's drain (see DrainOptions.walCompression). */
  walCompression?: string | null;
  metrics?: Metrics;
  /** Longest wait between two connection attempts while the database is away. */
  maxReconnectWaitMs?: number;
  random?: () => number;
  /** The runs of a schedule stopped before this one (the console's stop and start): shown with its own. */
  previous?: Pick<ScheduleState, 'history' | 'lastRun'>;
  /** Aborted: stop as abort() does. */
  signal?: AbortSignal;
}

export type RunOutcome = 'done' | 'limit' | 'stopped' | 'skipped' | 'failed';

export interface RunRecord {
  run: number;
  startedAt: Date;
  durationMs: number;
  outcome: RunOutcome;
  rowsDeleted: number;
  /** Why it was skipped or failed, in words. */
  detail?: string;
}

export type ScheduleEvent =
  | { type: 'schedule-started'; schedule: string; nextRunAt: Date }
  | { type: 'run-started'; run: number }
  | { type: 'progress'; run: number; progress: DrainProgress }
  | { type: 'run-finished'; run: number; summary: DrainSummary }
  | { type: 'run-skipped'; run: number; holder: LockHolder }
  | { type: 'run-failed'; run: number; error: string }
  | { type: 'connection-lost'; error: string; retryInMs: number }
  | { type: 'connection-restored' }
  | { type: 'next-run'; at: Date }
  | { type: 'stopping' }
  | { type: 'stopped' }
  /** The loop ended on a configuration problem (start() rejects with it); the last run says it. */
  | { type: 'schedule-failed'; error: string };

export interface ScheduleState {
  running: boolean;
  stopping: boolean;
  nextRunAt: Date | null;
  current: { run: number; progress: DrainProgress | null } | null;
  lastRun: (RunRecord & { summary?: DrainSummary }) | null;
  /** The last 50 runs, newest first. */
  history: RunRecord[];
  connected: boolean;
  lockHeld: boolean;
}

export const HISTORY_LENGTH = 50;

/**
 * The scheduled cleanup: at each run time, take the runner lock (one runner across all instances), run a
 * throttled drain within its time budget, release the lock. A database that goes away is waited for with
 * capped exponential backoff, forever; only configuration problems end the loop (with a ToolError). Its snapshot
 * (src/operation.ts) is the schedule's state: the next run, the current one, the last 50; abort() (or its signal) ends it.
 */
export class Scheduler extends Operation<ScheduleState, ScheduleEvent> {
  private drain: DrainOperation | null = null;
  private readonly sleeper = new WakeableSleep();
  private runNumber = 0;
  private started?: Promise<void>;
  private readonly pool: pg.Pool;
  private readonly random: () => number;

  constructor(private readonly opts: ScheduleOptions) {
    super(
      {
        running: false,
        stopping: Boolean(opts.signal?.aborted),
        nextRunAt: null,
        current: null,
        lastRun: opts.previous?.lastRun ?? null,
        history: opts.previous?.history.slice(0, HISTORY_LENGTH) ?? [],
        connected: true,
        lockHeld: false,
      },
      opts.signal,
    );
    this.random = opts.random ?? Math.random;
    this.pool = createPool(opts.target, {
      connectTimeoutMs: opts.connectTimeoutMs,
      readOnly: false,
      max: 1,
      applicationName: 'hatchet-sessions schedule',
    });
  }

  private get state(): ScheduleState {
    return this.getSnapshot();
  }

  private emit(e: ScheduleEvent, patch: Partial<ScheduleState> = {}): void {
    this.publish(e, patch);
  }

  /**
   * Runs until abort(); rejects only on a configuration problem (ToolError with exit 2 or 4), which it first records
   * as its last run (a 'schedule-failed' event).
   */
  start(): Promise<void> {
    this.started ??= this.loop()
      .catch((err: unknown) => {
        const detail = describeError(err);
        const failure: RunRecord = {
          run: 0,
          startedAt: new Date(),
          durationMs: 0,
          outcome: 'failed',
          rowsDeleted: 0,
          detail,
        };
        this.emit({ type: 'schedule-failed', error: detail }, { lastRun: failure });
        throw err;
      })
      .finally(() => this.pool.end().catch(() => {}));
    return this.started;
  }

  /** abort(): finish the current batch, release the lock, end the loop. */
  protected override onAbort(): void {
    this.emit({ type: 'stopping' }, { stopping: true });
    this.drain?.abort();
    this.sleeper.wakeUp();
  }

  /** Run now instead of at the next run time (the console's "run now" key). */
  runNow(): void {
    if (!this.state.running) {
      const at = new Date();
      this.emit({ type: 'next-run', at }, { nextRunAt: at });
      this.sleeper.wakeUp();
    }
  }

  /** Sleep until `at` (or the nextRunAt that runNow() moves), waking early on abort(). */
  private async sleepUntil(at: Date): Promise<void> {
    const until = () => (this.state.nextRunAt ?? at).getTime();
    while (!this.state.stopping && Date.now() < until()) await this.sleeper.sleep(Math.min(1000, until() - Date.now()));
  }

  private async loop(): Promise<void> {
    const first =
      this.opts.initialRun === false
        ? nextRunAt(this.opts.spec, new Date(), this.opts.jitterMs, this.random)
        : new Date();
    this.emit(
      { type: 'schedule-started', schedule: describeSchedule(this.opts.spec), nextRunAt: first },
      { nextRunAt: first },
    );
    let next = first;
    while (!this.state.stopping) {
      await this.sleepUntil(next);
      if (this.state.stopping) break;
      await this.runOnce();
      if (this.state.stopping) break;
      next = nextRunAt(this.opts.spec, new Date(), this.opts.jitterMs, this.random);
      this.emit({ type: 'next-run', at: next }, { nextRunAt: next });
    }
    this.emit({ type: 'stopped' }, { running: false, nextRunAt: null });
  }

  /** A dedicated connection for the runner lock, waiting out a database that is away. */
  private async connectLockClient(): Promise<pg.Client | null> {
    for (let attempt = 1; !this.state.stopping; attempt++) {
      try {
        const client = await connectClient(this.opts.target, {
          connectTimeoutMs: this.opts.connectTimeoutMs,
          readOnly: false,
          applicationName: 'hatchet-sessions schedule lock',
        });
        if (!this.state.connected) {
          this.opts.metrics?.setConnected(true);
          this.emit({ type: 'connection-restored' }, { connected: true });
        }
        return client;
      } catch (err) {
        if (!(err instanceof ToolError && err.exitCode === EXIT.connection)) throw err;
        const retryInMs = backoffMs(attempt, this.random, 1000, this.opts.maxReconnectWaitMs ?? 60_000);
        this.opts.metrics?.setConnected(false);
        const until = new Date(Date.now() + retryInMs);
        this.emit(
          { type: 'connection-lost', error: describeError(err), retryInMs },
          { connected: false, nextRunAt: until },
        );
        await this.sleepUntil(until);
      }
    }
    return null;
  }

  /** The state's change of a run that ended: the history, the last run. */
  private record(record: RunRecord, summary?: DrainSummary): Partial<ScheduleState> {
    return {
      history: [record, ...this.state.history].slice(0, HISTORY_LENGTH),
      lastRun: { ...record, summary },
      current: null,
      running: false,
      lockHeld: false,
    };
  }

  private async runOnce(): Promise<void> {
    const run = ++this.runNumber;
    const startedAt = new Date();
    const lockClient = await this.connectLockClient();
    if (!lockClient) return;
    const key = tableLockKey(this.opts.table);
    try {
      const holder = await tryRunnerLock(lockClient, key, () =>
        connectClient(this.opts.target, {
          connectTimeoutMs: this.opts.connectTimeoutMs,
          readOnly: false,
          applicationName: 'hatchet-sessions schedule probe',
        }),
      );
      if (holder) {
        await lockClient.end().catch(() => {});
        this.opts.metrics?.run('skipped');
        this.emit(
          { type: 'run-skipped', run, holder },
          this.record({
            run,
            startedAt,
            durationMs: 0,
            outcome: 'skipped',
            rowsDeleted: 0,
            detail: `runner lock held by pid ${holder.pid} (${holder.applicationName})`,
          }),
        );
        return;
      }
    } catch (err) {
      await lockClient.end().catch(() => {});
      if (err instanceof ToolError && err.exitCode !== EXIT.connection) throw err;
      return this.failed(run, startedAt, describeError(err));
    }
    this.opts.metrics?.setLockHeld(true);
    this.emit({ type: 'run-started', run }, { running: true, lockHeld: true, current: { run, progress: null } });
    const drain = new DrainOperation({
      target: this.opts.target,
      table: this.opts.table,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      throttle: this.opts.throttle,
      walCompression: this.opts.walCompression,
      maxDurationMs: this.opts.maxRunDurationMs,
      countRemaining: false,
      progressIntervalMs: 1000,
      random: this.random,
    });
    this.drain = drain;
    // Losing the lock's connection loses the lock: stop, so two runners never overlap.
    lockClient.on('error', () => drain.abort());
    drain.subscribe((e) => {
      if (e.type === 'progress')
        this.emit({ type: 'progress', run, progress: e.progress }, { current: { run, progress: e.progress } });
    });
    if (this.signal.aborted) drain.abort();
    const summary = await drain.start();
    this.drain = null;
    await releaseRunnerLock(lockClient, key).catch(() => {});
    await lockClient.end().catch(() => {});
    this.opts.metrics?.setLockHeld(false);
    const durationMs = Date.now() - startedAt.getTime();
    this.opts.metrics?.deleted(summary.rowsDeleted);
    if (summary.stopReason === 'error') {
      return this.failed(run, startedAt, summary.error ?? 'unknown error', summary.rowsDeleted);
    }
    this.opts.metrics?.run('success', durationMs / 1000);
    this.emit(
      { type: 'run-finished', run, summary },
      this.record(
        { run, startedAt, durationMs, outcome: summary.stopReason, rowsDeleted: summary.rowsDeleted },
        summary,
      ),
    );
    await this.observeStatus();
  }

  private failed(run: number, startedAt: Date, error: string, rowsDeleted = 0): void {
    if (/^permission denied/i.test(error)) {
      // A grant revoked while the schedule runs: every run fails the same way until it is given back; say how.
      const role = this.opts.target.endpoint.user;
      error = `${error}: role "${role}" may no longer read or delete the sessions. GRANT SELECT, DELETE ON "${this.opts.table.name}" TO "${role}" (as the table's owner)`;
    }
    const durationMs = Date.now() - startedAt.getTime();
    this.opts.metrics?.run('failed', durationMs / 1000);
    this.emit(
      { type: 'run-failed', run, error },
      this.record({ run, startedAt, durationMs, outcome: 'failed', rowsDeleted, detail: error }),
    );
  }

  /** Exact counts for the metrics after a run (cheap once the table is clean). */
  private async observeStatus(): Promise<void> {
    if (!this.opts.metrics || this.state.stopping) return;
    try {
      const { counts, sizes } = await exactStatus(this.pool, this.opts.table, 30_000);
      this.opts.metrics.observeStatus(counts, sizes);
    } catch {
      // The next run tries again; the run itself already succeeded.
    }
  }
}
