import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '../../src/sql.js';
import {
  createTestDatabase,
  ROOT,
  runCli,
  seedHatchet,
  TABLE,
  urlFor,
  type TestDatabase,
  waitUntil,
} from '../helpers.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('drain_cli');
});
afterAll(async () => {
  await db.drop();
});

async function reseed(rows: number, withIndex = true) {
  await db.pool.query('DROP TABLE IF EXISTS "UserSession", "User", goose_db_version CASCADE');
  await seedHatchet(db, rows, withIndex);
}

const count = async (where = 'true') =>
  Number((await db.pool.query(`SELECT count(*) AS n FROM "UserSession" WHERE ${where}`)).rows[0].n);
const deletable = () => db.pool.query(sql('drain/remaining', TABLE)).then((r) => Number(r.rows[0].deletable));

function parseLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const SUMMARY_KEYS = [
  'stopReason',
  'rowsDeleted',
  'durationMs',
  'batches',
  'rowsPerSecond',
  'batchMs',
  'throttledMs',
  'blocksSwept',
  'blocksTotal',
  'remainingDeletable',
  'reusableBytes',
];

describe('drain, headless', () => {
  beforeAll(async () => {
    await reseed(20_000);
  });

  test('refuses without --yes and without a terminal (exit 2), deleting nothing', async () => {
    const before = await count();
    const result = await runCli(['drain'], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--yes/);
    expect(await count()).toBe(before);
  });

  test.each([
    [['--target-batch-ms', '0']],
    [['--target-batch-ms', 'fast']],
    [['--nice=-1']],
    [['--nice', 'x']],
    [['--max-lag', 'soon']],
    [['--max-active', '0']],
    [['--max-rows', '1.5']],
    [['--max-duration', '5parsecs']],
    [['--max-wal-rate', '0']],
    [['--max-wal-rate', 'fast']],
  ])('bad value %j: exit 2', async (args) => {
    const result = await runCli(['drain', '--yes', ...args], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hatchet-sessions: --/);
  });

  test('refuses when writes are blocked (--read-only): exit 2', async () => {
    const before = await count();
    const result = await runCli(['drain', '--yes', '--read-only'], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot drain: connections are read-only/);
    expect(await count()).toBe(before);
  });

  test('--dry-run prints the SQL and the rows it would delete, and deletes nothing', async () => {
    const before = await count();
    const wouldDelete = await deletable();
    const text = await runCli(['drain', '--dry-run'], { DATABASE_URL: db.url });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ctid >= \$1::tid AND ctid < \$2::tid/);
    expect(text.stdout).toMatch(/FOR UPDATE SKIP LOCKED/);
    expect(text.stdout).toMatch(/Rows it would delete now: [\d,]+/);
    const json = await runCli(['drain', '--dry-run', '--json'], { DATABASE_URL: db.url });
    expect(json.code).toBe(0);
    const [plan] = parseLines(json.stdout);
    expect(plan.type).toBe('dry-run');
    expect(Math.abs(plan.wouldDelete - wouldDelete)).toBeLessThanOrEqual(2); // rows may age meanwhile
    expect(plan.sql).toContain('DELETE FROM "public"."UserSession"');
    expect(await count()).toBe(before);
  });

  test('--max-rows stops at exactly that many rows (stopReason limit)', async () => {
    const result = await runCli(['drain', '--yes', '--json', '--max-rows', '123'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    const summary = parseLines(result.stdout).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', stopReason: 'limit', rowsDeleted: 123 });
  });

  test('--json: progress lines, then one summary with every field; everything deletable is gone', async () => {
    const kept = await count(
      `NOT ${sql('rule', TABLE).replace(/^--.*$/gm, '')}`.replaceAll('NOW()', "NOW() + INTERVAL '10 minutes'"),
    );
    const result = await runCli(['drain', '--yes', '--json', '--nice', '0'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    const summaries = lines.filter((l) => l.type === 'summary');
    expect(summaries).toHaveLength(1);
    expect(lines.at(-1)!.type).toBe('summary');
    expect(lines.slice(0, -1).every((l) => l.type === 'progress')).toBe(true);
    const s = summaries[0]!;
    for (const key of SUMMARY_KEYS) expect(s, key).toHaveProperty(key);
    expect(Object.keys(s.batchMs).sort()).toEqual(['max', 'p50', 'p95']);
    expect(s.stopReason).toBe('done');
    expect(s.error).toBeUndefined();
    expect(s.blocksSwept).toBe(s.blocksTotal);
    expect(s.remainingDeletable).toBe(0);
    expect(s.rowsDeleted).toBeGreaterThan(15_000);
    expect(await deletable()).toBe(0);
    expect(await count()).toBeGreaterThanOrEqual(kept);
  });

  test('--wal-compression: by default zstd paced and lz4 at --nice 0 where the server has them, pglz when asked, the server\'s own with "server" or without superuser', async () => {
    const serverSetting = String((await db.pool.query(`SELECT current_setting('wal_compression') AS v`)).rows[0].v);
    const has = (method: string) =>
      db.pool.query(`SELECT set_config('wal_compression', $1, true)`, [method]).then(
        () => true,
        () => false,
      );
    const [lz4, zstd] = [await has('lz4'), await has('zstd')];
    const run = async (args: string[], nice = '0') => {
      await reseed(3_000);
      const result = await runCli(['drain', '--yes', '--json', '--nice', nice, ...args], { DATABASE_URL: db.url });
      expect(result.code, result.stderr).toBe(0);
      const s = parseLines(result.stdout).at(-1)!;
      expect(s).toMatchObject({ type: 'summary', stopReason: 'done', remainingDeletable: 0 });
      return s.walCompression;
    };
    expect(await run([])).toBe(lz4 ? 'lz4' : serverSetting);
    expect(await run([], '0.1')).toBe(zstd ? 'zstd' : lz4 ? 'lz4' : serverSetting);
    expect(await run(['--wal-compression', 'lz4'], '0.1')).toBe(lz4 ? 'lz4' : serverSetting);
    expect(await run(['--wal-compression', 'pglz'])).toBe('pglz');
    expect(await run(['--wal-compression', 'server'])).toBe(serverSetting);
    // An owner that is not a superuser may not set it: the server's setting stays, and the drain runs.
    const role = `drain_owner_${db.name}`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'drain-owner-pw'`);
    try {
      await reseed(3_000);
      await db.pool.query(`ALTER TABLE "UserSession" OWNER TO ${role}`);
      const result = await runCli(['drain', '--yes', '--json', '--nice', '0'], {
        DATABASE_URL: urlFor(db.name, role, 'drain-owner-pw'),
      });
      expect(result.code, result.stderr).toBe(0);
      expect(parseLines(result.stdout).at(-1)).toMatchObject({
        stopReason: 'done',
        remainingDeletable: 0,
        walCompression: serverSetting,
      });
    } finally {
      await db.pool.query(`DROP TABLE IF EXISTS "UserSession", "User", goose_db_version CASCADE`);
      await db.pool.query(`DROP ROLE ${role}`);
    }
    expect((await runCli(['drain', '--yes', '--wal-compression', 'zip'], { DATABASE_URL: db.url })).code).toBe(2);
  });

  test('--max-wal-rate: the drain measures its WAL and pauses for the limit', async () => {
    await reseed(20_000);
    const result = await runCli(['drain', '--yes', '--json', '--nice', '0', '--max-wal-rate', '1'], {
      DATABASE_URL: db.url,
    });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    const s = lines.at(-1)!;
    expect(s).toMatchObject({ type: 'summary', stopReason: 'done', remainingDeletable: 0 });
    expect(s.walBytes).toBeGreaterThan(0);
    expect(s.walMBps).toBeGreaterThan(0);
    expect(s.walLimitedMs).toBeGreaterThan(0);
    expect(s.niceMs).toBeGreaterThan(0); // --nice 0, so every pause came from the WAL-rate limit
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.every((p) => p.maxWalMBps === 1)).toBe(true);
  });

  test('--nice 0 turns the default WAL-rate limit off: no pause at all', async () => {
    await reseed(5_000);
    const result = await runCli(['drain', '--yes', '--json', '--nice', '0'], { DATABASE_URL: db.url });
    const s = parseLines(result.stdout).at(-1)!;
    expect(s).toMatchObject({ type: 'summary', stopReason: 'done', niceMs: 0, walLimitedMs: 0, undoneBatches: 0 });
    expect(s.walBytes).toBeGreaterThan(0);
    // Unthrottled: every batch commits without waiting for its WAL, and the text summary says so.
    expect(s.asyncCommitBatches).toBe(s.batches);
    await reseed(5_000);
    const text = await runCli(['drain', '--yes', '--nice', '0'], { DATABASE_URL: db.url });
    expect(text.stdout).toMatch(/commits\s+\d+ batches did not wait for their WAL \(unthrottled\)/);
  });

  test('text output names the statistics', async () => {
    const result = await runCli(['drain', '--yes'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Drain done: every block swept/);
    expect(result.stdout).toMatch(/rows deleted\s+0/);
    expect(result.stdout).toMatch(/batch ms\s+p50 [\d.]+\s+p95 [\d.]+\s+max [\d.]+/);
    expect(result.stdout).toMatch(/WAL at most 48 MB\/s/);
    expect(result.stdout).toMatch(/WAL written\s+\S+/);
    expect(result.stdout).not.toMatch(/did not wait for their WAL/); // paced: every commit waits
  });
});

/** Start the CLI and return the child, its stdout so far, and its exit. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: db.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out, exited };
}

const SLOW = ['--target-batch-ms', '1', '--nice', '3'];

describe('interrupted drains', () => {
  test('SIGTERM stops after the current batch, prints the summary, exit 0', async () => {
    await reseed(20_000);
    const start = await count();
    const run = startCli(['drain', '--yes', '--json', ...SLOW]);
    await waitUntil('the drain to get there', async () => (await count()) < start);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const summary = parseLines(run.out.stdout).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', stopReason: 'stopped' });
    expect(summary.blocksSwept).toBeLessThan(summary.blocksTotal);
    expect(summary.rowsDeleted).toBe(start - (await count()));
  });

  test('SIGKILL mid-drain leaves no partial batch; a second drain finishes the job', async () => {
    await reseed(20_000);
    const perBlock = async () => {
      const { rows } = await db.pool.query(
        `SELECT (ctid::text::point)[0]::int AS block, count(*) FILTER (WHERE ${sql('rule', TABLE).replace(/^--.*$/gm, '')})::int AS deletable
           FROM "UserSession" GROUP BY 1 ORDER BY 1`,
      );
      return new Map(rows.map((r) => [r.block as number, r.deletable as number]));
    };
    const before = await perBlock();
    const start = await count();
    const run = startCli(['drain', '--yes', '--json', ...SLOW]);
    await waitUntil('the drain to get there', async () => (await count()) < start - 300);
    run.child.kill('SIGKILL');
    await run.exited;
    // The server notices the dead connection and rolls its batch back.
    await waitUntil(
      'the drain to get there',
      async () =>
        (
          await db.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hatchet-sessions drain'`,
          )
        ).rows.length === 0,
    );
    const after = await perBlock();
    // Blocks swept are empty of deletable rows; blocks not yet swept keep all of theirs (or gained a few by
    // aging): the boundary between them is the last committed batch, never inside one.
    const blocks = [...before.keys()].sort((a, b) => a - b);
    const firstUntouched = blocks.findIndex((b) => (after.get(b) ?? 0) > 0 || before.get(b) === 0);
    expect(firstUntouched).toBeGreaterThan(0);
    for (const b of blocks.slice(0, firstUntouched)) expect(after.get(b) ?? 0).toBe(0);
    for (const b of blocks.slice(firstUntouched)) expect(after.get(b) ?? 0).toBeGreaterThanOrEqual(before.get(b)!);
    const second = await runCli(['drain', '--yes', '--json', '--nice', '0'], { DATABASE_URL: db.url });
    expect(second.code).toBe(0);
    expect(parseLines(second.stdout).at(-1)).toMatchObject({ stopReason: 'done', remainingDeletable: 0 });
    expect(await deletable()).toBe(0);
  });
});

