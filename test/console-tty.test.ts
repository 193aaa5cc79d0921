import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newTmux, ROOT } from './helpers.js';

/**
 * The console as a person runs it: in a real terminal (tmux), on the embedded demo database. Checks the first
 * screen, resizing, quitting with q and with signals, and that no PostgreSQL process is left behind.
 */
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTmux)('the console in a terminal', () => {
  let dir: string;
  let server = newTmux('hatchet-sessions-test');
  const tmux = (...args: string[]) => server.tmux(...args);
  const screen = () => tmux('capture-pane', '-p', '-t', 'console').trimEnd();

  async function until(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const demoDir = () => path.join(dir, 'demo');
  const postgresRunning = () => {
    const pidFile = path.join(demoDir(), 'data', 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return false;
    try {
      process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
      return true;
    } catch {
      return false;
    }
  };

  function start(width: number, height: number): void {
    const exitFile = path.join(dir, 'exit-code');
    fs.rmSync(exitFile, { force: true });
    server.kill(); // (an earlier test's)
    server = newTmux('hatchet-sessions-test');
    const command = `HATCHET_SESSIONS_DEMO_DIR=${demoDir()} node ${path.join(ROOT, 'dist', 'cli.js')} --demo-rows 5000; echo $? > ${exitFile}; sleep 60`;
    tmux('new-session', '-d', '-s', 'console', '-x', String(width), '-y', String(height), command);
  }
  const exitCode = () => {
    const f = path.join(dir, 'exit-code');
    return fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() !== '' ? Number(fs.readFileSync(f, 'utf8')) : null;
  };
  const consolePid = () =>
    Number(
      execFileSync('pgrep', ['-f', '^hatchet-sessions --demo-rows 5000'], { encoding: 'utf8' }).trim().split('\n')[0],
    );

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-tty-'));
    fs.chmodSync(dir, 0o755);
  });
  afterAll(() => {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(
    'first start seeds the demo and shows the dashboard; resize; q exits 0 and stops the server',
    { timeout: 120_000 },
    async () => {
      start(120, 40);
      await until(() => /Sessions exact as of/.test(screen()), 'the dashboard');
      const first = screen();
      expect(first).toContain('DEMO DATABASE');
      expect(first).toMatch(/total\s+5,0\d\d/);
      expect(first).toMatch(/\?\s+help/);
      expect(first).not.toContain(
        fs.readFileSync(path.join(demoDir(), 'demo.json'), 'utf8').match(/"password":"([^"]+)"/)![1],
      );
      tmux('resize-window', '-t', 'console', '-x', '60', '-y', '20');
      await until(() => screen().split('\n').length <= 20 && /q\s+quit/.test(screen()), 'a re-layout at 60x20');
      for (const line of screen().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
      tmux('resize-window', '-t', 'console', '-x', '120', '-y', '40');
      await until(() => /Sessions exact as of/.test(screen()) && /Size/.test(screen()), 'a re-layout at 120x40');
      tmux('send-keys', '-t', 'console', 'q');
      await until(() => exitCode() !== null, 'the exit', 15_000);
      expect(exitCode()).toBe(0);
      expect(postgresRunning()).toBe(false);
      tmux('kill-session', '-t', 'console');
    },
  );

  test(
    'SIGKILL leaves the demo server running; the next start takes it over and q stops it',
    { timeout: 90_000 },
    async () => {
      start(100, 30);
      await until(() => /Sessions exact as of/.test(screen()), 'the dashboard', 20_000);
      process.kill(consolePid(), 'SIGKILL');
      await until(() => exitCode() !== null, 'the shell to see the kill', 15_000);
      expect(postgresRunning()).toBe(true); // nothing could stop it
      start(100, 30);
      await until(() => /Sessions exact as of/.test(screen()), 'the dashboard after the kill', 30_000);
      tmux('send-keys', '-t', 'console', 'q');
      await until(() => exitCode() !== null, 'the exit', 15_000);
      expect(exitCode()).toBe(0);
      expect(postgresRunning()).toBe(false);
      tmux('kill-session', '-t', 'console');
    },
  );

  test.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)(
    '%s: the console quits cleanly, the server stops',
    async (signal) => {
      start(100, 30);
      await until(() => /Sessions exact as of/.test(screen()), 'the dashboard (second start: no seeding)', 20_000);
      process.kill(consolePid(), signal);
      await until(() => exitCode() !== null, 'the exit', 15_000);
      expect(exitCode()).toBe(0);
      expect(postgresRunning()).toBe(false);
      tmux('kill-session', '-t', 'console');
    },
  );
});
