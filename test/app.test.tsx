import React from 'react';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../components/App.js';
import { ConsoleController } from '../src/console-controller.js';
import { parseConfig } from '../src/config.js';
import { createTestDatabase, seedHatchet, type TestDatabase, waitUntil } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('app');
  await seedHatchet(db, 5000);
});
afterAll(() => db.drop());

/**
 * Wait until the last frame satisfies `match`, then for React's passive effects (Ink registers the new key
 * handler in one) so that the next key reaches the screen that was drawn.
 */
async function waitForFrame(lastFrame: () => string | undefined, match: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (match.test(frame)) {
      await new Promise((r) => setTimeout(r, 30));
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`frame never matched ${match}:\n${frame}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('the console connects, shows the figures, and reacts to g, Esc, ?, q', async () => {
  const controller = new ConsoleController(parseConfig(['--database-url', db.url], {}));
  let exitCode: number | undefined;
  const app = render(<App controller={controller} onExit={(code) => (exitCode = code)} />);
  void controller.start();
  try {
    const home = await waitForFrame(app.lastFrame, /Sessions exact as of/);
    expect(home).toMatch(/total\s+5,000\s+100%/);
    expect(home).toContain('createdAt index present');
    expect(home).toMatch(/ r  exact counts.* g  growth.* \?  help\s+q  quit/s);

    app.stdin.write('g');
    const growth = await waitForFrame(app.lastFrame, /Rate now/);
    expect(growth).toContain('Created per hour, last 48 h');
    expect(growth).toContain('Created per day, last 30 days');
    expect(growth).toMatch(/esc\s+home/);

    app.stdin.write('\u001B'); // Esc
    await waitForFrame(app.lastFrame, /Sessions exact as of/);

    app.stdin.write('?');
    const help = await waitForFrame(app.lastFrame, /Press \? or Esc to close/);
    expect(help).toContain('run the exact counts now');
    app.stdin.write('?');
    await waitForFrame(app.lastFrame, /Sessions exact as of/);

    app.stdin.write('q');
    await waitUntil('the console to exit', () => exitCode !== undefined);
    expect(exitCode).toBe(0);
  } finally {
    app.unmount();
    await controller.close();
  }
});

test('in a typed confirmation q and ? are text, Esc cancels; the hint bar shows only keys that act', async () => {
  const controller = new ConsoleController(parseConfig(['--database-url', db.url], {}));
  let exitCode: number | undefined;
  const app = render(<App controller={controller} onExit={(code) => (exitCode = code)} />);
  void controller.start();
  try {
    await waitForFrame(app.lastFrame, /Sessions exact as of/);
    app.stdin.write('d');
    const confirm = await waitForFrame(app.lastFrame, /Type drain and press Enter/);
    expect(confirm).toMatch(/ enter  confirm\s+esc  cancel\s*$/);
    expect(confirm).not.toMatch(/ p  pause| s  stop|\?  help|q  quit/);
    app.stdin.write('q');
    app.stdin.write('?');
    await waitForFrame(app.lastFrame, /press Enter to start: q\?/);
    expect(exitCode).toBeUndefined();
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, /not "drain": nothing started/);
    app.stdin.write('\u001B'); // Esc
    const home = await waitForFrame(app.lastFrame, /Sessions exact as of/);
    expect(home).toMatch(/total\s+5,000\s+100%/); // nothing was deleted
    app.stdin.write('c');
    await waitForFrame(app.lastFrame, /Schedule: off/);
    app.stdin.write('s');
    const schedule = await waitForFrame(app.lastFrame, /Type schedule and press Enter/);
    expect(schedule).toMatch(/Deletable now: [\d,]+ rows \(exact count/);
    app.stdin.write('\u001B');
    await waitForFrame(app.lastFrame, /s  start/);
    expect(app.lastFrame()).toContain('Schedule: off');
  } finally {
    app.unmount();
    await controller.close();
  }
});

test('a missing table: the console says so and q exits with code 4', async () => {
  const empty = await createTestDatabase('app_empty');
  const controller = new ConsoleController(parseConfig(['--database-url', empty.url], {}));
  let exitCode: number | undefined;
  const app = render(<App controller={controller} onExit={(code) => (exitCode = code)} />);
  void controller.start();
  try {
    const frame = await waitForFrame(app.lastFrame, /✗/);
    expect(frame).toContain('table "public.UserSession" not found');
    app.stdin.write('q');
    await waitUntil('the console to exit', () => exitCode !== undefined);
    expect(exitCode).toBe(4);
  } finally {
    app.unmount();
    await controller.close();
    await empty.drop();
  }
});

test('quitting while a drain runs waits for it to stop after its batch and finish its closing ANALYZE; nothing partial', async () => {
  const own = await createTestDatabase('app_quit');
  await seedHatchet(own, 5000);
  const controller = new ConsoleController(parseConfig(['--database-url', own.url], {}));
  const app = render(<App controller={controller} onExit={() => {}} />);
  void controller.start();
  // Another session's SHARE lock: every batch times out and backs off, and the closing ANALYZE must wait for it.
  const locker = await own.pool.connect();
  let released = false;
  let closing: Promise<unknown> | null = null;
  try {
    await waitForFrame(app.lastFrame, /Sessions exact as of/);
    const before = Number((await own.pool.query('SELECT count(*) AS n FROM "UserSession"')).rows[0].n);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "UserSession" IN SHARE MODE');
    app.stdin.write('d');
    await waitForFrame(app.lastFrame, /Type drain and press Enter/);
    app.stdin.write('drain\r');
    await waitForFrame(app.lastFrame, /waiting: retry/);
    // What a stop signal does in the console (components/run-console.tsx): unmount, then close.
    app.unmount();
    let closed = false;
    closing = controller.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(closed).toBe(false); // the drain stopped sweeping, and its ANALYZE waits for the lock
    expect(controller.work.size).toBe(1);
    await locker.query('ROLLBACK');
    released = true;
    await closing;
    expect(controller.work.size).toBe(0);
    const stats = await own.pool.query(`SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'UserSession'`);
    expect(stats.rows[0].last_analyze).not.toBeNull();
    expect(Number((await own.pool.query('SELECT count(*) AS n FROM "UserSession"')).rows[0].n)).toBe(before);
  } finally {
    if (!released) await locker.query('ROLLBACK').catch(() => {});
    locker.release();
    app.unmount();
    await (closing ?? controller.close());
    await own.drop();
  }
});

test('after a drain from the console, the exact counts are taken again at once (not at the next 60 s refresh)', async () => {
  const own = await createTestDatabase('app_refresh');
  try {
    await seedHatchet(own, 3000);
    const controller = new ConsoleController(parseConfig(['--database-url', own.url], {}));
    const app = render(<App controller={controller} onExit={() => {}} />);
    void controller.start();
    try {
      const before = await waitForFrame(app.lastFrame, /Sessions exact as of/);
      expect(before).not.toMatch(/deletable\s+0\s/);
      app.stdin.write('d');
      await waitForFrame(app.lastFrame, /Type drain and press Enter/);
      app.stdin.write('drain\r');
      await waitForFrame(app.lastFrame, /Drain done/);
      app.stdin.write('\u001B'); // Esc
      await waitForFrame(app.lastFrame, /Sessions exact as of/);
      await waitForFrame(app.lastFrame, /Sessions exact as of[\s\S]*deletable\s+0\s/);
    } finally {
      app.unmount();
      await controller.close();
    }
  } finally {
    await own.drop();
  }
});