describe('create-index', () => {
  const indexDef = async () =>
    (
      await db.pool.query(
        `SELECT indisvalid AS valid, pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indexrelid = to_regclass('public.ix_user_session_cre_at_exp_at')`,
      )
    ).rows[0];

  test('needs --yes without a terminal (when there is an index to build)', async () => {
    await db.pool.query('DROP INDEX IF EXISTS ix_user_session_cre_at_exp_at');
    const result = await runCli(['create-index'], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
  });

  test("builds Hatchet's index exactly as its migration does, after dropping an INVALID leftover", async () => {
    await reseed(5_000, false);
    // An interrupted build leaves an INVALID index of that name behind (here: a unique build that fails).
    await db.pool
      .query('CREATE UNIQUE INDEX CONCURRENTLY "ix_user_session_cre_at_exp_at" ON "UserSession" (("userId" IS NULL))')
      .catch(() => {});
    expect((await indexDef()).valid).toBe(false);
    const result = await runCli(['create-index', '--yes', '--json'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'result', outcome: 'created', droppedInvalid: true });
    const index = await indexDef();
    expect(index.valid).toBe(true);
    expect(index.def).toBe(
      'CREATE INDEX ix_user_session_cre_at_exp_at ON public."UserSession" USING btree ("createdAt") INCLUDE ("expiresAt")',
    );
    const again = await runCli(['create-index', '--yes', '--json'], { DATABASE_URL: db.url });
    expect(again.code).toBe(0);
    expect(parseLines(again.stdout).at(-1)).toMatchObject({ outcome: 'exists' });
  });
});
