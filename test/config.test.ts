import { describe, expect, test } from 'vitest';
import { parseDuration } from '../src/commands/flags.js';
import { parseConfig, resolveTarget, sslFromMode, type ConnectionTarget } from '../src/config.js';
import { EXIT, ToolError, connectionError, redact, registerSecret } from '../src/errors.js';

const target = (t: ConnectionTarget | 'demo') => t as ConnectionTarget;

describe('connection precedence', () => {
  const hatchet = {
    DATABASE_POSTGRES_HOST: 'db.internal',
    DATABASE_POSTGRES_PORT: '5433',
    DATABASE_POSTGRES_USERNAME: 'hatchet',
    DATABASE_POSTGRES_PASSWORD: 'h-secret',
    DATABASE_POSTGRES_DB_NAME: 'hatchetdb',
    DATABASE_POSTGRES_SSL_MODE: 'require',
  };
  const pgEnv = { PGHOST: 'pg.local', PGUSER: 'alice', PGPASSWORD: 'pg-secret', PGDATABASE: 'app' };

  test('--database-url wins over everything', () => {
    const t = target(
      resolveTarget(
        'postgres://u:p1@flag.host:6000/flagdb',
        { DATABASE_URL: 'postgres://x:y@env/db', ...hatchet, ...pgEnv },
        false,
      ),
    );
    expect(t.source).toBe('--database-url');
    expect(t.endpoint).toEqual({ host: 'flag.host', port: 6000, database: 'flagdb', user: 'u' });
  });

  test('DATABASE_URL before Hatchet variables and PG*', () => {
    const t = target(
      resolveTarget(
        undefined,
        { DATABASE_URL: 'postgresql://x:y@env.host/envdb?sslmode=verify-full', ...hatchet, ...pgEnv },
        false,
      ),
    );
    expect(t.source).toBe('DATABASE_URL');
    expect(t.endpoint.host).toBe('env.host');
    expect(t.sslMode).toBe('verify-full');
  });

  test("Hatchet's DATABASE_POSTGRES_* before PG*", () => {
    const t = target(resolveTarget(undefined, { ...hatchet, ...pgEnv }, false));
    expect(t.kind).toBe('hatchet-env');
    expect(t.endpoint).toEqual({ host: 'db.internal', port: 5433, database: 'hatchetdb', user: 'hatchet' });
    expect(t.password).toBe('h-secret');
    expect(t.sslMode).toBe('require');
  });

  test("Hatchet's defaults fill what is not set", () => {
    const t = target(resolveTarget(undefined, { DATABASE_POSTGRES_HOST: 'h' }, false));
    expect(t.endpoint).toEqual({ host: 'h', port: 5431, database: 'hatchet', user: 'hatchet' });
    expect(t.sslMode).toBe('disable');
  });

  test('libpq PG* variables before the demo', () => {
    const t = target(resolveTarget(undefined, pgEnv, false));
    expect(t.kind).toBe('pg-env');
    expect(t.endpoint).toEqual({ host: 'pg.local', port: 5432, database: 'app', user: 'alice' });
  });

  test('nothing configured, or --demo: the demo database', () => {
    expect(resolveTarget(undefined, {}, false)).toBe('demo');
    expect(resolveTarget('postgres://a@b/c', { DATABASE_URL: 'postgres://a@b/c' }, true)).toBe('demo');
  });

  test('the pooler and replica URLs are never used', () => {
    expect(
      resolveTarget(
        undefined,
        { DATABASE_PGBOUNCER_URL: 'postgres://a:b@pooler/db', READ_REPLICA_DATABASE_URL: 'postgres://a:b@replica/db' },
        false,
      ),
    ).toBe('demo');
  });
});

