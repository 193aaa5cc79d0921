import type { Binding } from '../shared/bindings.js';
import type { IndexScreenState } from './use-index-state.js';

export interface IndexKeyContext {
  phase: IndexScreenState['phase'];
  build(): void;
  cancel(): void;
  back(): void;
}

const asking = (c: IndexKeyContext) => c.phase === 'confirm';

/** Keys of the index screen (the build is CONCURRENTLY, blocks no writes and can be cancelled: y is its confirmation). */
export const INDEX_KEYS: Binding<IndexKeyContext>[] = [
  {
    keys: ['y'],
    label: 'build',
    help: "index: build Hatchet's index (CREATE INDEX CONCURRENTLY)",
    when: asking,
    run: (c) => c.build(),
  },
  {
    keys: ['esc', 'n'],
    hint: 'esc',
    label: 'back',
    help: 'index: back home, or cancel a build in progress',
    when: asking,
    run: (c) => c.back(),
  },
  { keys: ['esc'], label: 'cancel', when: (c) => c.phase === 'building', run: (c) => c.cancel() },
  { keys: ['esc'], label: 'back', when: (c) => c.phase === 'done' || c.phase === 'failed', run: (c) => c.back() },
];
