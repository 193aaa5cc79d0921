import React from 'react';
import { describe, expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { Dashboard } from './Dashboard.js';
import type { Inspection } from '../../src/inspect.js';
import type { SamplerState } from '../../src/sampler.js';
import type { Counts, Sizes } from '../../src/status.js';

const now = new Date('2026-11-28T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

const inspection: Inspection = {
  serverVersion: '15.6',
  serverVersionNum: 150006,
  database: 'hatchet',
  role: 'hatchet',
  inRecovery: false,
  readOnly: false,
  tableOwner: 'hatchet',
  isOwner: true,
  canDelete: true,
  createdAtIndex: 'missing',
  hatchetMigration: '20250519145912',
  writeBlockers: [],
  unfinishedRebuild: null,
};

const counts: Counts = {
  total: 2_600_009,
  anonymous: 2_600_000,
  authenticated: 9,
  expired: 3,
  deletable: 2_514_000,
  kept: 86_009,
  createdLastHour: 3_600,
  createdLast24h: 86_400,
  anonymousLastHour: 3_600,
  asOf: ago(12),
};

const sizes: Sizes = {
  heapBytes: 400 * 1024 * 1024,
  tableBytes: 401 * 1024 * 1024,
  indexBytes: 950 * 1024 * 1024,
  toastBytes: 8192,
  totalBytes: 1351 * 1024 * 1024,
  pages: 51_200,
  estimatedRows: 2_600_000,
  liveTuples: 2_600_000,
  deadTuples: 1234,
  insertedTotal: 0,
  deletedTotal: 0,
  lastVacuum: null,
  lastAutovacuum: ago(3600),
  lastAnalyze: null,
  lastAutoanalyze: ago(120),
  blockSize: 8192,
  asOf: now,
};

const sampler: SamplerState = {
  sizes,
  insertRate: 1.0,
  exact: { counts, sizes, durationMs: 612 },
  exactRunning: false,
  nextExactAt: new Date(now.getTime() + 48_000),
  paused: false,
  tickMs: 2000,
  maxInFlight: 1,
};

const frame = (props: Partial<React.ComponentProps<typeof Dashboard>> = {}) =>
  render(
    <Dashboard
      description="hatchet@db:5432/hatchet"
      inspection={inspection}
      sampler={sampler}
      now={now}
      columns={100}
      {...props}
    />,
  ).lastFrame()!;

describe('Dashboard', () => {
  test('exact figures with their share, sizes and age', () => {
    const lines = frame()
      .split('\n')
      .map((l) => l.trimEnd());
    expect(lines[0]).toBe('hatchet@db:5432/hatchet · PostgreSQL 15.6');
    expect(lines[1]).toBe('migration 20250519145912 · createdAt index missing · owner yes · delete yes');
    expect(lines[3]).toMatch(/^Sessions exact as of 12s ago\s+Size live, every 2s$/);
    expect(lines[4]).toMatch(/^  total\s+2,600,009\s+100%\s+heap\s+400 MB$/);
    expect(lines[5]).toMatch(/^  anonymous\s+2,600,000\s+>99.9%\s+indexes\s+950 MB$/);
    expect(lines[6]).toMatch(/^  authenticated\s+9\s+<0.1%\s+TOAST\s+8.00 kB$/);
    expect(lines[7]).toMatch(/^  expired\s+3\s+<0.1%\s+total\s+1.32 GB$/);
    expect(lines[8]).toMatch(/^  deletable\s+2,514,000\s+96.7%\s+dead tuples\s+~1,234$/);
    expect(lines[9]).toMatch(/^  kept\s+86,009\s+3.3%\s+vacuumed\s+1h ago$/);
    expect(lines[10]).toMatch(/^  created 1h\s+3,600\s+analyzed\s+2m ago$/);
    expect(lines[11]).toMatch(/^  created 24h\s+86,400\s+drain frees\s+~1.28 GB\s+reuse$/);
    expect(lines[12]).toMatch(/^  inserts\/s\s+1.0\s+live\s+rebuild gives\s+~1.28 GB\s+disk$/);
  });

  test('health flags with advice', () => {
    const text = frame();
    expect(text).toContain("! Hatchet's createdAt index is missing: its hourly cleanup will time out on a big table.");
    expect(text).toContain('! 3,600 anonymous sessions in the last hour: the old leak still runs. Upgrade Hatchet.');
    expect(text).toContain('! 97% of the table is deletable: drain it, then rebuild to return the disk.');
    expect(text).toContain('next exact counts in 48s · last took 612ms');
  });

  test('before the first exact counts: the total is an estimate, the rest waits', () => {
    const text = frame({ sampler: { ...sampler, exact: undefined, exactRunning: true } });
    expect(text).toMatch(/Sessions counting…/);
    expect(text).toMatch(/total\s+~2,600,000\s+est\./);
    expect(text).toMatch(/anonymous\s+…/);
  });

  test('a timed-out exact refresh is shown as stale, figures kept', () => {
    const text = frame({ sampler: { ...sampler, exactError: 'exact counts timed out after 60s' } });
    expect(text).toContain('Sessions stale: exact counts timed out after 60s');
    expect(text).toMatch(/total\s+2,600,009/);
  });

  test('read-only replica and a role that cannot delete are flagged', () => {
    const text = frame({
      inspection: { ...inspection, inRecovery: true, readOnly: true, canDelete: false, createdAtIndex: 'valid' },
      sampler: { ...sampler, exact: undefined },
    });
    expect(text).toContain('read-only');
    expect(text).toContain('! read-only replica: only inspection is possible. Connect to the primary to clean up.');
  });

  test('an unfinished rebuild is flagged first, with what to do', () => {
    const text = frame({
      inspection: {
        ...inspection,
        unfinishedRebuild: 'rebuild 20261128T0300 stopped at "copy" (started), before the swap',
      },
    });
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Health ! unfinished rebuild (rebuild 20261128T0300 stopped at "copy" (started), before the swap): press b to finish or undo it, or run "hatchet-sessions recover".',
    );
  });

  test('the demo banner', () => {
    expect(frame({ demo: { rows: 300_000 } }).split('\n')[0]).toContain(
      'DEMO DATABASE  embedded PostgreSQL, 300,000 seeded sessions',
    );
  });

  test('fits 80 columns', () => {
    for (const line of frame({ columns: 80 }).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
