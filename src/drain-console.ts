import { DrainOperation, planDrain, type DrainPlan } from './drain.js';
import { IndexBuild } from './create-index.js';
import { inspect } from './inspect.js';
import type { Session } from './session.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from './throttle.js';

/** What the console's drain screen may do: plan, then start one operation. It never runs SQL itself. */
export interface DrainEngine {
  settings: ThrottleSettings;
  plan(): Promise<DrainPlan>;
  create(): DrainOperation;
}

export function drainEngineFor(session: Session, connectTimeoutMs = 10_000, settings: ThrottleSettings = DEFAULT_THROTTLE): DrainEngine {
  return {
    settings,
    plan: () => planDrain(session.pool, session.table),
    create: () => new DrainOperation({ target: session.target, table: session.table, connectTimeoutMs, throttle: settings }),
  };
}

/** What the console's index screen may do. */
export interface IndexEngine {
  create(): IndexBuild;
  /** Read the inspection again (the index state changed) into the session. */
  refresh(): Promise<void>;
}

export function indexEngineFor(session: Session, connectTimeoutMs = 10_000): IndexEngine {
  return {
    create: () => new IndexBuild({ target: session.target, table: session.table, pool: session.pool, connectTimeoutMs }),
    refresh: async () => {
      session.inspection = await inspect(session.pool, session.table);
    },
  };
}
