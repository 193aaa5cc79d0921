import type { SqlName } from '../../sql.js';
import type { Ctx } from '../context.js';

/** One step of the online rebuild: what the plan, the console, `--dry-run` and the runner know of it. */
export interface RebuildStep<N extends string = string> {
  /** Its name in the journal and the events. */
  name: N;
  /** One line for people (the plan, the console, the text output). */
  label: string;
  /** The locks it takes, in words (the plan). */
  lock: string;
  /** The sql/ files it runs, in order (printed by `rebuild --dry-run`). */
  files: SqlName[];
  /** Does the step and journals it as done, in its own transaction(s); the runner journals its start. */
  run(ctx: Ctx): Promise<void>;
  /** The figures its 'done' event carries, if any. */
  detail?(ctx: Ctx): Record<string, unknown> | undefined;
}

/** A step, its name kept as a literal type (StepName is the union of the ordered list's names). */
export const defineStep = <N extends string>(step: RebuildStep<N>): RebuildStep<N> => step;
