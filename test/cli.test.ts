import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exactStatus } from '../src/status.js';
import { createTestDatabase, runCli, seedHatchet, TABLE, urlFor, type TestDatabase } from './helpers.js';

let db: TestDatabase;
let empty: TestDatabase;
const SECRET = 'Wr0ng-Secret-Value';

beforeAll(async () => {
  db = await createTestDatabase('cli');
  await seedHatchet(db, 2000);
  empty = await createTestDatabase('cli_empty');
});
afterAll(async () => {
  await db.drop();
  await empty.drop();
});

function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^hatchet-sessions: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('status', () => {
  test('--json prints the exact figures the rule defines', async () => {
    const result = await runCli(['status', '--json'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    for (const key of [
      'total',
      'anonymous',
      'authenticated',
      'expired',
      'deletable',
      'kept',
      'tableBytes',
      'indexBytes',
      'totalBytes',
      'deadTuples',
      'hasCreatedAtIndex',
      'createdLastHour',
      'createdLast24h',
      'serverVersion',
      'readOnly',
    ]) {
      expect(report, key).toHaveProperty(key);
    }
    const { counts } = await exactStatus(db.pool, TABLE);
    // Seeded data only ages; nothing writes meanwhile, so the two snapshots agree.
    expect(report).toMatchObject({
      total: counts.total,
      anonymous: counts.anonymous,
      authenticated: counts.authenticated,
      expired: counts.expired,
      deletable: counts.deletable,
      kept: counts.kept,
      hasCreatedAtIndex: true,
      readOnly: false,
    });
    expect(report.total).toBe(2000);
    expect(report.anonymous + report.authenticated).toBe(2000);
  });

  test('text output names the figures', async () => {
    const result = await runCli(['status', '--database-url', db.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/total\s+2,000/);
    expect(result.stdout).toMatch(/deletable\s+[\d,]+/);
  });

  test('--read-only reports read-only and still works', async () => {
    const result = await runCli(['status', '--json', '--read-only'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).readOnly).toBe(true);
  });
});

describe('exit codes and one-line errors, never the password', () => {
  test('usage error: exit 2', async () => {
    const result = await runCli(['status', '--bogus']);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /Unknown option '--bogus'/);
  });

  test('the console without a terminal: exit 2', async () => {
    const result = await runCli([], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /needs a terminal/);
  });

  test('wrong password: exit 3', async () => {
    const url = urlFor(db.name, undefined, SECRET);
    const result = await runCli(['status', '--json'], { DATABASE_URL: url });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr, /authentication failed for user "postgres"/);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });

  test("wrong password in Hatchet's variables: exit 3, password not shown", async () => {
    const u = new URL(db.url);
    const result = await runCli(['status'], {
      DATABASE_POSTGRES_HOST: u.hostname,
      DATABASE_POSTGRES_PORT: u.port,
      DATABASE_POSTGRES_USERNAME: 'postgres',
      DATABASE_POSTGRES_PASSWORD: SECRET,
      DATABASE_POSTGRES_DB_NAME: db.name,
    });
    expect(result.code).toBe(3);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });

  test('unknown host: exit 3', async () => {
    const result = await runCli(['status', '--connect-timeout', '5s'], {
      DATABASE_URL: `postgres://u:${SECRET}@no-such-host.invalid:5432/db`,
    });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr, /unknown host "no-such-host.invalid"|no answer within the connect timeout/);
    expect(result.stderr).not.toContain(SECRET);
  });

  test('refused port: exit 3', async () => {
    const result = await runCli(['status'], { DATABASE_URL: `postgres://u:${SECRET}@127.0.0.1:1/db` });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr, /connection refused/);
    expect(result.stderr).not.toContain(SECRET);
  });

  test('missing database: exit 3', async () => {
    const result = await runCli(['status'], { DATABASE_URL: urlFor('no_such_database') });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr, /database "no_such_database" does not exist/);
  });

  test('missing table: exit 4', async () => {
    const result = await runCli(['status', '--json'], { DATABASE_URL: empty.url });
    expect(result.code).toBe(4);
    expectOneLine(result.stderr, /table "public.UserSession" not found/);
  });

  test('table in another schema: --schema finds it', async () => {
    const wrong = await runCli(['status', '--schema', 'nope'], { DATABASE_URL: db.url });
    expect(wrong.code).toBe(4);
    expectOneLine(wrong.stderr, /"nope.UserSession" not found/);
  });
});

describe('a server that never answers', () => {
  test('connect timeout: exit 3 naming it; meanwhile ps shows no password', async () => {
    const net = await import('node:net');
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const fs = await import('node:fs');
    const blackHole = net.createServer(() => {}); // accepts, never speaks
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
    const port = (blackHole.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [
          path.join(process.cwd(), 'dist', 'cli.js'),
          'status',
          '--connect-timeout',
          '2s',
          '--database-url',
          `postgres://u:${SECRET}@127.0.0.1:${port}/db`,
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      // The title is set first thing at start-up; on a busy machine that may take a moment.
      let cmdline = '';
      for (let i = 0; i < 100 && !cmdline.startsWith('hatchet-sessions'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      }
      expect(cmdline).toContain(
        'hatchet-sessions status --connect-timeout 2s --database-url postgres://u:***@127.0.0.1',
      );
      expect(cmdline).not.toContain(SECRET);
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(3);
      expectOneLine(stderr, /no answer within the connect timeout/);
      expect(stderr).not.toContain(SECRET);
    } finally {
      blackHole.close();
    }
  });
});

describe('writes refused where they must be', () => {
  test('schedule with --read-only: exit 2, names why', async () => {
    const result = await runCli(['schedule', '--read-only'], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /cannot schedule cleanups: connections are read-only/);
  });

  test('schedule with bad flags: exit 2', async () => {
    for (const args of [
      ['--every', '1h', '--cron', '5 * * * *'],
      ['--cron', 'whenever'],
      ['--metrics-port', '-1'],
      ['--every', '0s'],
    ]) {
      const result = await runCli(['schedule', ...args], { DATABASE_URL: db.url });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('a hostile schema name is escaped everywhere: status works, nothing else is touched', async () => {
    const schema = 'x"; DROP TABLE "UserSession"; --';
    await seedHatchet(db, 100, true, { schema, name: 'UserSession' });
    const result = await runCli(['status', '--json', '--schema', schema], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).total).toBe(100);
    const growth = await runCli(['growth', '--json', '--schema', schema], { DATABASE_URL: db.url });
    expect(growth.code).toBe(0);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM public."UserSession"')).rows[0].n).toBe(2000);
  });
});
