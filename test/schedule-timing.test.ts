import { describe, expect, test } from 'vitest';
import { describeSchedule, nextRunAt, parseSchedule } from '../src/schedule/timing.js';
import { tableLockKey } from '../src/schedule/runner-lock.js';
import { scheduleFlags } from '../src/commands/schedule.js';
import { ToolError } from '../src/errors.js';

describe('schedule timing', () => {
  test('hourly by default', () => {
    const spec = parseSchedule(undefined, undefined);
    expect(describeSchedule(spec)).toBe('every 1h');
    expect(nextRunAt(spec, new Date('2026-11-28T10:00:00Z')).toISOString()).toBe('2026-11-28T11:00:00.000Z');
  });

  test('--every with jitter', () => {
    const spec = parseSchedule('15m', undefined);
    expect(describeSchedule(spec)).toBe('every 15m');
    const from = new Date('2026-11-28T10:00:00Z');
    expect(nextRunAt(spec, from, 60_000, () => 0.5).toISOString()).toBe('2026-11-28T10:15:30.000Z');
    expect(nextRunAt(spec, from, 60_000, () => 0).toISOString()).toBe('2026-11-28T10:15:00.000Z');
  });

  test('--cron: the next matching minute', () => {
    const spec = parseSchedule(undefined, '5 * * * *');
    expect(describeSchedule(spec)).toBe('cron "5 * * * *"');
    const next = nextRunAt(spec, new Date(2026, 10, 28, 10, 7, 0));
    expect([next.getHours(), next.getMinutes()]).toEqual([11, 5]);
  });

  test.each([
    [['1h', '5 * * * *'], /not both/],
    [[undefined, 'every tuesday'], /not a cron expression/],
    [['0.5s', undefined], /at least 1s/],
    [['soon', undefined], /not a duration/],
  ])('bad schedule %j is a usage error', ([every, cron], message) => {
    expect(() => parseSchedule(every, cron)).toThrow(message);
    try {
      parseSchedule(every, cron);
    } catch (err) {
      expect((err as ToolError).exitCode).toBe(2);
    }
  });

  test('schedule flags: defaults and bounds', () => {
    const f = scheduleFlags({});
    expect(f.options.maxRunDurationMs).toBe(600_000);
    expect(f.options.initialRun).toBe(true);
    expect(f.metricsPort).toBeNull();
    expect(f.metricsHost).toBe('127.0.0.1');
    expect(scheduleFlags({ 'no-initial-run': true, 'metrics-port': '9464', jitter: '30s' }).options).toMatchObject({
      initialRun: false,
      jitterMs: 30_000,
    });
    expect(() => scheduleFlags({ 'metrics-port': '70000' })).toThrow(/between 0 and 65535/);
    expect(() => scheduleFlags({ 'max-rows': '5' })).toThrow(/--max-run-duration/);
  });

  test('the runner lock key depends on schema and table, not on the table oid', () => {
    const a = tableLockKey({ schema: 'public', name: 'UserSession' });
    expect(a).toBe(tableLockKey({ schema: 'public', name: 'UserSession' }));
    expect(a).not.toBe(tableLockKey({ schema: 'other', name: 'UserSession' }));
    expect(Number.isInteger(a) && a >= -(2 ** 31) && a < 2 ** 31).toBe(true);
  });
});

describe('metrics endpoint', () => {
  test('binds 127.0.0.1 unless told otherwise; /metrics carries no connection details', async () => {
    const { Metrics, serveMetrics } = await import('../src/metrics.js');
    const metrics = new Metrics();
    const server = await serveMetrics(metrics, 0);
    try {
      expect((server.address() as { address: string }).address).toBe('127.0.0.1');
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(text).toContain('hatchet_sessions_runs_total{outcome="success"} 0');
      expect(text).not.toMatch(/postgres:\/\/|password/i);
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
      metrics.run('failed');
      metrics.run('failed');
      metrics.run('failed');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(503);
      metrics.run('success', 1);
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
