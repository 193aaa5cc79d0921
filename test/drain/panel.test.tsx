import React from 'react';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DrainPanel } from '../../components/drain/DrainPanel.js';
import { DrainView } from '../../components/drain/DrainView.js';
import {
  CONFIRM_WORD,
  drainScreenReducer,
  initialDrainState,
  type DrainScreenState,
} from '../../components/drain/use-drain-state.js';
import { confirmationReducer, initialConfirmation } from '../../components/confirm/use-typed-confirmation.js';
import { DrainOperation } from '../../src/drain/operation.js';
import { planDrain } from '../../src/drain/plan.js';
import { idleProgress, type DrainPlan, type DrainProgress, type DrainSummary } from '../../src/drain/types.js';
import type { DrainEngine } from '../../src/drain/console.js';
import { DEFAULT_THROTTLE } from '../../src/drain/throttle.js';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase } from '../helpers.js';

const plan: DrainPlan = {
  blocksTotal: 2808,
  heapBytes: 23_003_136,
  blockSize: 8192,
  serverVersionNum: 170000,
  estimatedDeletable: 289_812,
  estimatedTotal: 300_000,
  sampledPercent: 100,
  sql: '',
  statements: [
    {
      when: 'each batch (blocks $1 to $2), in its own transaction:',
      sql: 'DELETE FROM "public"."UserSession"\n WHERE ctid >= $1::tid',
    },
  ],
};

// A drain half way through: the idle progress with what a sweep changes.
const progress: DrainProgress = {
  ...idleProgress(DEFAULT_THROTTLE),
  phase: 'sweeping',
  blocksSwept: 1404,
  blocksTotal: 2808,
  rowsDeleted: 144_906,
  batches: 20,
  elapsedMs: 2500,
  rowsPerSecond: 57_962,
  etaMs: 2500,
  batchBlocks: 620,
  lastBatchMs: 48.2,
  lastBatchRows: 6_200,
};

describe('DrainView from fixed state', () => {
  test('confirmation: rule, SQL, estimate, the word to type', () => {
    const state: DrainScreenState = { ...initialDrainState, phase: 'confirm', plan };
    const frame = render(
      <DrainView state={state} confirmation={{ ...initialConfirmation(CONFIRM_WORD), typed: 'dra' }} columns={120} />,
    ).lastFrame()!;
    expect(frame).toContain('Rule: a session is deleted when it has expired');
    expect(frame).toContain('Estimated: ~289,812 deletable of ~300,000 rows; 2,808 blocks (21.9 MB)');
    expect(frame).toContain('WHERE ctid >= $1::tid');
    expect(frame).toContain('Type drain and press Enter to start: dra');
  });

  test('running: bar, blocks, rate, ETA, batch, throttle', () => {
    const state: DrainScreenState = { ...initialDrainState, phase: 'running', plan };
    const frame = render(<DrainView state={state} run={{ progress, summary: null }} columns={120} />).lastFrame()!;
    expect(frame).toMatch(/█+░+ 50%\s+blocks 1,404 \/ 2,808/);
    expect(frame).toContain('deleted 144,906 · 57,962 rows/s · ETA 3s · elapsed 3s');
    expect(frame).toContain('batch 620 blocks · last 48.2 ms (6,200 rows) · target 50 ms · nice 0.5');
    expect(frame).toContain('state: running');
    const waiting = render(
      <DrainView
        state={state}
        run={{
          progress: {
            ...progress,
            throttle: {
              reason: 'replica-lag',
              detail: 'replica lag 12.0s > 10s',
              replicaLagS: 12,
              activeBackends: null,
            },
          },
          summary: null,
        }}
      />,
    ).lastFrame()!;
    expect(waiting).toContain('state: waiting: replica lag 12.0s > 10s');
  });

  test('finished: the statistics and why it stopped', () => {
    const summary: DrainSummary = {
      stopReason: 'stopped',
      rowsDeleted: 144_906,
      durationMs: 2500,
      batches: 20,
      rowsPerSecond: 57_962,
      batchMs: { p50: 48, p95: 55.1, max: 60 },
      batchMsByTenth: [48],
      throttledMs: 0,
      niceMs: 1200,
      pausedMs: 0,
      blocksSwept: 1404,
      blocksTotal: 2808,
      remainingDeletable: 144_906,
      reusableBytes: 11_000_000,
      heapBytes: 23_003_136,
      liveRowsAfter: 155_094,
      lockedRanges: 0,
      retries: 0,
      reconnects: 0,
      analyzed: true,
      vacuumed: false,
      advice: null,
    };
    const frame = render(
      <DrainView state={{ ...initialDrainState, phase: 'running', plan }} run={{ progress, summary }} />,
    ).lastFrame()!;
    expect(frame).toContain('Drain stopped by request');
    expect(frame).toMatch(/batch ms\s+p50 48\s+p95 55.1\s+max 60/);
    expect(frame).toMatch(/still deletable\s+144,906/);
  });

  test('reducer: only the exact word starts the drain', () => {
    let s = drainScreenReducer(initialDrainState, { type: 'plan', plan });
    let c = initialConfirmation(CONFIRM_WORD);
    // The drain starts on the confirmation's word only (the panel dispatches start when it is confirmed).
    const submit = () => {
      c = confirmationReducer(c, { type: 'submit' });
      if (c.confirmed) s = drainScreenReducer(s, { type: 'start' });
    };
    expect(drainScreenReducer(s, { type: 'notice', text: 'x' })).toBe(s);
    for (const ch of 'drian') c = confirmationReducer(c, { type: 'type', text: ch });
    submit();
    expect({ ...s, ...c }).toMatchObject({ phase: 'confirm', wrongWord: true, typed: '' });
    c = confirmationReducer(c, { type: 'type', text: 'drainx' });
    c = confirmationReducer(c, { type: 'backspace' });
    submit();
    expect(s.phase).toBe('running');
  });
});

