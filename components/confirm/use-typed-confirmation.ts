import { useRef, useState } from 'react';
import type { Key } from 'ink';
import { findBinding, hintsFor, keyName } from '../shared/bindings.js';
import type { TextField } from '../shared/key-router.js';
import { CONFIRM_KEYS, type ConfirmKeyContext } from './keys.js';

/** A typed confirmation, as plain data: the word to type, what was typed, and how it ended. */
export interface ConfirmationState {
  word: string;
  typed: string;
  /** Enter was pressed on something other than the word. */
  wrongWord: boolean;
  confirmed: boolean;
}

export type ConfirmationAction =
  { type: 'type'; text: string } | { type: 'backspace' } | { type: 'submit' } | { type: 'cancel' };

export const MAX_TYPED = 64;

export const initialConfirmation = (word: string): ConfirmationState => ({
  word,
  typed: '',
  wrongWord: false,
  confirmed: false,
});

/** Pure: only the exact word (surrounding spaces aside) confirms; a wrong word clears what was typed. */
export function confirmationReducer(state: ConfirmationState, action: ConfirmationAction): ConfirmationState {
  if (state.confirmed) return state;
  switch (action.type) {
    case 'type':
      return { ...state, typed: (state.typed + action.text).slice(0, MAX_TYPED), wrongWord: false };
    case 'backspace':
      return { ...state, typed: state.typed.slice(0, -1), wrongWord: false };
    case 'submit':
      return state.typed.trim() === state.word
        ? { ...state, confirmed: true }
        : { ...state, typed: '', wrongWord: true };
    case 'cancel':
      return initialConfirmation(state.word);
  }
}

/**
 * Pure: the actions one key press makes. Every printable key is text (q and ? too). Fast typing and a paste
 * arrive as one chunk, Enter included ("drain\r"): the text, then the submit; erasures in a chunk erase.
 */
export function confirmationActions(input: string, key: Key): ConfirmationAction[] {
  const name = keyName(input, key);
  const ctx: ConfirmKeyContext = { actions: [] };
  const binding = findBinding(CONFIRM_KEYS, ctx, name);
  if (binding) {
    binding.run(ctx, name);
    return ctx.actions;
  }
  if (key.ctrl || key.meta) return [];
  // A chunk, character by character: text, erasures (keys pressed faster than the screen reads them) and Enter.
  const actions: ConfirmationAction[] = [];
  let text = '';
  const flush = () => {
    if (text) actions.push({ type: 'type', text });
    text = '';
  };
  for (const ch of input) {
    if (ch === '\r' || ch === '\n' || ch === '\u007f' || ch === '\b') {
      flush();
      if (ch === '\u007f' || ch === '\b') actions.push({ type: 'backspace' });
      else if (actions.at(-1)?.type !== 'submit') actions.push({ type: 'submit' });
    } else if (ch >= ' ') text += ch; // other control characters (a stray escape sequence, a tab) are not text
  }
  flush();
  return actions;
}

/**
 * The typed confirmation every destructive console action goes through: `capture` takes every key while it is
 * shown; Esc calls onCancel, the right word and Enter call onConfirm (once). Either way it starts afresh.
 */
export function useTypedConfirmation(
  word: string,
  onConfirm: () => void,
  onCancel: () => void,
): { state: ConfirmationState; field: TextField } {
  const [state, setState] = useState(() => initialConfirmation(word));
  // The latest state for keys that arrive before the next frame (typed fast, then Enter).
  const current = useRef(state);
  const capture = (input: string, key: Key) => {
    for (const action of confirmationActions(input, key)) {
      const next = confirmationReducer(current.current, action);
      const ended = action.type === 'cancel' || next.confirmed;
      current.current = ended ? initialConfirmation(word) : next;
      setState(current.current);
      if (action.type === 'cancel') return onCancel();
      if (next.confirmed) return onConfirm();
    }
  };
  const field: TextField = { capture, hints: CONFIRM_HINTS };
  return { state, field };
}

const CONFIRM_HINTS = hintsFor(CONFIRM_KEYS, { actions: [] });
