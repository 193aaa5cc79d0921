import { waitUntil } from '../../test/helpers.js';
import React from 'react';
import { expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { SchedulePanel, type ScheduleControls } from './SchedulePanel.js';
import { ScheduleView } from './ScheduleView.js';
import { initialConfirmation } from '../confirm/use-typed-confirmation.js';
import { initialScheduleScreen, SCHEDULE_WORD, scheduleScreenReducer } from './use-schedule-state.js';
import type { ScheduleState } from '../../src/schedule/scheduler.js';

const now = new Date('2026-11-28T12:00:00Z');
const base: ScheduleState = {
  running: false,
  stopping: false,
  nextRunAt: new Date('2026-11-28T12:42:10Z'),
  current: null,
  lastRun: null,
  history: [],
  connected: true,
  lockHeld: false,
};

test('off, before the first start', () => {
  const frame = render(<ScheduleView state={null} description="every 1h" now={now} />).lastFrame()!;
  expect(frame).toContain('Schedule: off');
  expect(frame).toContain('no runs yet');
});

test('countdown, last run and history', () => {
  const state: ScheduleState = {
    ...base,
    lastRun: {
      run: 2,
      startedAt: new Date('2026-11-28T11:42:00Z'),
      durationMs: 2100,
      outcome: 'done',
      rowsDeleted: 1234,
      summary: { rowsPerSecond: 588, batchMs: { p50: 20, p95: 41.5, max: 60 } } as never,
    },
    history: [
      { run: 2, startedAt: new Date('2026-11-28T11:42:00Z'), durationMs: 2100, outcome: 'done', rowsDeleted: 1234 },
      {
        run: 1,
        startedAt: new Date('2026-11-28T10:42:00Z'),
        durationMs: 0,
        outcome: 'skipped',
        rowsDeleted: 0,
        detail: 'runner lock held by pid 77 (hatchet-sessions schedule lock)',
      },
    ],
  };
  const lines = render(<ScheduleView state={state} description="every 1h" now={now} />)
    .lastFrame()!
    .split('\n');
  expect(lines).toContain('Schedule: on · next run in 42m 10s (12:42:10 UTC)');
  expect(lines.find((l) => l.startsWith('#2 at 11:42:00 UTC'))).toBe(
    '#2 at 11:42:00 UTC · done · deleted 1,234 in 2s · 588 rows/s · batch p50/p95/max 20/41.5/60 ms',
  );
  expect(
    lines
      .find((l) => l.includes('#2   '))
      ?.replace(/\s+/g, ' ')
      .trim(),
  ).toBe('11:42:00 #2 done 1,234 rows 2s');
  expect(lines.find((l) => l.includes('#1   '))).toContain('skipped');
  expect(lines.find((l) => l.includes('#1   '))).toContain('runner lock held by pid 77');
});

test('a run in progress shows its progress bar and throttle state', () => {
  const state: ScheduleState = {
    ...base,
    running: true,
    lockHeld: true,
    current: {
      run: 3,
      progress: {
        blocksSwept: 500,
        blocksTotal: 1000,
        rowsDeleted: 40_000,
        rowsPerSecond: 20_000,
        etaMs: 2000,
        throttle: { reason: 'replica-lag', detail: 'replica lag 12s > 10s', replicaLagS: 12, activeBackends: null },
      } as never,
    },
  };
  const frame = render(<ScheduleView state={state} description="every 1h" now={now} />).lastFrame()!;
  expect(frame).toContain('Run #3 (runner lock held)');
  expect(frame).toContain('50%');
  expect(frame).toContain('blocks 500 / 1,000');
  expect(frame).toContain('deleted 40,000 · 20,000 rows/s · ETA 2s · waiting: replica lag 12s > 10s');
});

test('the confirmation says what starting it does: the rule, the interval, the rows deletable now', () => {
  const lines = render(
    <ScheduleView
      state={null}
      description="every 1h"
      now={now}
      confirmation={{ ...initialConfirmation(SCHEDULE_WORD), typed: 'sch' }}
      deletable={{ count: 289_812, asOf: new Date(now.getTime() - 12_000) }}
    />,
  )
    .lastFrame()!
    .split('\n')
    .map((l) => l.trimEnd());
  expect(lines).toContain('Start the scheduled cleanup: it deletes rows, a first run at once, then every 1h');
  expect(lines.find((l) => l.startsWith('Rule: '))).toMatch(/^Rule: a session is deleted when it has expired/);
  expect(lines).toContain('Deletable now: 289,812 rows (exact count 12s ago)');
  expect(lines).toContain('Type schedule and press Enter to start the schedule: sch');
});

test('reducer: only s or n while off asks; the word or Esc ends it', () => {
  const asked = scheduleScreenReducer(initialScheduleScreen, { type: 'ask' });
  expect(asked).toEqual({ confirming: true });
  expect(scheduleScreenReducer(asked, { type: 'ask' })).toBe(asked);
  expect(scheduleScreenReducer(asked, { type: 'cancel' })).toEqual({ confirming: false });
  expect(scheduleScreenReducer(asked, { type: 'confirmed' })).toEqual({ confirming: false });
});

test('keys: s asks for the typed word and starts, n runs now, s stops, Esc goes back; q and ? are text in the confirmation', async () => {
  const calls: string[] = [];
  let state: ScheduleState | null = null;
  const listeners = new Set<() => void>();
  const controls: ScheduleControls = {
    description: 'every 1h',
    getSnapshot: () => state,
    subscribe: (fn) => {
      listeners.add(fn as () => void);
      return () => void listeners.delete(fn as () => void);
    },
    start: () => {
      calls.push('start');
      state = base;
      listeners.forEach((fn) => fn());
    },
    stop: () => calls.push('stop'),
    runNow: () => calls.push('runNow'),
  };
  let back = false;
  const app = render(<SchedulePanel controls={controls} onBack={() => (back = true)} now={now} rows={40} />);
  // Each key waits for its effect (a new frame, or a call) before the next: keys read the state that was drawn.
  const press = async (s: string) => {
    const before = { frame: app.lastFrame(), calls: calls.length, back };
    app.stdin.write(s);
    await waitUntil(
      `the effect of ${JSON.stringify(s)}`,
      () => app.lastFrame() !== before.frame || calls.length !== before.calls || back !== before.back,
      10_000,
      5,
    );
  };
  await press('s');
  expect(app.lastFrame()).toContain('Type schedule and press Enter');
  await press('n'); // text now, not "run now"
  await press('q');
  await press('?');
  await press('\r'); // a wrong word starts nothing
  expect(app.lastFrame()).toContain('not "schedule": nothing started');
  expect(calls).toEqual([]);
  await press('\u001B'); // Esc cancels the confirmation, not the screen
  expect(back).toBe(false);
  expect(app.lastFrame()).not.toContain('Type schedule');
  await press('n');
  await press('schedule\r'); // typed fast: one chunk with Enter
  await press('n');
  await press('s');
  await press('\u001B');
  expect(calls).toEqual(['start', 'runNow', 'stop']);
  expect(back).toBe(true);
});
