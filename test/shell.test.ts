// The command shell's stop-signal rule (src/commands/shell.ts withStopSignals), which drain, schedule,
// create-index, rebuild and recover all run under, in a real child process with real signals.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { SIGNAL_EXIT, STOP_SIGNALS, type StopSignal } from '../src/signals.js';
import { createTestDatabase, ROOT, seedHatchet } from './helpers.js';

const shell = pathToFileURL(path.join(ROOT, 'dist', 'src', 'commands', 'shell.js')).href;

/**
 * A child that runs work under withStopSignals: the work says "working", waits until it is asked to stop (or
 * `finishAfterMs`), then takes `lingerMs` before it returns; its exit code is what it returns.
 */
function child(opts: { lingerMs: number; finishAfterMs?: number }) {
  const script = `
    const { withStopSignals } = await import(${JSON.stringify(shell)});
    const code = await withStopSignals(
      (signal, stop) => console.log('stop ' + signal + ' ' + stop.stopped + ' ' + stop.abortSignal.aborted),
      async (stop) => {
        console.log('working');
        const until = Date.now() + ${opts.finishAfterMs ?? 30_000};
        while (!stop.stopped && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, ${opts.lingerMs}));
        console.log('returned ' + (stop.exitCode ?? 0));
        return stop.exitCode ?? 0;
      },
    );
    console.log('after');
    // Outside the work the rule is gone: the next signal has Node's default (the process dies by it).
    setTimeout(() => process.exit(code), ${opts.finishAfterMs ? 2000 : 0});
  `;
  const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  c.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    c.on('close', (code, signal) => r({ code, signal })),
  );
  const waitFor = async (text: string) => {
    const end = Date.now() + 20_000;
    while (!stdout.includes(text)) {
      if (Date.now() > end) throw new Error(`no "${text}" in ${JSON.stringify(stdout)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { c, exited, waitFor, out: () => stdout };
}

describe('withStopSignals', () => {
  test.each(STOP_SIGNALS)(
    'first %s: the operation is asked to stop and finishes; the command gets the signal to report',
    async (signal: StopSignal) => {
      const run = child({ lingerMs: 300 });
      await run.waitFor('working');
      run.c.kill(signal);
      await run.waitFor('after');
      expect(run.out()).toContain(`stop ${signal} true true\n`);
      expect(run.out()).toContain(`returned ${SIGNAL_EXIT[signal]}\n`);
      expect((await run.exited).code).toBe(SIGNAL_EXIT[signal]);
    },
  );

  test.each(STOP_SIGNALS)(
    'a second signal (%s) while the operation stops: exit at once with 128 + its number',
    async (second: StopSignal) => {
      const run = child({ lingerMs: 20_000 });
      await run.waitFor('working');
      run.c.kill('SIGTERM');
      await run.waitFor('stop SIGTERM');
      const sentAt = Date.now();
      run.c.kill(second);
      expect(await run.exited).toEqual({ code: SIGNAL_EXIT[second], signal: null });
      expect(Date.now() - sentAt).toBeLessThan(3000);
      expect(run.out()).not.toContain('returned');
    },
  );

  test('no signal: the work returns as it would; afterwards the rule is gone', async () => {
    const run = child({ lingerMs: 0, finishAfterMs: 100 });
    await run.waitFor('after');
    expect(run.out()).toContain('returned 0\n');
    run.c.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});

describe('schedule under the same rule (README "Signals")', () => {
  test('a second signal while a run stops quits at once with 128 + its number; the runner lock goes with the connection', async () => {
    const db = await createTestDatabase('shell_schedule');
    try {
      await seedHatchet(db, 20_000);
      const count = async () =>
        (await db.pool.query('SELECT count(*)::int AS n FROM "UserSession"')).rows[0].n as number;
      const before = await count();
      const c = spawn(
        process.execPath,
        [path.join(ROOT, 'dist', 'cli.js'), 'schedule', '--json', '--target-batch-ms', '1', '--nice', '3'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: db.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      c.stdout.resume();
      const exited = new Promise<number | null>((r) => c.on('close', r));
      const end = Date.now() + 30_000;
      while ((await count()) >= before) {
        if (Date.now() > end) throw new Error('the run deleted nothing');
        await new Promise((r) => setTimeout(r, 10));
      }
      c.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 30));
      c.kill('SIGINT');
      expect(await exited).toBe(130);
      const ours = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hatchet-sessions %'`;
      const gone = Date.now() + 5000;
      while ((await db.pool.query(ours)).rows[0].n > 0 && Date.now() < gone)
        await new Promise((r) => setTimeout(r, 20));
      expect((await db.pool.query(ours)).rows[0].n).toBe(0);
    } finally {
      await db.drop();
    }
  }, 60_000);
});
