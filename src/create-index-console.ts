import { IndexBuild, type IndexBuildResult } from './create-index.js';
import { inspect } from './inspect.js';
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
