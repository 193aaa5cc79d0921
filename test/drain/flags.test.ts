import { describe, expect, test } from 'vitest';
import { drainFlags } from '../../src/commands/drain.js';
import { walCompressionChoices } from '../../src/drain/connection.js';
import { DEFAULT_THROTTLE } from '../../src/drain/throttle.js';

describe('drain flags: --max-wal-rate', () => {
  test('on by default, at the documented limit', () => {
    expect(drainFlags({}).throttle.maxWalMBps).toBe(DEFAULT_THROTTLE.maxWalMBps);
    expect(DEFAULT_THROTTLE.maxWalMBps).toBe(48);
  });
  test('--nice 0 is flat out: the limit is off unless given', () => {
    expect(drainFlags({ nice: '0' }).throttle.maxWalMBps).toBeNull();
    expect(drainFlags({ nice: '0', 'max-wal-rate': '20' }).throttle.maxWalMBps).toBe(20);
  });
  test('a number of MB/s, or off', () => {
    expect(drainFlags({ 'max-wal-rate': '100' }).throttle.maxWalMBps).toBe(100);
    expect(drainFlags({ 'max-wal-rate': 'off' }).throttle.maxWalMBps).toBeNull();
    expect(() => drainFlags({ 'max-wal-rate': '0' })).toThrow(/max-wal-rate/);
    expect(() => drainFlags({ 'max-wal-rate': 'lots' })).toThrow(/max-wal-rate/);
  });
});

describe('drain flags: --wal-compression', () => {
  test('auto by default: zstd (then lz4) for a paced drain, lz4 at --nice 0', () => {
    expect(drainFlags({}).walCompression).toBe('auto');
    expect(walCompressionChoices('auto', 0.5)).toEqual(['zstd', 'lz4']);
    expect(walCompressionChoices(undefined, 0.5)).toEqual(['zstd', 'lz4']);
    expect(walCompressionChoices('auto', 0)).toEqual(['lz4']);
  });
  test('a method asked for is the only one tried; server tries none', () => {
    expect(drainFlags({ 'wal-compression': 'zstd' }).walCompression).toBe('zstd');
    expect(walCompressionChoices('pglz', 0)).toEqual(['pglz']);
    expect(drainFlags({ 'wal-compression': 'server' }).walCompression).toBeNull();
    expect(walCompressionChoices(null, 0.5)).toEqual([]);
    expect(() => drainFlags({ 'wal-compression': 'zip' })).toThrow(/auto, zstd, lz4, pglz, server/);
  });
});
