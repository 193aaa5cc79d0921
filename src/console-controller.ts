import type { Config } from './config.js';
import { describeError, EXIT, ToolError, type ExitCode } from './errors.js';
import { startTraffic } from './demo/traffic.js';
import { Sampler, DEFAULT_SAMPLER } from './sampler.js';
import { readGrowth, type Growth } from './growth.js';
import { openSession, type Session, type SessionStep } from './session.js';
import { Scheduler, type ScheduleEvent, type ScheduleState } from './schedule/scheduler.js';
import { describeSchedule, parseSchedule } from './schedule/timing.js';
import { RunningWork } from './work.js';

export type ConsolePhase =
  | { kind: 'starting'; step?: SessionStep }
  | { kind: 'ready'; session: Session; sampler: Sampler }
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
  /** Whoever reads the schedule: told of every event of the current scheduler, and when a new one starts. */
  private scheduleListeners = new Set<(e: ScheduleEvent) => void>();

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
      this.emit({ kind: 'ready', session, sampler });
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

  /** The schedule screen's view of the scheduled cleanup (hourly, default throttle), which runs in the background. */
  readonly schedule = {
    description: describeSchedule(parseSchedule(undefined, undefined)),
    /** The current scheduler's own snapshot (null until the schedule is first started). */
    getSnapshot: (): ScheduleState | null => this.scheduler?.getSnapshot() ?? null,
    subscribe: (fn: (e: ScheduleEvent) => void) => {
      this.scheduleListeners.add(fn);
      return () => void this.scheduleListeners.delete(fn);
    },
    start: () => {
      if (this.phase.kind !== 'ready' || this.phase.session.inspection.writeBlockers.length > 0) return;
      if (this.scheduler && !this.scheduler.getSnapshot().stopping) return;
      const { session } = this.phase;
      const scheduler = new Scheduler({
        target: session.target,
        table: session.table,
        connectTimeoutMs: this.config.connectTimeoutMs,
        spec: parseSchedule(undefined, undefined),
        maxRunDurationMs: 10 * 60_000,
        // The history across a stop and start: the new scheduler carries on the runs of the one before.
        previous: this.scheduler?.getSnapshot(),
      });
      this.scheduler = scheduler;
      const tell = (e: ScheduleEvent) => this.scheduleListeners.forEach((fn) => fn(e));
      scheduler.subscribe(tell);
      // A failed start is the scheduler's own last run (its 'schedule-failed' event); nothing more to do here.
      // Its start tells every reader at once ('schedule-started': the loop's first step runs before start() returns).
      this.scheduleRun = scheduler.start().catch(() => {});
    },
    stop: () => this.scheduler?.abort(),
    runNow: () => this.scheduler?.runNow(),
  };

  async close(): Promise<void> {
    this.closed = true;
    await this.started; // a demo being seeded is finished, then stopped: never left half made
    this.scheduler?.abort(); // the current batch finishes and the runner lock is released
    await this.scheduleRun;
    await this.work.settled(); // the screens asked them to stop as they closed: a drain after its batch, etc.
    await this.traffic?.stop();
    if (this.phase.kind === 'ready') {
      this.phase.sampler.abort();
      await this.phase.session.close();
    }
  }
}

export type PhaseEvent = { type: 'phase'; phase: ConsolePhase };
