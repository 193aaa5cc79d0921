import type { DrainOperation } from '../../src/drain/operation.js';
import type { Binding } from '../shared/bindings.js';
import type { DrainPhase } from './use-drain-state.js';

export interface DrainKeyContext {
  phase: DrainPhase;
  /** The running drain; null before the confirmation. */
  op: DrainOperation | null;
  back(): void;
  notice(text: string): void;
}

const running = (c: DrainKeyContext) => c.phase === 'running' && c.op !== null;

/** Keys of the drain screen (its typed confirmation has its own: components/confirm/keys.ts). */
export const DRAIN_KEYS: Binding<DrainKeyContext>[] = [
  {
    keys: ['p'],
    label: 'pause/resume',
    help: 'drain: pause or resume between batches',
    when: running,
    run: (c) => (c.op!.getSnapshot().progress.paused ? c.op!.resume() : c.op!.pause()),
  },
  {
    keys: ['+', '-'],
    label: 'faster/slower',
    help: 'drain: longer batches and shorter pauses, or the reverse',
    when: running,
    run: (c, key) => (key === '+' ? c.op!.faster() : c.op!.slower()),
  },
  {
    keys: ['s'],
    label: 'stop',
    help: 'drain: stop after the current batch, then ANALYZE and the summary',
    when: running,
    run: (c) => c.op!.abort(),
  },
  {
    keys: ['esc'],
    label: 'home',
    help: 'drain: back home (before the start or after the end)',
    when: (c) => !running(c),
    run: (c) => c.back(),
  },
  {
    keys: ['esc'],
    when: running,
    run: (c) => c.notice('s stops the drain first (after its current batch); then Esc goes home'),
  },
];
