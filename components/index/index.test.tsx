import React from 'react';
import { expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { IndexView } from './IndexView.js';
import { indexScreenReducer, initialIndexScreen } from './use-index-state.js';
import { INDEX_KEYS, type IndexKeyContext } from './keys.js';
import { hintsFor } from '../shared/bindings.js';

const sqlText =
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_user_session_cre_at_exp_at" ON "public"."UserSession" ("createdAt") INCLUDE ("expiresAt");';

test('the question, then the build with its progress', () => {
  const lines = render(<IndexView state={initialIndexScreen} sqlText={sqlText} />)
    .lastFrame()!
    .split('\n');
  expect(lines[0]).toBe("Hatchet's index ix_user_session_cre_at_exp_at");
  expect(lines[1]).toBe("Built exactly as Hatchet's migration 20260707141853_v1_0_125 does, without blocking writes:");
  expect(lines[2]).toMatch(/^ {2}CREATE INDEX CONCURRENTLY IF NOT EXISTS/);
  expect(lines.at(-1)).toBe('Press y to build it, Esc to go back.');
  const building = render(
    <IndexView
      state={{ phase: 'building' }}
      build={{
        step: 'CREATE INDEX CONCURRENTLY ix_user_session_cre_at_exp_at',
        progress: {
          phase: 'building index: scanning table',
          blocksDone: 50,
          blocksTotal: 100,
          tuplesDone: 0,
          tuplesTotal: 0,
          elapsedMs: 2000,
        } as never,
      }}
      sqlText={sqlText}
    />,
  ).lastFrame()!;
  expect(building).toContain('CREATE INDEX CONCURRENTLY ix_user_session_cre_at_exp_at');
  expect(building).toMatch(/█+░+ 50%\s+building index: scanning table blocks 50\/100 · 2s/);
  expect(building).toContain('Esc cancels the build (its leftover is removed).');
});

test('reducer and keys: y once, then done or failed; Esc cancels only while it builds', () => {
  const building = indexScreenReducer(initialIndexScreen, { type: 'build' });
  expect(building.phase).toBe('building');
  expect(indexScreenReducer(building, { type: 'build' })).toBe(building);
  expect(indexScreenReducer(building, { type: 'finished', outcome: 'created' }).phase).toBe('done');
  expect(indexScreenReducer(building, { type: 'finished', outcome: 'cancelled' }).phase).toBe('failed');
  const ctx = (phase: IndexKeyContext['phase']): IndexKeyContext => ({
    phase,
    build: () => {},
    cancel: () => {},
    back: () => {},
  });
  expect(hintsFor(INDEX_KEYS, ctx('confirm'))).toEqual([
    { key: 'y', label: 'build' },
    { key: 'esc', label: 'back' },
  ]);
  expect(hintsFor(INDEX_KEYS, ctx('building'))).toEqual([{ key: 'esc', label: 'cancel' }]);
});