describe('flags', () => {
  test('defaults', () => {
    const c = parseConfig([], {});
    expect(c).toMatchObject({
      command: 'console',
      schema: 'public',
      connectTimeoutMs: 10_000,
      readOnly: false,
      json: false,
      target: 'demo',
    });
    expect(c.demo).toEqual({ reset: false, withoutIndex: false, rows: 300_000 });
  });

  test('status --json --schema --read-only --connect-timeout', () => {
    const c = parseConfig(['status', '--json', '--schema', 'hatchet', '--read-only', '--connect-timeout', '3s'], {});
    expect(c).toMatchObject({
      command: 'status',
      json: true,
      schema: 'hatchet',
      readOnly: true,
      connectTimeoutMs: 3000,
    });
  });

  test.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['status', 'extra'], /unexpected argument "extra"/],
    [['--connect-timeout', 'soon'], /not a duration/],
    [['--connect-timeout', '0s'], /greater than zero/],
    [['--demo-rows=-5'], /must be 0 or more, got -5/],
    [['--demo-rows', 'many'], /not a whole number/],
    [['--database-url', 'mysql://a@b/c'], /not a valid PostgreSQL URL/],
    [['--database-url', 'postgres://a@b:notaport/c'], /not a valid PostgreSQL URL/],
  ])('%j is a usage error (exit 2)', (argv, message) => {
    let error: unknown;
    try {
      parseConfig(argv, {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).exitCode).toBe(EXIT.usage);
    expect((error as ToolError).message).toMatch(message);
  });

  test('durations', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(() => parseDuration('10', 'x')).toThrow('--x "10" needs a unit: 10s, 10m or 10h (also ms and d).'); // ten what?
    expect(parseDuration('10s', 'x')).toBe(10_000);
    expect(() => parseDuration('-5s', 'x')).toThrow('--x must be 0 or more, got -5s.');
    expect(parseDuration('5m', 'x')).toBe(300_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration('2d', 'x')).toBe(172_800_000);
  });

  test('SSL modes behave like libpq', () => {
    expect(sslFromMode('disable').ssl).toBe(false);
    expect(sslFromMode('require').ssl).toEqual({ rejectUnauthorized: false });
    const verifyCa = sslFromMode('verify-ca').ssl as {
      rejectUnauthorized: boolean;
      checkServerIdentity: () => unknown;
    };
    expect(verifyCa.rejectUnauthorized).toBe(true);
    expect(verifyCa.checkServerIdentity()).toBeUndefined(); // CA checked, host name not
    expect(sslFromMode('verify-full').ssl).toEqual({ rejectUnauthorized: true });
    expect(() => sslFromMode('sometimes')).toThrow(/unknown SSL mode/);
  });
});

describe('password redaction', () => {
  test('URL passwords and registered secrets never survive', () => {
    registerSecret('s3cr3t-Pa55');
    expect(redact('failed for postgres://bob:s3cr3t-Pa55@h:5432/db')).toBe('failed for postgres://bob:***@h:5432/db');
    expect(redact('password=s3cr3t-Pa55 host=x')).toBe('password=*** host=x');
    expect(redact('the server said s3cr3t-Pa55 is wrong')).toBe('the server said *** is wrong');
  });

  test('a URL given on the command line registers its password', () => {
    parseConfig(['--database-url', 'postgres://bob:url-only-secret@h/db'], {});
    expect(redact('echo url-only-secret')).toBe('echo ***');
  });

  test('connection errors name the cause and the fix, without the password', () => {
    const at = { host: 'db', port: 5432, database: 'sessions_db', user: 'bob' };
    const cases: Array<[object, RegExp]> = [
      [{ code: 'ECONNREFUSED' }, /connection refused/],
      [{ code: 'ENOTFOUND' }, /unknown host "db"/],
      [{ message: 'timeout expired' }, /connect timeout/],
      [{ code: '28P01', message: 'password authentication failed' }, /authentication failed for user "bob"/],
      [{ code: '3D000' }, /database "sessions_db" does not exist/],
      [{ message: 'The server does not support SSL connections' }, /does not offer TLS/],
      [
        {
          code: '28000',
          message: 'no pg_hba.conf entry for host "1.2.3.4", user "bob", database "hatchet", no encryption',
        },
        /requires TLS/,
      ],
    ];
    for (const [err, message] of cases) {
      const e = connectionError(err, at);
      expect(e.exitCode).toBe(EXIT.connection);
      expect(e.message).toMatch(message);
    }
  });
});

describe('poolers', () => {
  test("Hatchet's PgBouncer URL as the connection is refused with the direct URL to use", () => {
    const env = {
      DATABASE_URL: 'postgres://hatchet:pw@pgbouncer:6432/hatchet',
      DATABASE_PGBOUNCER_URL: 'postgres://hatchet:pw@pgbouncer:6432/hatchet',
    };
    expect(() => parseConfig(['status'], env)).toThrow(
      /DATABASE_PGBOUNCER_URL \(a transaction-mode pooler\)\. Use the direct primary/,
    );
    expect(
      parseConfig(['status'], { ...env, DATABASE_URL: 'postgres://hatchet:pw@postgres:5432/hatchet' }).command,
    ).toBe('status');
  });

  test('a pooler that refuses our startup settings is named as such (exit 2)', () => {
    const e = connectionError(
      { code: '08P01', message: 'unsupported startup parameter: options' },
      { host: 'pgb', port: 6432, database: 'd', user: 'u' },
    );
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toMatch(/looks like PgBouncer.*not DATABASE_PGBOUNCER_URL/);
  });
});
