import type { DrainEvent, DrainPlan, DrainProgress, DrainSummary } from '../src/drain/types.js';

/** The drain screen, as plain data: what the panel renders. */
export interface DrainScreenState {
  phase: 'planning' | 'confirm' | 'running' | 'finished' | 'failed';
  plan?: DrainPlan;
  /** What the operator typed at the confirmation. */
  typed: string;
  /** Set when Enter was pressed on a wrong word. */
  wrongWord: boolean;
  progress?: DrainProgress;
  summary?: DrainSummary;
  error?: string;
}

export type DrainScreenAction =
  | { type: 'plan'; plan: DrainPlan }
  | { type: 'failed'; message: string }
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'submit' }
  | { type: 'event'; event: DrainEvent };

export const CONFIRM_WORD = 'drain';

export const initialDrainState: DrainScreenState = { phase: 'planning', typed: '', wrongWord: false };

/** Pure: every change of the drain screen. 'submit' with the right word moves to running. */
export function drainScreenReducer(state: DrainScreenState, action: DrainScreenAction): DrainScreenState {
  switch (action.type) {
    case 'plan':
      return state.phase === 'planning' ? { ...state, phase: 'confirm', plan: action.plan } : state;
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
    case 'type':
      if (state.phase !== 'confirm') return state;
      return { ...state, typed: (state.typed + action.text).slice(0, 20), wrongWord: false };
    case 'backspace':
      if (state.phase !== 'confirm') return state;
      return { ...state, typed: state.typed.slice(0, -1), wrongWord: false };
    case 'submit':
      if (state.phase !== 'confirm') return state;
      return state.typed.trim() === CONFIRM_WORD ? { ...state, phase: 'running' } : { ...state, typed: '', wrongWord: true };
    case 'event': {
      const e = action.event;
      if (e.type === 'progress') return { ...state, progress: e.progress };
      if (e.type === 'summary') {
        return { ...state, phase: e.summary.stopReason === 'error' && e.summary.batches === 0 ? 'failed' : 'finished', summary: e.summary, error: e.summary.error };
      }
      return state;
    }
  }
}
