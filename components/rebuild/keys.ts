import type { Binding } from '../shared/bindings.js';
import type { RebuildIntent, RebuildWizardState } from './use-rebuild-state.js';

export interface RebuildKeyContext {
  phase: RebuildWizardState['phase'];
  /** The checklist passed: Enter goes on. */
  ready: boolean;
  /** f and u can finish or undo an interrupted rebuild. */
  recoverable: boolean;
  stopping: boolean;
  confirm(intent: RebuildIntent): void;
  stop(): void;
  back(): void;
}

/** Keys of the rebuild wizard (its typed confirmations have their own: components/confirm/keys.ts). */
export const REBUILD_KEYS: Binding<RebuildKeyContext>[] = [
  {
    keys: ['enter'],
    label: 'next',
    help: 'rebuild: from the checklist to the typed confirmation (type UserSession, then Enter)',
    when: (c) => c.phase === 'checklist' && c.ready,
    run: (c) => c.confirm('rebuild'),
  },
  {
    keys: ['s'],
    label: 'stop',
    help: 'rebuild: stop at the next safe point; recover finishes or undoes it',
    when: (c) => c.phase === 'running' && !c.stopping,
    run: (c) => c.stop(),
  },
  {
    keys: ['f', 'u'],
    label: 'finish/undo',
    help: 'rebuild: after an interruption, finish it or undo it (type the table name to confirm)',
    when: (c) => c.recoverable,
    run: (c, key) => c.confirm(key === 'f' ? 'finish' : 'undo'),
  },
  {
    keys: ['esc'],
    label: 'back',
    help: 'rebuild: back home (not while it runs)',
    when: (c) => c.phase !== 'running',
    run: (c) => c.back(),
  },
];
