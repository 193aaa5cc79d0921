import type { Session } from '../session.js';
import { RunningWork } from '../work.js';
import { DrainOperation } from './operation.js';
import { planDrain } from './plan.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from './throttle.js';
import type { DrainPlan, DrainSummary } from './types.js';

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
    create: () =>
      new DrainOperation({ target: session.target, table: session.table, connectTimeoutMs, throttle: settings }),
    run: (op) => work.add(op.start()),
  };
}
