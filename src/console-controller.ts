import type { Config } from './config.js';
import { describeError, EXIT, ToolError, type ExitCode } from './errors.js';
import { startTraffic } from './demo/traffic.js';
import { Sampler, DEFAULT_SAMPLER, type SamplerState } from './sampler.js';
import { readGrowth, type Growth } from './growth.js';
import { openSession, type Session, type SessionStep } from './session.js';
import { HISTORY_LENGTH, Scheduler, type RunRecord, type ScheduleState } from './schedule/scheduler.js';
import type { Observable } from './operation.js';
import { describeSchedule, parseSchedule } from './schedule/timing.js';
import { RunningWork } from './work.js';

export type ConsolePhase =
  | { kind: 'starting'; step?: SessionStep }
  | { kind: 'ready'; session: Session; sampler: Sampler; readings: Observable<SamplerState> }
  | { kind: 'failed'; message: string; exitCode: ExitCode };

/** The console's engine: opens the session, runs the sampler (and the demo's live load), closes it all. */
export class ConsoleController {
  phase: ConsolePhase = { kind: 'starting' };
  /** The drain, rebuild or index build started from a screen: close() waits for them to stop. */
  readonly work = new RunningWork();
  private listeners = new Set<(e: PhaseEvent) => void>();
  private traffic?: { stop(): Promise<void> };
  private closed = false;
  private started?: Promise<void>;
  private scheduler: Scheduler | null = null;
  private scheduleRun: Promise<void> | null = null;
  private scheduleListeners = new Set<(e: { type: 'schedule' }) => void>();
  /** The history and last run of the schedules stopped before this one, shown with its own. */
  private carried: Pick<ScheduleState, 'history' | 'lastRun'> = { history: [], lastRun: null };
  /** Set when the scheduler's loop ended on an error. */
  private scheduleFailure: RunRecord | null = null;
  private scheduleView: { from: ScheduleState | null; failure: RunRecord | null; view: ScheduleState | null } = {
    from: null,
    failure: null,
    view: null,
  };

  constructor(private readonly config: Config) {}

  /** The phase, by the contract of src/operation.ts: the console reads it with useOperation. */
  readonly getSnapshot = (): ConsolePhase => this.phase;

  readonly subscribe = (fn: (e: PhaseEvent) => void): (() => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };

  private emit(phase: ConsolePhase): void {
    this.phase = phase;
    for (const fn of [...this.listeners]) fn({ type: 'phase', phase });
  }

  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<void> {
    try {
      const session = await openSession(this.config, (step) => this.emit({ kind: 'starting', step }));
      if (this.closed) return void (await session.close());
      const sampler = new Sampler(session.pool, session.table, {
        ...DEFAULT_SAMPLER,
        recentByIndex: session.inspection.createdAtIndex === 'valid',
      });
      if (session.demo && !this.config.readOnly) this.traffic = startTraffic(session.target, session.table);
      this.emit({ kind: 'ready', session, sampler, readings: samplerReadings(sampler) });
      sampler.start();
    } catch (err) {
      this.emit({
        kind: 'failed',
        message: describeError(err),
        exitCode: err instanceof ToolError ? err.exitCode : EXIT.failure,
      });
    }
  }

  /** The growth view's figures (on demand: reads 30 days of "createdAt"). */
  async growth(): Promise<Growth> {
    if (this.phase.kind !== 'ready') throw new Error('not connected yet');
    return readGrowth(this.phase.session.pool, this.phase.session.table);
  }

  /** The schedule with the runs of the schedules stopped before it: a new object only when one of them changed. */
  private scheduleSnapshot(): ScheduleState | null {
    const from = this.scheduler?.state ?? null;
    const cache = this.scheduleView;
    if (cache.from === from && cache.failure === this.scheduleFailure) return cache.view;
    const view = from && {
      ...from,
      history: [...from.history, ...this.carried.history].slice(0, HISTORY_LENGTH),
      lastRun: this.scheduleFailure ?? from.lastRun ?? this.carried.lastRun,
    };
    this.scheduleView = { from, failure: this.scheduleFailure, view };
    return view;
  }

  private scheduleChanged(): void {
    for (const fn of [...this.scheduleListeners]) fn({ type: 'schedule' });
  }

  /** The schedule screen's view of the scheduled cleanup (hourly, default throttle), which runs in the background. */
  readonly schedule = {
    description: describeSchedule(parseSchedule(undefined, undefined)),
    /** Null until the schedule is first started. */
    getSnapshot: (): ScheduleState | null => this.scheduleSnapshot(),
    subscribe: (fn: (e: { type: 'schedule' }) => void) => {
      this.scheduleListeners.add(fn);
      return () => void this.scheduleListeners.delete(fn);
    },
    start: () => {
      if (this.phase.kind !== 'ready' || this.phase.session.inspection.writeBlockers.length > 0) return;
      if (this.scheduler && !this.scheduler.state.stopping) return;
      const { session } = this.phase;
      const scheduler = new Scheduler({
        target: session.target,
        table: session.table,
        connectTimeoutMs: this.config.connectTimeoutMs,
        spec: parseSchedule(undefined, undefined),
        maxRunDurationMs: 10 * 60_000,
      });
      // Keep the history across a stop and start.
      const before = this.scheduleSnapshot();
      if (before) this.carried = { history: before.history, lastRun: before.lastRun };
      this.scheduleFailure = null;
      this.scheduler = scheduler;
      scheduler.subscribe(() => this.scheduleChanged());
      this.scheduleRun = scheduler.start().catch((err: unknown) => {
        this.scheduleFailure = {
          run: 0,
          startedAt: new Date(),
          durationMs: 0,
          outcome: 'failed',
          rowsDeleted: 0,
          detail: describeError(err),
        };
        this.scheduleChanged();
      });
      this.scheduleChanged();
    },
    stop: () => this.scheduler?.stop(),
    runNow: () => this.scheduler?.runNow(),
  };

  async close(): Promise<void> {
    this.closed = true;
    await this.started; // a demo being seeded is finished, then stopped: never left half made
    this.scheduler?.stop(); // the current batch finishes and the runner lock is released
    await this.scheduleRun;
    await this.work.settled(); // the screens asked them to stop as they closed: a drain after its batch, etc.
    await this.traffic?.stop();
    if (this.phase.kind === 'ready') {
      this.phase.sampler.stop();
      await this.phase.session.close();
    }
  }
}

export type PhaseEvent = { type: 'phase'; phase: ConsolePhase };

/** The sampler's figures by the contract of src/operation.ts (adapter: the Sampler has `state` and listeners). */
function samplerReadings(sampler: Sampler): Observable<SamplerState> {
  return {
    getSnapshot: () => sampler.state,
    subscribe: (fn) => sampler.subscribe(() => fn({ type: 'sample' })),
  };
}
