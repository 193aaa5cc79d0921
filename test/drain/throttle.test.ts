import { describe, expect, test } from 'vitest';
import {
  DEFAULT_THROTTLE,
  backoffMs,
  describeReason,
  faster,
  INITIAL_ROW_COST,
  learnRowCost,
  nextBlocks,
  rowCapBlocks,
  lsnBytes,
  nicePauseMs,
  pauseAfterBatch,
  percentile,
  walPauseMs,
  slower,
  throttleReason,
} from '../../src/drain/throttle.js';

const bounds = { targetBatchMs: 50, minBlocks: 1, maxBlocks: 1000 };

describe('blocks per batch', () => {
  test('moves toward the target time', () => {
    expect(nextBlocks(100, 50, bounds)).toBe(100);
    expect(nextBlocks(100, 100, bounds)).toBe(50);
    expect(nextBlocks(100, 40, bounds)).toBe(125);
  });

  test('steps are limited to halving and growing by half (a fast empty range must not overshoot the target)', () => {
    expect(nextBlocks(100, 10_000, bounds)).toBe(50);
    expect(nextBlocks(100, 0, bounds)).toBe(150);
  });

  test('stays within bounds', () => {
    expect(nextBlocks(700, 1, bounds)).toBe(1000);
    expect(nextBlocks(900, 1, bounds)).toBe(1000);
    expect(nextBlocks(1, 500, bounds)).toBe(1);
  });

  test('converges on a steady per-block cost', () => {
    let blocks = 10;
    for (let i = 0; i < 20; i++) blocks = nextBlocks(blocks, blocks * 0.2, bounds); // 0.2 ms per block
    expect(blocks).toBe(250);
  });
});

describe('pauses', () => {
  test('nice × batch time with ±20 % jitter', () => {
    expect(nicePauseMs(100, 0.5, () => 0.5)).toBe(50);
    expect(nicePauseMs(100, 0.5, () => 0)).toBe(40);
    expect(nicePauseMs(100, 0.5, () => 0.999999)).toBe(60);
    expect(nicePauseMs(100, 0, () => 0.5)).toBe(0);
  });

  test('error backoff doubles, is capped, and is jittered', () => {
    expect(backoffMs(1, () => 0)).toBe(100);
    expect(backoffMs(1, () => 1)).toBe(200);
    expect(backoffMs(2, () => 1)).toBe(400);
    expect(backoffMs(3, () => 1)).toBe(800);
    expect(backoffMs(30, () => 1)).toBe(10_000);
    expect(backoffMs(30, () => 0)).toBe(5_000);
  });
});

describe('WAL-rate limit', () => {
  const MB = 1048576;
  test('pauses so that batch and pause together stay at the limit', () => {
    // 8 MB in 50 ms at 32 MB/s needs 250 ms in all: a 200 ms pause.
    expect(walPauseMs(8 * MB, 50, 32)).toBe(200);
    expect(walPauseMs(1 * MB, 50, 32)).toBe(0); // already under the limit
    expect(walPauseMs(8 * MB, 50, null)).toBe(0); // off
    expect(walPauseMs(0, 50, 32)).toBe(0);
  });

  test('the longer of the nice pause and the WAL pause wins, and says which', () => {
    const mid = () => 0.5;
    expect(pauseAfterBatch(50, 8 * MB, { nice: 0.5, maxWalMBps: 32 }, mid)).toEqual({ ms: 200, by: 'wal-rate' });
    expect(pauseAfterBatch(50, 1 * MB, { nice: 0.5, maxWalMBps: 32 }, mid)).toEqual({ ms: 25, by: 'nice' });
    expect(pauseAfterBatch(50, 8 * MB, { nice: 0, maxWalMBps: null }, mid)).toEqual({ ms: 0, by: null });
    expect(pauseAfterBatch(50, 8 * MB, { nice: 0, maxWalMBps: 32 }, mid)).toEqual({ ms: 200, by: 'wal-rate' });
  });

  test('the default limit is on', () => {
    expect(DEFAULT_THROTTLE.maxWalMBps).toBeGreaterThan(0);
  });

  test('LSNs in bytes', () => {
    expect(lsnBytes('0/0')).toBe(0);
    expect(lsnBytes('0/10')).toBe(16);
    expect(lsnBytes('1/0')).toBe(2 ** 32);
    expect(lsnBytes('16/B374D848') - lsnBytes('16/B374D000')).toBe(0x848);
    expect(() => lsnBytes('nonsense')).toThrow(/not an LSN/);
  });
});

describe('throttle reasons: any reason wins', () => {
  const s = { maxLagS: 10, maxActive: 20 };
  test('none when all is well', () => {
    expect(throttleReason({ replicaLagS: 2, activeBackends: 3 }, s)).toBeNull();
    expect(throttleReason({ replicaLagS: null, activeBackends: null }, s)).toBeNull();
  });
  test('replica lag', () => {
    expect(throttleReason({ replicaLagS: 11, activeBackends: 3 }, s)).toBe('replica-lag');
  });
  test('active backends', () => {
    expect(throttleReason({ replicaLagS: 0, activeBackends: 21 }, s)).toBe('active-backends');
  });
  test('off when the limit is off', () => {
    expect(throttleReason({ replicaLagS: 999, activeBackends: 999 }, { maxLagS: null, maxActive: null })).toBeNull();
  });
  test('the operator pause comes first', () => {
    expect(throttleReason({ replicaLagS: 11, activeBackends: 21 }, s, true)).toBe('paused');
  });
  test('reasons in words', () => {
    expect(
      describeReason('replica-lag', { replicaLagS: 12.34, activeBackends: null }, { ...DEFAULT_THROTTLE, maxLagS: 10 }),
    ).toBe('replica lag 12.3s > 10s');
    expect(describeReason(null)).toBe('running');
  });
});

