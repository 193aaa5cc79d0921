import type { Growth } from '../../src/growth.js';

/** The growth view: read on demand (30 days of "createdAt"). */
export type GrowthState = { kind: 'loading' } | { kind: 'loaded'; data: Growth } | { kind: 'failed'; message: string };

export type GrowthAction = { type: 'load' } | { type: 'loaded'; data: Growth } | { type: 'failed'; message: string };

export const initialGrowth: GrowthState = { kind: 'loading' };

/** Pure: a reading replaces the figures; a new read shows loading. */
export function growthReducer(_state: GrowthState, action: GrowthAction): GrowthState {
  switch (action.type) {
    case 'load':
      return { kind: 'loading' };
    case 'loaded':
      return { kind: 'loaded', data: action.data };
    case 'failed':
      return { kind: 'failed', message: action.message };
  }
}
