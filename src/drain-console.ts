import { DrainOperation, planDrain, type DrainEvent, type DrainPlan, type DrainProgress, type DrainSummary } from './drain.js';
import { IndexBuild, type IndexBuildEvent, type IndexBuildProgress, type IndexBuildResult } from './create-index.js';
import type { Observable, OperationEvent } from './operation.js';
import { inspect } from './inspect.js';
import type { Session } from './session.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from './throttle.js';
import { RunningWork } from './work.js';

/** What the console's drain screen may do: plan, then start one operation. It never runs SQL itself. */
export interface DrainEngine {
  settings: ThrottleSettings;
  plan(): Promise<DrainPlan>;
  create(): DrainOperation;
  /** Start it; quitting the console waits for it to stop after its current batch. */
  run(op: DrainOperation): Promise<DrainSummary>;
}

export function drainEngineFor(
  session: Session,
  connectTimeoutMs = 10_000,
  settings: ThrottleSettings = DEFAULT_THROTTLE,
  work = new RunningWork(),
): DrainEngine {
  return {
    settings,
    plan: () => planDrain(session.pool, session.table),
    create: () => new DrainOperation({ target: session.target, table: session.table, connectTimeoutMs, throttle: settings }),
    run: (op) => work.add(op.start()),
  };
}

/** What the console's index screen may do. */
export interface IndexEngine {
  create(): IndexBuild;
  /** Start it; quitting the console cancels it (the screen does) and waits for its INVALID leftover to be dropped. */
  run(build: IndexBuild): Promise<IndexBuildResult>;
  /** Read the inspection again (the index state changed) into the session. */
  refresh(): Promise<void>;
}

export function indexEngineFor(session: Session, connectTimeoutMs = 10_000, work = new RunningWork()): IndexEngine {
  return {
    create: () => new IndexBuild({ target: session.target, table: session.table, pool: session.pool, connectTimeoutMs }),
    run: (build) => work.add(build.start()),
    refresh: async () => {
      session.inspection = await inspect(session.pool, session.table);
    },
  };
}

/**
 * Until an engine implements src/operation.ts itself: its events folded into a snapshot that `getSnapshot()`
 * returns, a new object only when an event changed it. Listens from the moment it is made (before the start).
 */
export function foldEvents<S, E extends OperationEvent>(
  source: { subscribe(fn: (e: E) => void): () => void },
  initial: S,
  fold: (state: S, event: E) => S,
): Observable<S, E> {
  let snapshot = initial;
  const listeners = new Set<(e: E) => void>();
  source.subscribe((event) => {
    const next = fold(snapshot, event);
    if (next === snapshot) return;
    snapshot = next;
    for (const fn of [...listeners]) fn(event);
  });
  return {
    getSnapshot: () => snapshot,
    subscribe: (fn) => {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

/** What the drain screen shows of a running drain. */
export interface DrainRunState {
  progress: DrainProgress | null;
  summary: DrainSummary | null;
}

/** The drain's snapshot (adapter: DrainOperation publishes events only). */
export const observeDrain = (op: DrainOperation): Observable<DrainRunState, DrainEvent> =>
  foldEvents<DrainRunState, DrainEvent>(op, { progress: null, summary: null }, (s, e) =>
    e.type === 'progress' ? { ...s, progress: e.progress } : e.type === 'summary' ? { ...s, summary: e.summary } : s,
  );

/** What the index screen shows of a build. */
export interface IndexBuildState {
  step?: string;
  progress?: IndexBuildProgress;
}

/** The index build's snapshot (adapter: IndexBuild publishes events only). */
export const observeIndexBuild = (build: IndexBuild): Observable<IndexBuildState, IndexBuildEvent> =>
  foldEvents<IndexBuildState, IndexBuildEvent>(build, {}, (s, e) => (e.type === 'progress' ? { ...s, progress: e.progress } : { ...s, step: e.message }));
