import type { RebuildRunState } from '../../src/rebuild/operation.js';
import type { RebuildStats } from '../../src/rebuild/events.js';
import type { Preflight } from '../../src/rebuild/preflight.js';

/** What a typed confirmation of the wizard starts: the rebuild, or the finish or undo of an interrupted one. */
export type RebuildIntent = 'rebuild' | 'finish' | 'undo';

/** The wizard, as plain data: what the operator did and how it ended (the steps come from the run's snapshot). */
export interface RebuildWizardState {
  phase: 'checking' | 'checklist' | 'confirm' | 'running' | 'done' | 'failed' | 'undone';
  intent: RebuildIntent;
  preflight?: Preflight;
  stats?: RebuildStats;
  error?: string;
}

export type RebuildAction =
  | { type: 'preflight'; preflight: Preflight }
  /** Ask for the typed table name: the rebuild from a passing checklist, finish or undo after an interruption. */
  | { type: 'confirm'; intent?: RebuildIntent }
  | { type: 'cancel' }
  | { type: 'start' }
  | { type: 'done'; stats: RebuildStats }
  | { type: 'undone' }
  | { type: 'failed'; message: string };

export const initialRebuildState = (): RebuildWizardState => ({ phase: 'checking', intent: 'rebuild' });

/** The wizard's state, from plain actions: no I/O (tested alone). */
export function rebuildReducer(state: RebuildWizardState, action: RebuildAction): RebuildWizardState {
  switch (action.type) {
    case 'preflight':
      return { ...state, phase: 'checklist', preflight: action.preflight };
    case 'confirm': {
      const intent = action.intent ?? 'rebuild';
      const from = intent === 'rebuild' ? state.phase === 'checklist' && state.preflight?.ok : state.phase === 'failed';
      return from ? { ...state, phase: 'confirm', intent } : state;
    }
    case 'cancel':
      return state.phase === 'confirm'
        ? { ...state, phase: state.intent === 'rebuild' ? 'checklist' : 'failed' }
        : state;
    case 'start':
      return state.phase === 'confirm' ? { ...state, phase: 'running', error: undefined } : state;
    case 'done':
      return { ...state, phase: 'done', stats: action.stats };
    case 'undone':
      return { ...state, phase: 'undone' };
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
  }
}

/** Pure: a run got as far as creating the new table, so its steps are worth showing after it stopped. */
export const runStarted = (run: RebuildRunState | undefined): boolean =>
  run !== undefined && run.steps.create_table.status !== 'pending';

/** Pure: after a failure, f and u finish or undo what was left (leftovers found, or a run that had begun). */
export const canRecover = (state: RebuildWizardState, run: RebuildRunState | undefined): boolean =>
  state.phase === 'failed' && (Boolean(state.preflight?.leftovers.found) || runStarted(run));
