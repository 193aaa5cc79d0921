import { connectClient } from '../db.js';
import type { Session } from '../session.js';
import { runRebuild, finishRebuild, type RebuildEvent, type RebuildStats } from './engine.js';
import { preflight, type Preflight } from './preflight.js';
import { undoRebuild } from './recover.js';

/** What the console's rebuild wizard may do. It never runs SQL itself. */
export interface RebuildEngine {
  tableName: string;
  preflight(): Promise<Preflight>;
  run(onEvent: (e: RebuildEvent) => void, stop: { stopped: boolean }): Promise<RebuildStats>;
  finish(onEvent: (e: RebuildEvent) => void, stop: { stopped: boolean }): Promise<RebuildStats>;
  undo(): Promise<{ removed: string[] }>;
}

export function rebuildEngineFor(session: Session, connectTimeoutMs = 10_000): RebuildEngine {
  const connect = () =>
    connectClient(session.target, { connectTimeoutMs, readOnly: false, statementTimeoutMs: 0, applicationName: 'hatchet-sessions rebuild' });
  return {
    tableName: session.table.name,
    preflight: () => preflight(session.pool, session.table),
    run: (onEvent, stop) => runRebuild(connect, session.table, { onEvent, stop }),
    finish: (onEvent, stop) => finishRebuild(connect, session.table, { onEvent, stop }),
    undo: () => undoRebuild(connect, session.table),
  };
}