describe('DrainPanel with the real engine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('drain_panel');
    await seedHatchet(db, 20_000);
  });
  afterAll(async () => {
    await db.drop();
  });

  const waitFor = async (get: () => string | undefined, pattern: RegExp, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const frame = get() ?? '';
      if (pattern.test(frame)) return frame;
      if (Date.now() > end) throw new Error(`no frame matched ${pattern}; last:\n${frame}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  test('confirm by typing, then p pauses and resumes, + and - change the pace, s stops; Esc goes home', async () => {
    // Tiny batches with long pauses so the keys land while it runs.
    const settings = { ...DEFAULT_THROTTLE, maxBlocks: 1, initialBlocks: 1, targetBatchMs: 10, nice: 20 };
    const engine: DrainEngine = {
      settings,
      plan: () => planDrain(db.pool, TABLE),
      create: () =>
        new DrainOperation({
          target: db.target,
          table: TABLE,
          connectTimeoutMs: 10_000,
          throttle: settings,
          progressIntervalMs: 50,
        }),
      run: (op) => op.start(),
    };
    let back = 0;
    const ui = render(<DrainPanel engine={engine} onBack={() => (back += 1)} columns={120} />);
    await waitFor(ui.lastFrame, /Type drain and press Enter/);
    for (const ch of 'dra') ui.stdin.write(ch); // typed key by key...
    await waitFor(ui.lastFrame, /start: dra/);
    ui.stdin.write('in\r'); // ...then fast: one chunk with Enter
    await waitFor(ui.lastFrame, /deleted [1-9]/);
    ui.stdin.write('p');
    await waitFor(ui.lastFrame, /paused \(p resumes\)/);
    const pausedAt = /deleted ([\d,]+)/.exec(ui.lastFrame()!)![1];
    await new Promise((r) => setTimeout(r, 300));
    expect(/deleted ([\d,]+)/.exec(ui.lastFrame()!)![1]).toBe(pausedAt); // nothing deleted while paused
    ui.stdin.write('p');
    await waitFor(ui.lastFrame, /state: running/);
    ui.stdin.write('+');
    await waitFor(ui.lastFrame, /target 15 ms · nice 13.33/);
    ui.stdin.write('-');
    await waitFor(ui.lastFrame, /target 10 ms · nice 20/);
    ui.stdin.write('\u001B'); // Esc does not leave while it runs: it says to stop first
    await waitFor(ui.lastFrame, /s stops the drain first/);
    expect(back).toBe(0);
    ui.stdin.write('s');
    const end = await waitFor(ui.lastFrame, /Drain stopped by request/);
    expect(end).toMatch(/still deletable\s+[\d,]+/);
    ui.stdin.write('\u001B');
    for (const end = Date.now() + 10_000; back === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
    expect(back).toBe(1);
    ui.unmount();
  });
});
