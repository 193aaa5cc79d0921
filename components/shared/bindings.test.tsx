import { describe, expect, test } from 'vitest';
import type { Key } from 'ink';
import { findBinding, hintsFor, keyName } from './bindings.js';
import { DRAIN_KEYS, type DrainKeyContext } from '../drain/keys.js';
import { REBUILD_KEYS, type RebuildKeyContext } from '../rebuild/keys.js';
import { SCHEDULE_KEYS, type ScheduleKeyContext } from '../schedule/keys.js';
import { HOME_BINDINGS, HELP_GROUPS, SCREENS } from '../screens.js';
import type { HomeKeyContext } from '../home/keys.js';
import { helpLayout, wrappedRows } from '../help/Help.js';

const keys = (hints: Array<{ key: string }>) => hints.map((h) => h.key);

describe('bindings', () => {
  test('key names', () => {
    expect(keyName('c', { ctrl: true } as Key)).toBe('ctrl+c');
    expect(keyName('', { escape: true } as Key)).toBe('esc');
    expect(keyName('', { return: true } as Key)).toBe('enter');
    expect(keyName(' ', {} as Key)).toBe('space');
    expect(keyName('+', {} as Key)).toBe('+');
  });

  test('the drain: no p, +/-, s before it starts; Esc while it runs says to stop first', () => {
    const notices: string[] = [];
    const ctx = (phase: DrainKeyContext['phase'], op: DrainKeyContext['op'] = null): DrainKeyContext => ({
      phase,
      op,
      back: () => notices.push('back'),
      notice: (t) => notices.push(t),
    });
    expect(keys(hintsFor(DRAIN_KEYS, ctx('planning')))).toEqual(['esc']);
    expect(keys(hintsFor(DRAIN_KEYS, ctx('finished')))).toEqual(['esc']);
    const running = ctx('running', { progress: { paused: false } } as never);
    expect(keys(hintsFor(DRAIN_KEYS, running))).toEqual(['p', '+/-', 's']);
    findBinding(DRAIN_KEYS, running, 'esc')!.run(running, 'esc');
    expect(notices).toEqual(['s stops the drain first (after its current batch); then Esc goes home']);
  });

  test('the rebuild checklist offers Enter and Esc only; s while it runs; f/u after an interruption', () => {
    const ctx = (c: Partial<RebuildKeyContext>): RebuildKeyContext => ({
      phase: 'checklist',
      ready: true,
      recoverable: false,
      stopping: false,
      confirm: () => {},
      stop: () => {},
      back: () => {},
      ...c,
    });
    expect(keys(hintsFor(REBUILD_KEYS, ctx({})))).toEqual(['enter', 'esc']);
    expect(keys(hintsFor(REBUILD_KEYS, ctx({ ready: false })))).toEqual(['esc']);
    expect(keys(hintsFor(REBUILD_KEYS, ctx({ phase: 'running' })))).toEqual(['s']);
    expect(keys(hintsFor(REBUILD_KEYS, ctx({ phase: 'failed', recoverable: true })))).toEqual(['f/u', 'esc']);
  });

  test('the schedule: s starts or stops, by its state', () => {
    const ctx = (on: boolean): ScheduleKeyContext => ({
      on,
      ask: () => {},
      stop: () => {},
      runNow: () => {},
      back: () => {},
    });
    expect(hintsFor(SCHEDULE_KEYS, ctx(false))).toEqual([
      { key: 's', label: 'start' },
      { key: 'esc', label: 'home' },
    ]);
    expect(hintsFor(SCHEDULE_KEYS, ctx(true))).toEqual([
      { key: 's', label: 'stop' },
      { key: 'n', label: 'run now' },
      { key: 'esc', label: 'home' },
    ]);
  });
});

describe('the screen registry', () => {
  const session = (inspection: object) =>
    ({ inspection: { writeBlockers: [], isOwner: true, createdAtIndex: 'missing', ...inspection } }) as never;
  const home = (s: unknown): HomeKeyContext => ({
    session: s as never,
    sampler: {} as never,
    state: {} as never,
    open: () => {},
  });

  test('home offers each screen by its availability rule, written once', () => {
    expect(keys(hintsFor(HOME_BINDINGS, home(session({}))))).toEqual(['r', '+/-', 'space', 'g', 'd', 'i', 'c', 'b']);
    expect(keys(hintsFor(HOME_BINDINGS, home(session({ createdAtIndex: 'valid' }))))).toEqual([
      'r',
      '+/-',
      'space',
      'g',
      'd',
      'c',
      'b',
    ]);
    expect(keys(hintsFor(HOME_BINDINGS, home(session({ isOwner: false }))))).toEqual([
      'r',
      '+/-',
      'space',
      'g',
      'd',
      'i',
      'c',
    ]);
    expect(keys(hintsFor(HOME_BINDINGS, home(session({ writeBlockers: ['read-only replica'] }))))).toEqual([
      'r',
      '+/-',
      'space',
      'g',
    ]);
  });

  test('every screen has a title, and the help lists every screen in order', () => {
    expect(SCREENS.map((s) => s.id)).toEqual(['home', 'growth', 'drain', 'index', 'schedule', 'rebuild']);
    expect(HELP_GROUPS.map((g) => g.title)).toEqual([
      'Home',
      'Growth',
      'Drain',
      'Index',
      'Schedule',
      'Rebuild',
      'Typed confirmation (drain, schedule, rebuild)',
      'Everywhere',
    ]);
  });

  test('the help scrolls when it does not fit', () => {
    expect(wrappedRows('a b c', 3)).toBe(2);
    expect(helpLayout(HELP_GROUPS, 120, 60).maxOffset).toBe(0);
    expect(helpLayout(HELP_GROUPS, 80, 21).maxOffset).toBeGreaterThan(0);
  });
});
