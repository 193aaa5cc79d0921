import type { Binding } from '../shared/bindings.js';
import type { ConfirmationAction } from './use-typed-confirmation.js';

/** What a key of the confirmation adds to: the actions for its reducer. */
export interface ConfirmKeyContext {
  actions: ConfirmationAction[];
}

/** Keys of a typed confirmation; every other printable key is text. */
export const CONFIRM_KEYS: Binding<ConfirmKeyContext>[] = [
  {
    keys: ['enter'],
    label: 'confirm',
    help: 'confirm, once the word shown is typed (a wrong word starts nothing)',
    run: (c) => void c.actions.push({ type: 'submit' }),
  },
  {
    keys: ['esc'],
    label: 'cancel',
    help: 'cancel: nothing is done',
    run: (c) => void c.actions.push({ type: 'cancel' }),
  },
  {
    keys: ['backspace'],
    help: 'erase a character; every other key is text here (q and ? too), Ctrl-C still quits',
    run: (c) => void c.actions.push({ type: 'backspace' }),
  },
];
