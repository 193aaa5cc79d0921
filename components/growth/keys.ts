import type { Binding } from '../shared/bindings.js';

export interface GrowthKeyContext {
  reload(): void;
  back(): void;
}

/** Keys of the growth view. */
export const GROWTH_KEYS: Binding<GrowthKeyContext>[] = [
  { keys: ['r'], label: 'reload', help: 'growth view: read the figures again', run: (c) => c.reload() },
  { keys: ['esc', 'g'], hint: 'esc', label: 'home', help: 'back to the home screen (also g)', run: (c) => c.back() },
];
