import { analyze } from './analyze.js';
import { capture } from './capture.js';
import { cleanup } from './cleanup.js';
import { copy } from './copy.js';
import { createTable } from './create-table.js';
import { indexes } from './indexes.js';
import { replay } from './replay.js';
import { swap } from './swap.js';
import { validate } from './validate.js';
import { verifySchema } from './verify-schema.js';
import { verify } from './verify.js';

export type { RebuildStep } from './step.js';

/**
 * The online rebuild, in order: the one list the runner, the plan (`rebuild --dry-run`, the JSON 'plan' line), the
 * labels and the console's step list all come from. A step is added here and in its own file, nowhere else.
 */
export const STEPS = [
  createTable,
  capture,
  copy,
  indexes,
  replay,
  verify,
  swap,
  validate,
  analyze,
  verifySchema,
  cleanup,
] as const;

export type StepName = (typeof STEPS)[number]['name'];

export const STEP_LABELS = Object.fromEntries(STEPS.map((s) => [s.name, s.label])) as Record<StepName, string>;

export interface PlanStep {
  step: StepName;
  label: string;
  lock: string;
  /** The sql/ files the step runs, in order. */
  files: string[];
}

/** The plan's steps as `rebuild --dry-run --json` writes them. */
export const PLAN_STEPS: PlanStep[] = STEPS.map((s) => ({
  step: s.name,
  label: s.label,
  lock: s.lock,
  files: s.files,
}));
