import type { IndexBuildResult } from '../../src/create-index.js';

/** The index screen, as plain data (the build's step and progress come from its snapshot). */
export interface IndexScreenState {
  phase: 'confirm' | 'building' | 'done' | 'failed';
}

export type IndexScreenAction = { type: 'build' } | { type: 'finished'; outcome: IndexBuildResult['outcome'] };

export const initialIndexScreen: IndexScreenState = { phase: 'confirm' };

/** Pure: y builds once; the build ends done (created, or found valid) or failed. */
export function indexScreenReducer(state: IndexScreenState, action: IndexScreenAction): IndexScreenState {
  switch (action.type) {
    case 'build':
      return state.phase === 'confirm' ? { phase: 'building' } : state;
    case 'finished':
      return state.phase === 'building'
        ? { phase: action.outcome === 'created' || action.outcome === 'exists' ? 'done' : 'failed' }
        : state;
  }
}
