import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemo, type DemoStep } from '../src/demo/demo.js';
import { inspect } from '../src/inspect.js';
import { exactStatus } from '../src/status.js';
import { spawn } from 'node:child_process';
import { ROOT, runCli, TABLE } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-demo-test-'));
  fs.chmodSync(dir, 0o755);
  process.env.HATCHET_SESSIONS_DEMO_DIR = path.join(dir, 'demo');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const postmasterPid = (dataDir: string) =>
  Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('the embedded demo database', () => {
  test('first start creates and seeds it; the next reuses it; stop leaves no server', async () => {
    const steps: DemoStep['step'][] = [];
    const demo = await startDemo({ reset: false, withoutIndex: false, rows: 3000 }, (s) => steps.push(s.step));
    expect(steps).toContain('init');
    expect(steps).toContain('seed');
    const pool = new pg.Pool({ ...demo.target.endpoint, password: demo.target.password });
    pool.on('error', () => {});
    const { counts } = await exactStatus(pool, TABLE);
    expect(counts.total).toBe(3000);
    expect(counts.authenticated).toBeGreaterThan(0);
    expect(counts.anonymous / counts.total).toBeGreaterThan(0.99);
    expect(counts.expired).toBeGreaterThan(0); // some authenticated sessions expired
    const inspection = await inspect(pool, TABLE);
    expect(inspection.createdAtIndex).toBe('valid');
    await pool.query(`INSERT INTO "UserSession" (id, "expiresAt") VALUES (gen_random_uuid(), NOW())`);
    await pool.end();
    const pid = postmasterPid(demo.server.dataDir);
    await demo.stop();
    expect(alive(pid)).toBe(false);

    const again: DemoStep['step'][] = [];
    const second = await startDemo({ reset: false, withoutIndex: false, rows: 3000 }, (s) => again.push(s.step));
    expect(again).not.toContain('seed');
    const pool2 = new pg.Pool({ ...second.target.endpoint, password: second.target.password });
    pool2.on('error', () => {}); // (a shutdown may reach a connection pool.end() let go of)
    expect((await exactStatus(pool2, TABLE)).counts.total).toBe(3001); // the data was kept
    await pool2.end();
    await second.stop();
  });

  test('--demo-reset --demo-without-index seeds again without the index', async () => {
    const demo = await startDemo({ reset: true, withoutIndex: true, rows: 1000 });
    const pool = new pg.Pool({ ...demo.target.endpoint, password: demo.target.password });
    pool.on('error', () => {}); // (a shutdown may reach a connection pool.end() let go of)
    try {
      expect((await exactStatus(pool, TABLE)).counts.total).toBe(1000);
      expect((await inspect(pool, TABLE)).createdAtIndex).toBe('missing');
    } finally {
      await pool.end();
      await demo.stop();
    }
  });

  test('status --demo runs on it and stops the server on exit', async () => {
    const result = await runCli(['status', '--demo', '--json'], {
      HATCHET_SESSIONS_DEMO_DIR: process.env.HATCHET_SESSIONS_DEMO_DIR!,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).total).toBe(1000);
    const pidFile = path.join(process.env.HATCHET_SESSIONS_DEMO_DIR!, 'data', 'postmaster.pid');
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  test('a second command reuses the running demo and leaves it running; the last one to leave stops it', async () => {
    const env = { HATCHET_SESSIONS_DEMO_DIR: process.env.HATCHET_SESSIONS_DEMO_DIR! };
    const first = await startDemo({ reset: false, withoutIndex: false, rows: 1000 });
    const pid = postmasterPid(first.server.dataDir);
    const status = await runCli(['status', '--demo', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).total).toBe(1000);
    expect(alive(pid)).toBe(true); // still the first one's server
    const reset = await runCli(['status', '--demo', '--demo-reset'], env);
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/cannot reset the demo database: process \d+ is using it/);
    const pool = new pg.Pool({ ...first.target.endpoint, password: first.target.password });
    pool.on('error', () => {}); // (a shutdown may reach a connection pool.end() let go of)
    expect((await exactStatus(pool, TABLE)).counts.total).toBe(1000);
    await pool.end();
    await first.stop();
    expect(alive(pid)).toBe(false);
  });

  test('the command that started the server may end first: the one still using it keeps it, then stops it', async () => {
    // Another process starts the demo and holds it until its stdin closes.
    const script = `const { startDemo } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'demo', 'demo.js'))});
      const demo = await startDemo({ reset: false, withoutIndex: false, rows: 1000 });
      console.log('ready');
      process.stdin.resume();
      process.stdin.on('end', () => void demo.stop());`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const ended = new Promise<number | null>((resolve) => owner.on('close', resolve));
    await new Promise<void>((resolve) => owner.stdout!.on('data', (d) => String(d).includes('ready') && resolve()));
    const joined = await startDemo({ reset: false, withoutIndex: false, rows: 1000 });
    const pid = postmasterPid(joined.server.dataDir);
    owner.stdin!.end();
    expect(await ended).toBe(0); // it ended although the server runs on
    expect(alive(pid)).toBe(true);
    const pool = new pg.Pool({ ...joined.target.endpoint, password: joined.target.password });
    pool.on('error', () => {}); // (a shutdown may reach a connection pool.end() let go of)
    expect((await exactStatus(pool, TABLE)).counts.total).toBe(1000);
    await pool.end();
    await joined.stop();
    expect(alive(pid)).toBe(false);
  });
});
