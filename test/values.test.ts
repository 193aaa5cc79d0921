// Values as a new user types them: a minus sign, a number without its unit, a cron expression that is not one. Each
// is refused before anything connects, in one line that says what to type instead (exit 2).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../src/config.js';
import { EXIT, ToolError } from '../src/errors.js';
import { parseSchedule } from '../src/schedule/timing.js';
import net from 'node:net';
import { Metrics, serveMetrics } from '../src/metrics.js';
import { createTestDatabase, runCli, seedHatchet, type TestDatabase } from './helpers.js';

function refusal(argv: string[]): string {
  try {
    parseConfig(argv, { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' });
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).exitCode).toBe(EXIT.usage);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('bad values', () => {
  test.each([
    [['drain', '--nice', '-1'], '--nice must be 0 or more, got -1.'],
    [['drain', '--max-rows', '-5'], '--max-rows must be 0 or more, got -5.'],
    [['schedule', '--jitter', '-5s'], '--jitter must be 0 or more, got -5s.'],
    [['schedule', '--every', '10'], '--every "10" needs a unit: 10s, 10m or 10h (also ms and d).'],
    [['drain', '--max-lag', '30'], '--max-lag "30" needs a unit: 30s, 30m or 30h (also ms and d).'],
    [['status', '--connect-timeout', '5'], '--connect-timeout "5" needs a unit: 5s, 5m or 5h (also ms and d).'],
  ])('%j: %s', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  test('a cron expression that is not one gets the fields and an example, not the library text', () => {
    let message = '';
    try {
      parseSchedule(undefined, 'bad');
    } catch (err) {
      expect((err as ToolError).exitCode).toBe(EXIT.usage);
      message = (err as Error).message;
    }
    expect(message).toMatch(
      /^--cron "bad" is not a cron expression: five fields, minute hour day-of-month month day-of-week, e\.g\. "5 \* \* \* \*"/,
    );
    expect(message).not.toMatch(/CronPattern|configuration format/);
  });

  test('the same values with their units are taken', () => {
    expect(() => parseConfig(['schedule', '--every', '10m', '--jitter', '5s'], {})).not.toThrow();
    expect(() => parseConfig(['drain', '--nice', '0', '--max-lag', '30s', '--max-rows', '1'], {})).not.toThrow();
  });
});

describe('TLS as documented', () => {
  test.each(['require', 'verify-ca', 'verify-full', 'disable'])(
    'sslmode=%s in the URL: one line on stderr, no warning from the driver',
    async (mode) => {
      const r = await runCli(['status', '--connect-timeout', '2s'], {
        DATABASE_URL: `postgres://u:secret@127.0.0.1:1/db?sslmode=${mode}`,
      });
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/SECURITY WARNING|verify-full'\./);
    },
  );

  test('sslmode=require encrypts without checking the certificate; verify-full checks it', () => {
    const url = (mode: string) => ['--database-url', `postgres://u:p@db.example:5432/hatchet?sslmode=${mode}`];
    const require = parseConfig(url('require'), {}).target as { ssl?: unknown };
    expect(require.ssl).toMatchObject({ rejectUnauthorized: false });
    const full = parseConfig(url('verify-full'), {}).target as { ssl?: unknown };
    expect(full.ssl).toMatchObject({ rejectUnauthorized: true });
  });
});

describe('the metrics port', () => {
  test('a port another program holds names the flag, exit 2 (was: listen EADDRINUSE, exit 1)', async () => {
    const other = net.createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as net.AddressInfo).port;
    try {
      const err = await serveMetrics(new Metrics(), port).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ToolError);
      expect((err as ToolError).exitCode).toBe(EXIT.usage);
      expect((err as Error).message).toBe(
        `--metrics-port ${port}: another program already listens on 127.0.0.1:${port}. Pick a free port.`,
      );
    } finally {
      other.close();
    }
  });
});

describe('without a terminal', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('values');
    await seedHatchet(db, 500);
  });
  afterAll(() => db?.drop());

  test('create-index when the index exists and is valid: nothing to do, exit 0 (was: asked for --yes)', async () => {
    const r = await runCli(['create-index'], { DATABASE_URL: db.url });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("Nothing to do: Hatchet's index ix_user_session_cre_at_exp_at exists and is valid.");
    const json = await runCli(['create-index', '--json'], { DATABASE_URL: db.url });
    expect(JSON.parse(json.stdout)).toEqual({
      type: 'result',
      outcome: 'exists',
      index: 'ix_user_session_cre_at_exp_at',
    });
  });

  test('create-index with work to do still needs --yes', async () => {
    await db.pool.query('DROP INDEX ix_user_session_cre_at_exp_at');
    const r = await runCli(['create-index'], { DATABASE_URL: db.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/create-index writes to the database: add --yes/);
  });

  test('rebuild without --yes names the command and what it would do in one sentence', async () => {
    const r = await runCli(['rebuild'], { DATABASE_URL: db.url });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'hatchet-sessions: rebuild changes the table (rebuild "UserSession"): add --yes to run it without a terminal, or --dry-run to see it first.',
    );
  });
});
