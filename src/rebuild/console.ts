import { connectClient } from '../db.js';
import type { Session } from '../session.js';
import type { RebuildEvent, RebuildStats } from './events.js';
import { runRebuild, finishRebuild } from './runner.js';
import { preflight, type Preflight } from './preflight.js';
import { undoRebuild } from './recover.js';
import { RunningWork } from '../work.js';
import { foldEvents, type Observable } from '../operation.js';
import { STEPS, type StepName } from './steps/index.js';

/**
 * What the console's rebuild wizard may do. It never runs SQL itself. Quitting the console sets `stop` (the wizard
 * does) and waits for the rebuild to reach its next safe point, as `rebuild` does on a signal.
 */
export interface RebuildEngine {
  tableName: string;
  preflight(): Promise<Preflight>;
  run(onEvent: (e: RebuildEvent) => void, stop: { stopped: boolean }): Promise<RebuildStats>;
  finish(onEvent: (e: RebuildEvent) => void, stop: { stopped: boolean }): Promise<RebuildStats>;
  undo(): Promise<{ removed: string[] }>;
}

export function rebuildEngineFor(session: Session, connectTimeoutMs = 10_000, work = new RunningWork()): RebuildEngine {
  const connect = () =>
    connectClient(session.target, {
      connectTimeoutMs,
      readOnly: false,
      statementTimeoutMs: 0,
      applicationName: 'hatchet-sessions rebuild',
    });
  return {
    tableName: session.table.name,
    preflight: () => preflight(session.pool, session.table),
    run: (onEvent, stop) => work.add(runRebuild(connect, session.table, { onEvent, stop })),
    finish: (onEvent, stop) => work.add(finishRebuild(connect, session.table, { onEvent, stop })),
    undo: () => work.add(undoRebuild(connect, session.table)),
  };
}

/** One step as the wizard shows it. */
export interface StepState {
  status: 'pending' | 'running' | 'done' | 'skipped';
  done: number;
  total: number;
  unit: string;
  ms?: number;
}

/** What the wizard shows of a running rebuild, finish or undo. */
export interface RebuildRunState {
  steps: Record<StepName, StepState>;
  lockHoldMs?: number;
  retries: number;
  lastRetry?: string;
  stopping: boolean;
}

export const initialRebuildRun = (): RebuildRunState => ({
  steps: Object.fromEntries(STEPS.map((s) => [s.name, { status: 'pending', done: 0, total: 0, unit: '' }])) as Record<
    StepName,
    StepState
  >,
  retries: 0,
  stopping: false,
});

/** Pure: a rebuild event into the run's state. */
export function foldRebuildEvent(state: RebuildRunState, e: RebuildEvent | { type: 'stopping' }): RebuildRunState {
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

/**
 * A rebuild, finish or undo started from the console, with the snapshot of its steps (adapter: the engine
 * reports by callback). stop() asks it to stop at its next safe point.
 */
export interface RebuildRun<T> extends Observable<RebuildRunState, RebuildEvent | { type: 'stopping' }> {
  result: Promise<T>;
  stop(): void;
}

export function startRebuildRun<T>(
  work: (onEvent: (e: RebuildEvent) => void, stop: { stopped: boolean }) => Promise<T>,
): RebuildRun<T> {
  const events = new Set<(e: RebuildEvent | { type: 'stopping' }) => void>();
  const emit = (e: RebuildEvent | { type: 'stopping' }) => events.forEach((fn) => fn(e));
  const store = foldEvents(
    {
      subscribe: (fn: (e: RebuildEvent | { type: 'stopping' }) => void) => (
        events.add(fn),
        () => void events.delete(fn)
      ),
    },
    initialRebuildRun(),
    foldRebuildEvent,
  );
  const stop = { stopped: false };
  return {
    ...store,
    result: work(emit, stop),
    stop: () => {
      if (stop.stopped) return;
      stop.stopped = true;
      emit({ type: 'stopping' });
    },
  };
}
