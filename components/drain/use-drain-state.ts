import type { DrainPlan } from '../../src/drain/types.js';
import type { DrainRunState } from '../../src/drain/types.js';

/** The drain screen, as plain data: what the operator did (the running drain's figures come from its snapshot). */
export interface DrainScreenState {
  phase: 'planning' | 'confirm' | 'running' | 'failed';
  plan?: DrainPlan;
  error?: string;
  /** One line answering a key that cannot act now (Esc while it runs). */
  notice?: string;
}

export type DrainScreenAction =
  | { type: 'plan'; plan: DrainPlan }
  | { type: 'failed'; message: string }
  /** The typed confirmation was given. */
  | { type: 'start' }
  | { type: 'notice'; text: string };

/** The word the drain's typed confirmation asks for. */
export const CONFIRM_WORD = 'drain';

export const initialDrainState: DrainScreenState = { phase: 'planning' };

/** Pure: every change of the drain screen. Only a plan leads to the confirmation, only the confirmation to running. */
export function drainScreenReducer(state: DrainScreenState, action: DrainScreenAction): DrainScreenState {
  switch (action.type) {
    case 'plan':
      return state.phase === 'planning' ? { ...state, phase: 'confirm', plan: action.plan } : state;
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
    case 'start':
      return state.phase === 'confirm' ? { ...state, phase: 'running' } : state;
    case 'notice':
      return state.phase === 'running' ? { ...state, notice: action.text } : state;
  }
}

export type DrainPhase = DrainScreenState['phase'] | 'finished';

/** Pure: the phase on screen, the drain's own end included (a summary; one that failed before any batch is a failure). */
export function drainPhase(state: DrainScreenState, run: DrainRunState | undefined): DrainPhase {
  const summary = run?.summary;
  if (state.phase !== 'running' || !summary) return state.phase;
  return summary.stopReason === 'error' && summary.batches === 0 ? 'failed' : 'finished';
}