describe('live controls', () => {
  test('faster: longer batches, shorter pauses; slower: the reverse', () => {
    const f = faster(DEFAULT_THROTTLE);
    expect(f.targetBatchMs).toBe(75);
    expect(f.nice).toBeCloseTo(0.33, 2);
    const s = slower(DEFAULT_THROTTLE);
    expect(s.targetBatchMs).toBe(33);
    expect(s.nice).toBe(0.75);
  });
  test('the WAL-rate limit follows: higher with +, lower with -, an off limit stays off', () => {
    const base = { ...DEFAULT_THROTTLE, maxWalMBps: 48 };
    expect(faster(base).maxWalMBps).toBe(72);
    expect(slower(base).maxWalMBps).toBe(32);
    expect(faster({ ...base, maxWalMBps: null }).maxWalMBps).toBeNull();
    let t = base;
    for (let i = 0; i < 30; i++) t = slower(t);
    expect(t.maxWalMBps).toBe(1);
  });
  test('nice reaches 0 and comes back', () => {
    let t = DEFAULT_THROTTLE;
    for (let i = 0; i < 10; i++) t = faster(t);
    expect(t.nice).toBe(0);
    expect(t.targetBatchMs).toBe(2000);
    expect(slower(t).nice).toBe(0.25);
  });
  test('target stays within its bounds', () => {
    let t = DEFAULT_THROTTLE;
    for (let i = 0; i < 20; i++) t = slower(t);
    expect(t.targetBatchMs).toBe(5);
  });
});

test('percentiles (nearest rank)', () => {
  expect(percentile([], 50)).toBe(0);
  expect(percentile([5, 1, 3], 50)).toBe(3);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100)).toBe(10);
});

test('a failed reconnect is judged by the driver error behind it: retried while the server restarts, not on a wrong password', async () => {
  const { isConnectionLoss, isRetryable } = await import('../../src/drain/connection.js');
  const { connectionError } = await import('../../src/errors.js');
  const at = { host: '127.0.0.1', port: 5432, user: 'hatchet', database: 'hatchet' };
  const wrap = (code: string, message: string) =>
    connectionError(Object.assign(new Error(message), { code }), at as never);
  expect(isConnectionLoss(wrap('57P03', 'the database system is starting up'))).toBe(true);
  expect(isConnectionLoss(wrap('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
  expect(isConnectionLoss(wrap('ENOENT', 'connect ENOENT /var/run/postgresql/.s.PGSQL.5432'))).toBe(true);
  expect(isRetryable(wrap('28P01', 'password authentication failed for user "hatchet"'))).toBe(false);
  expect(isRetryable(wrap('3D000', 'database "hatchet" does not exist'))).toBe(false);
});

describe('blocks per batch after a run of empty blocks (the rows a range may hold cap it)', () => {
  // The console's case: a drained table (empty blocks first), then the newest, densest blocks, at a 5 ms target:
  // one batch of 3,515 blocks took 358.9 ms and deleted 513,533 rows (146 a block, 0.0007 ms a row).
  const settings = { targetBatchMs: 5, minBlocks: 1, maxBlocks: 20_000 };
  const MAX_TUPLES = 291;
  const msFor = (rows: number) => 0.5 + rows * 0.0007;

  function sweep(emptyBlocks: number, denseRowsPerBlock: number, learnFromStart: RowCost | null) {
    let cost = learnFromStart ?? INITIAL_ROW_COST;
    let blocks = 64;
    let swept = 0;
    let worstMs = 0;
    while (swept < emptyBlocks + 20_000) {
      const dense = Math.max(0, swept + blocks - emptyBlocks);
      const rows = Math.round(Math.min(blocks, dense) * denseRowsPerBlock);
      const ms = msFor(rows);
      if (swept >= emptyBlocks) worstMs = Math.max(worstMs, ms);
      swept += blocks;
      cost = learnRowCost(cost, rows, blocks, ms);
      blocks = nextBlocks(blocks, ms, settings, rowCapBlocks(cost, settings.targetBatchMs, MAX_TUPLES));
    }
    return worstMs;
  }
  type RowCost = typeof INITIAL_ROW_COST;

  test('no batch runs past twice its target when the dense range comes after 50,000 empty blocks', () => {
    expect(sweep(50_000, 146, null)).toBeLessThanOrEqual(2 * settings.targetBatchMs);
  });

  test('without the cap the same sweep runs one batch of hundreds of ms (what the console showed)', () => {
    let blocks = 64;
    for (let i = 0; i < 40; i++) blocks = nextBlocks(blocks, msFor(0), settings);
    expect(msFor(blocks * 146)).toBeGreaterThan(300);
  });

  test('the cap learns the cost of a row and the densest range, and leaves a sparse table its large batches', () => {
    let cost = learnRowCost(INITIAL_ROW_COST, 10_000, 500, 20); // 20 rows a block, 0.002 ms a row
    expect(cost.rowsPerBlock).toBe(20);
    expect(cost.msPerRow).toBeCloseTo(0.7 * 0.0007 + 0.3 * 0.002, 6);
    cost = learnRowCost(cost, 0, 5000, 1); // an empty range teaches nothing
    expect(cost.rowsPerBlock).toBe(20);
    expect(rowCapBlocks(cost, 50, MAX_TUPLES)).toBe(Math.floor(100 / (cost.msPerRow * 20)));
    expect(rowCapBlocks(cost, 50, MAX_TUPLES)).toBeGreaterThan(2000); // the defaults' ~500-block batches are untouched
    expect(rowCapBlocks(INITIAL_ROW_COST, 50, MAX_TUPLES)).toBe(Math.floor(100 / (0.0007 * 291))); // nothing seen yet: full pages
  });
});
