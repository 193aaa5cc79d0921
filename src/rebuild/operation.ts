import { Operation } from '../operation.js';
import type { TableRef } from '../sql.js';
import type { Connect, RebuildEvent, RebuildOptions, RebuildStats } from './events.js';
import { undoRebuild } from './recover.js';
import { finishRebuild, runRebuild } from './runner.js';
import { STEPS, type StepName } from './steps/index.js';

/** One step as the wizard shows it. */
export interface StepState {
  status: 'pending' | 'running' | 'done' | 'skipped';
  done: number;
  total: number;
  unit: string;
  ms?: number;
}

/** A rebuild's, finish's or undo's snapshot: its steps, the swap's lock hold, its lock retries, a stop asked for. */
export interface RebuildRunState {
  steps: Record<StepName, StepState>;
  lockHoldMs?: number;
  retries: number;
  lastRetry?: string;
  stopping: boolean;
}

/** The engine's events, and the one the operation adds when it is asked to stop. */
export type RebuildRunEvent = RebuildEvent | { type: 'stopping' };

export const initialRebuildRun = (): RebuildRunState => ({
  steps: Object.fromEntries(STEPS.map((s) => [s.name, { status: 'pending', done: 0, total: 0, unit: '' }])) as Record<
    StepName,
    StepState
  >,
  retries: 0,
  stopping: false,
});

/** Pure: a rebuild event into the run's state. */
export function foldRebuildEvent(state: RebuildRunState, e: RebuildRunEvent): RebuildRunState {
  if (e.type === 'stopping') return { ...state, stopping: true };
  const steps = { ...state.steps };
  if (e.type === 'step') {
    steps[e.step] = { ...steps[e.step], status: e.status === 'start' ? 'running' : e.status, ms: e.ms };
    const lock = e.step === 'swap' && e.status === 'done' ? (e.detail?.lockHoldMs as number | undefined) : undefined;
    return { ...state, steps, lockHoldMs: lock ?? state.lockHoldMs };
  }
  if (e.type === 'progress') {
    steps[e.step] = { ...steps[e.step], done: e.done, total: e.total, unit: e.unit };
    return { ...state, steps };
  }
  const who = e.blockers.filter((b) => b.granted).map((b) => `pid ${b.pid} (${Math.round(b.ageSeconds)}s)`);
  return {
    ...state,
    retries: state.retries + 1,
    lastRetry: `${e.step}: lock busy, attempt ${e.attempt}${who.length ? `, held by ${who.join(', ')}` : ''}`,
  };
}

/** What a rebuild, finish or undo is run with: everything but the events and the stop, which are the operation's. */
export type RebuildRunOptions = Omit<RebuildOptions, 'onEvent' | 'signal'>;

/**
 * A rebuild, the finish of an interrupted one (runner.ts), or its undo (recover.ts), as an operation
 * (src/operation.ts): start() runs it; abort() (or the signal given) stops it at its next safe point (before a
 * step, at a lock retry; never inside the swap) with RebuildInterrupted; its snapshot is its steps (RebuildRunState).
 */
export class RebuildOperation<T> extends Operation<RebuildRunState, RebuildRunEvent> {
  private started?: Promise<T>;

  constructor(
    private readonly work: (opts: Pick<RebuildOptions, 'onEvent' | 'signal'>) => Promise<T>,
    signal?: AbortSignal,
  ) {
    super(initialRebuildRun(), signal);
  }

  static rebuild(connect: Connect, table: TableRef, opts: RebuildRunOptions = {}): RebuildOperation<RebuildStats> {
    return new RebuildOperation((o) => runRebuild(connect, table, { ...opts, ...o }));
  }

  static finish(connect: Connect, table: TableRef, opts: RebuildRunOptions = {}): RebuildOperation<RebuildStats> {
    return new RebuildOperation((o) => finishRebuild(connect, table, { ...opts, ...o }));
  }

  static undo(
    connect: Connect,
    table: TableRef,
    opts: RebuildRunOptions = {},
  ): RebuildOperation<{ removed: string[] }> {
    return new RebuildOperation((o) => undoRebuild(connect, table, { ...opts, ...o }));
  }

  start(): Promise<T> {
    this.started ??= this.work({
      onEvent: (e) => this.publish(e, foldRebuildEvent(this.getSnapshot(), e)),
      signal: this.signal,
    });
    return this.started;
  }

  protected override onAbort(): void {
    this.publish({ type: 'stopping' }, { stopping: true });
  }
}
