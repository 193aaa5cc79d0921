import { connectClient } from '../db.js';
import type { Session } from '../session.js';
import type { RebuildEvent, RebuildStats } from './events.js';
import { runRebuild, finishRebuild } from './runner.js';
import { preflight, type Preflight } from './preflight.js';
import { undoRebuild } from './recover.js';
import { RunningWork } from '../work.js';

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
    connectClient(session.target, { connectTimeoutMs, readOnly: false, statementTimeoutMs: 0, applicationName: 'hatchet-sessions rebuild' });
  return {
    tableName: session.table.name,
    preflight: () => preflight(session.pool, session.table),
    run: (onEvent, stop) => work.add(runRebuild(connect, session.table, { onEvent, stop })),
    finish: (onEvent, stop) => work.add(finishRebuild(connect, session.table, { onEvent, stop })),
    undo: () => work.add(undoRebuild(connect, session.table)),
  };
}
