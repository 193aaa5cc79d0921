import { frameMatching } from '../../test/helpers.js';
import React from 'react';
import { describe, expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import type { Key } from 'ink';
import type { TextField } from '../shared/key-router.js';
import { TypedConfirmation } from './TypedConfirmation.js';
import {
  confirmationActions,
  confirmationReducer,
  initialConfirmation,
  useTypedConfirmation,
  type ConfirmationAction,
} from './use-typed-confirmation.js';

const key = (k: Partial<Key> = {}) => k as Key;
const apply = (actions: ConfirmationAction[], word = 'drain') =>
  actions.reduce(confirmationReducer, initialConfirmation(word));

describe('the typed confirmation reducer', () => {
  test('only the exact word confirms; a wrong one clears and says so; nothing after confirming', () => {
    let s = apply([{ type: 'type', text: 'drian' }, { type: 'submit' }]);
    expect(s).toEqual({ word: 'drain', typed: '', wrongWord: true, confirmed: false });
    s = [{ type: 'type', text: ' drainx' }, { type: 'backspace' }, { type: 'submit' }].reduce(confirmationReducer, s);
    expect(s).toMatchObject({ typed: ' drain', wrongWord: false, confirmed: true });
    expect(confirmationReducer(s, { type: 'type', text: 'x' })).toBe(s);
    expect(confirmationReducer({ ...s, confirmed: false }, { type: 'cancel' })).toEqual(initialConfirmation('drain'));
  });

  test('at most 64 characters are kept', () => {
    expect(apply([{ type: 'type', text: 'x'.repeat(100) }]).typed).toHaveLength(64);
  });
});

describe('keys into actions', () => {
  test('every printable key is text, q and ? included', () => {
    expect(confirmationActions('q', key())).toEqual([{ type: 'type', text: 'q' }]);
    expect(confirmationActions('?', key())).toEqual([{ type: 'type', text: '?' }]);
    expect(confirmationActions(' ', key())).toEqual([{ type: 'type', text: ' ' }]);
  });

  test('Enter submits, Esc cancels, Backspace erases; Ctrl and Meta chords are not text', () => {
    expect(confirmationActions('', key({ return: true }))).toEqual([{ type: 'submit' }]);
    expect(confirmationActions('', key({ escape: true }))).toEqual([{ type: 'cancel' }]);
    expect(confirmationActions('', key({ backspace: true }))).toEqual([{ type: 'backspace' }]);
    expect(confirmationActions('x', key({ ctrl: true }))).toEqual([]);
  });

  test('a fast chunk: text, then Enter ("drain\\r"); erasures inside a chunk erase', () => {
    expect(confirmationActions('drain\r', key())).toEqual([{ type: 'type', text: 'drain' }, { type: 'submit' }]);
    expect(apply(confirmationActions('q?\u007f\u007fdrain\r', key())).confirmed).toBe(true);
    expect(confirmationActions('a\tb', key())).toEqual([{ type: 'type', text: 'ab' }]);
  });
});

function Harness({ log, out }: { log: string[]; out: { field?: TextField } }) {
  const { state, field } = useTypedConfirmation(
    'schedule',
    () => log.push('confirmed'),
    () => log.push('cancelled'),
  );
  out.field = field; // the test gives the keys to the field as the console's router does
  return <TypedConfirmation state={state} action="to start the schedule" />;
}

describe('the hook and its view', () => {
  test('exact lines: the word, what was typed, a wrong word, how to leave', () => {
    const lines = render(
      <TypedConfirmation state={{ ...initialConfirmation('drain'), wrongWord: true }} action="to start" />,
    )
      .lastFrame()!
      .split('\n');
    expect(lines).toEqual([
      '',
      'Type drain and press Enter to start:   not "drain": nothing started',
      'Esc cancels · every key is text here, q and ? too · Ctrl-C quits',
    ]);
  });

  test('the hook confirms once on the word and Enter, and cancels on Esc', async () => {
    const log: string[] = [];
    const out: { field?: TextField } = {};
    const ui = render(<Harness log={log} out={out} />);
    const field = () => out.field!;
    field().capture('sched', key());
    await frameMatching(ui.lastFrame, (f) => f.includes('press Enter to start the schedule: sched'));
    field().capture('ule\r', key());
    expect(log).toEqual(['confirmed']);
    await frameMatching(ui.lastFrame, /to start the schedule:\s*$/m); // afresh for the next time
    field().capture('', key({ escape: true }));
    expect(log).toEqual(['confirmed', 'cancelled']);
    ui.unmount();
  });
});
