import { connectClient } from '../db.js';
import type { Session } from '../session.js';
import type { RebuildStats } from './events.js';
import { RebuildOperation } from './operation.js';
import { preflight, type Preflight } from './preflight.js';
import { RunningWork } from '../work.js';

/**
 * What the console's rebuild wizard may do: check, then create and start one operation. It never runs SQL itself.
 * Quitting the console aborts it (the wizard does) and waits for it to reach its next safe point, as `rebuild` does
 * on a signal.
 */
export interface RebuildEngine {
  tableName: string;
  preflight(): Promise<Preflight>;
  rebuild(): RebuildOperation<RebuildStats>;
  /** Finish an interrupted rebuild from its journal. */
  finish(): RebuildOperation<RebuildStats>;
  undo(): RebuildOperation<{ removed: string[] }>;
  /** Start it; quitting the console waits for it. */
  run<T>(op: RebuildOperation<T>): Promise<T>;
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
    rebuild: () => RebuildOperation.rebuild(connect, session.table),
    finish: () => RebuildOperation.finish(connect, session.table),
    undo: () => RebuildOperation.undo(connect, session.table),
    run: (op) => work.add(op.start()),
  };
}
