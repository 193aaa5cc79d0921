import type { RebuildEvent, RebuildStats } from '../../src/rebuild/events.js';
import type { Preflight } from '../../src/rebuild/preflight.js';
import { STEPS, type StepName } from '../../src/rebuild/steps/index.js';

export interface StepState {
  status: 'pending' | 'running' | 'done' | 'skipped';
  done: number;
  total: number;
  unit: string;
  ms?: number;
}

export interface RebuildWizardState {
  phase: 'checking' | 'checklist' | 'confirm' | 'running' | 'done' | 'failed' | 'undone';
  preflight?: Preflight;
  typed: string;
  /** Enter was pressed on something other than the table name. */
  wrongName: boolean;
  steps: Record<StepName, StepState>;
  lockHoldMs?: number;
  retries: number;
  lastRetry?: string;
  stats?: RebuildStats;
  error?: string;
  stopping: boolean;
}

export type RebuildAction =
  | { type: 'preflight'; preflight: Preflight }
  | { type: 'confirm' }
  | { type: 'type'; char: string }
  | { type: 'backspace' }
  | { type: 'wrongName' }
  | { type: 'start' }
  | { type: 'event'; event: RebuildEvent }
  | { type: 'stopping' }
  | { type: 'done'; stats: RebuildStats }
  | { type: 'undone' }
  | { type: 'failed'; message: string };

const emptySteps = () => Object.fromEntries(STEPS.map((s) => [s.name, { status: 'pending', done: 0, total: 0, unit: '' }])) as Record<StepName, StepState>;

export const initialRebuildState = (): RebuildWizardState => ({ phase: 'checking', typed: '', wrongName: false, steps: emptySteps(), retries: 0, stopping: false });

/** The wizard's state, from plain actions: no I/O (tested alone). */
export function rebuildReducer(state: RebuildWizardState, action: RebuildAction): RebuildWizardState {
  switch (action.type) {
    case 'preflight':
      return { ...state, phase: 'checklist', preflight: action.preflight };
    case 'confirm':
      return state.preflight?.ok ? { ...state, phase: 'confirm', typed: '' } : state;
    case 'type':
      return state.phase === 'confirm' ? { ...state, typed: (state.typed + action.char).slice(0, 64), wrongName: false } : state;
    case 'backspace':
      return state.phase === 'confirm' ? { ...state, typed: state.typed.slice(0, -1), wrongName: false } : state;
    case 'wrongName':
      return state.phase === 'confirm' ? { ...state, typed: '', wrongName: true } : state;
    case 'start':
      return { ...state, phase: 'running', steps: emptySteps() };
    case 'stopping':
      return { ...state, stopping: true };
    case 'event': {
      const e = action.event;
      const steps = { ...state.steps };
      if (e.type === 'step') {
        steps[e.step] = { ...steps[e.step], status: e.status === 'start' ? 'running' : e.status, ms: e.ms };
        const lock = e.step === 'swap' && e.status === 'done' ? (e.detail?.lockHoldMs as number | undefined) : undefined;
        return { ...state, steps, lockHoldMs: lock ?? state.lockHoldMs };
      }
      if (e.type === 'progress') {
        steps[e.step] = { ...steps[e.step], done: e.done, total: e.total, unit: e.unit };
        return { ...state, steps };
      }
      const who = e.blockers.filter((b) => b.granted).map((b) => `pid ${b.pid} (${Math.round(b.ageSeconds)}s)`);
      return { ...state, retries: state.retries + 1, lastRetry: `${e.step}: lock busy, attempt ${e.attempt}${who.length ? `, held by ${who.join(', ')}` : ''}` };
    }
    case 'done':
      return { ...state, phase: 'done', stats: action.stats, lockHoldMs: action.stats.lockHoldMs };
    case 'undone':
      return { ...state, phase: 'undone' };
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
  }
}
