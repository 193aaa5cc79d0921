import React from 'react';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { RebuildWizard } from './RebuildWizard.js';
import { initialRebuildState, rebuildReducer } from './use-rebuild-state.js';
import { confirmationReducer, initialConfirmation } from '../confirm/use-typed-confirmation.js';
import { connectClient } from '../../src/db.js';
import { preflight } from '../../src/rebuild/preflight.js';
import type { RebuildEngine } from '../../src/rebuild/console.js';
import { foldRebuildEvent, initialRebuildRun, RebuildOperation } from '../../src/rebuild/operation.js';
import { createTestDatabase, seedHatchet, TABLE, type TestDatabase } from '../../test/helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('rebuild_wizard');
  await seedHatchet(db, 3000);
});
afterAll(async () => {
  await db?.drop();
});

/** Wait until the frame satisfies `ok` (no fixed sleeps). */
async function until(frame: () => string | undefined, ok: (f: string) => boolean, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (ok(f)) return f;
    if (Date.now() > end) throw new Error(`frame never matched:\n${f}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('reducer: the typed confirmation is only reachable after a passing preflight', () => {
  let s = initialRebuildState();
  s = rebuildReducer(s, { type: 'preflight', preflight: { ok: false } as never });
  expect(rebuildReducer(s, { type: 'confirm' }).phase).toBe('checklist');
  s = rebuildReducer(s, { type: 'preflight', preflight: { ok: true } as never });
  expect(rebuildReducer(s, { type: 'confirm', intent: 'finish' }).phase).toBe('checklist'); // f/u only after a failure
  s = rebuildReducer(s, { type: 'confirm' });
  let c = initialConfirmation('UserSession');
  for (const ch of 'UserSessionx') c = confirmationReducer(c, { type: 'type', text: ch });
  c = confirmationReducer(c, { type: 'backspace' });
  expect({ ...s, ...c }).toMatchObject({ phase: 'confirm', typed: 'UserSession' });
  expect(rebuildReducer(s, { type: 'cancel' }).phase).toBe('checklist');
  s = rebuildReducer(s, { type: 'start' });
  // The run's steps: its snapshot, folded from the engine's events (src/rebuild/operation.ts).
  let r = initialRebuildRun();
  r = foldRebuildEvent(r, { type: 'progress', step: 'copy', done: 3, total: 10, unit: 'blocks' });
  r = foldRebuildEvent(r, { type: 'step', step: 'swap', status: 'done', ms: 40, detail: { lockHoldMs: 12.5 } });
  expect(r.steps.copy).toMatchObject({ done: 3, total: 10 });
  expect(r.lockHoldMs).toBe(12.5);
  expect(s.phase).toBe('running');
  s = rebuildReducer(s, { type: 'failed', message: 'stopped' });
  s = rebuildReducer(s, { type: 'confirm', intent: 'undo' });
  expect(s).toMatchObject({ phase: 'confirm', intent: 'undo' });
  expect(rebuildReducer(s, { type: 'cancel' }).phase).toBe('failed');
});

test('checklist, plan, typed confirmation, progress per step and the lock hold, against a real database', async () => {
  const connect = () => connectClient(db.target, { connectTimeoutMs: 10_000, readOnly: false, statementTimeoutMs: 0 });
  const engine: RebuildEngine = {
    tableName: 'UserSession',
    preflight: () => preflight(db.pool, TABLE),
    rebuild: () => RebuildOperation.rebuild(connect, TABLE),
    finish: () => RebuildOperation.finish(connect, TABLE),
    undo: () => RebuildOperation.undo(connect, TABLE),
    run: (op) => op.start(),
  };
  const ui = render(<RebuildWizard engine={engine} onBack={() => {}} />);
  let f = await until(ui.lastFrame, (x) => x.includes('Press Enter'));
  expect(f).toContain('role owns the table');
  expect(f).toContain('swap (short lock)');
  ui.stdin.write('\r');
  f = await until(ui.lastFrame, (x) => x.includes('press Enter to rebuild'));
  ui.stdin.write('UserSessio');
  await until(ui.lastFrame, (x) => x.includes('UserSessio'));
  ui.stdin.write('\r'); // wrong name: nothing starts, and the screen says so
  await until(ui.lastFrame, (x) => x.includes('not "UserSession": nothing started'));
  ui.stdin.write('UserSession\r'); // typed fast (or pasted): one chunk, Enter included
  f = await until(ui.lastFrame, (x) => x.includes('Done in'));
  expect(f).toMatch(/Lock held: [\d.]+ ms/);
  expect(f).toContain('UserSession_before_rebuild_');
  ui.unmount();
});
