import { IndexBuild, type IndexBuildEvent, type IndexBuildProgress, type IndexBuildResult } from './create-index.js';
import { inspect } from './inspect.js';
import { foldEvents, type Observable } from './operation.js';
import type { Session } from './session.js';
import { RunningWork } from './work.js';

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
    create: () =>
      new IndexBuild({ target: session.target, table: session.table, pool: session.pool, connectTimeoutMs }),
    run: (build) => work.add(build.start()),
    refresh: async () => {
      session.inspection = await inspect(session.pool, session.table);
    },
  };
}

/** What the index screen shows of a build. */
export interface IndexBuildState {
  step?: string;
  progress?: IndexBuildProgress;
}

/** The index build's snapshot (adapter: IndexBuild publishes events only). */
export const observeIndexBuild = (build: IndexBuild): Observable<IndexBuildState, IndexBuildEvent> =>
  foldEvents<IndexBuildState, IndexBuildEvent>(build, {}, (s, e) =>
    e.type === 'progress' ? { ...s, progress: e.progress } : { ...s, step: e.message },
  );
