// The built CLI against a real database: for every command, every flag it does not own is refused (exit 2, one
// line) and changes nothing; every --dry-run leaves the database as it was (relations, indexes and their validity,
// triggers, functions, the row count of every table, the sessions' contents). The same snapshot shows the real
// commands do change it, so a write that slipped through would be seen.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allFlags, COMMANDS, flagsOf, type Command } from '../src/commands/table.js';
import { exactStatus } from '../src/status.js';
import { sampleArgs } from './flag-samples.js';
import { createTestDatabase, ROOT, runCli, seedHatchet, TABLE, type CliResult, type TestDatabase } from './helpers.js';

let db: TestDatabase;
const env = () => ({ DATABASE_URL: db.url });

beforeAll(async () => {
  db = await createTestDatabase('matrix');
  await seedHatchet(db, 3000, false); // no createdAt index: create-index would build it
});
afterAll(() => db?.drop());

/** Everything a command could change, as plain data. */
async function snapshot(): Promise<Record<string, unknown>> {
  const rows = async (text: string) => (await db.pool.query(text)).rows.map((r) => Object.values(r).join(' '));
  const user = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;
  return {
    relations: await rows(
      `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} ORDER BY 1, 2`,
    ),
    indexes: await rows(
      `SELECT c.relname, i.indisvalid, i.indisready, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} ORDER BY 1`,
    ),
    triggers: await rows(`SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`),
    functions: await rows(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${user} ORDER BY 1`,
    ),
    counts: await rows(
      `SELECT schemaname, relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', schemaname, relname), false, true, '')))[1]::text
         FROM pg_stat_user_tables ORDER BY 1, 2`,
    ),
    sessions: (await db.pool.query(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS h FROM public."UserSession" t`))
      .rows[0].h,
  };
}

const argvFor = (command: Command, extra: string[]) => (command === 'console' ? extra : [command, ...extra]);

/** Run at most `n` at once (the machine is shared). */
async function inBatches<T, R>(items: T[], n: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(run))));
  return out;
}

describe('a flag the command does not own', () => {
  test('every command refuses every flag of the others: exit 2, one line naming it, nothing changed', async () => {
    const before = await snapshot();
    const every = [...allFlags().values()];
    const cases = COMMANDS.flatMap((command) => {
      const own = flagsOf(command);
      // With --yes where the command takes it: had the foreign flag been ignored, the command would have written.
      const yes = own.some((f) => f.name === 'yes') ? ['--yes'] : [];
      return every
        .filter((f) => !own.some((o) => o.name === f.name))
        .map((f) => ({ command, flag: f.name, argv: argvFor(command, [...yes, ...sampleArgs(f)]) }));
    });
    expect(cases.length).toBeGreaterThan(150);
    const results = await inBatches(cases, 3, async (c) => ({ ...c, result: await runCli(c.argv, env()) }));
    for (const { command, flag, argv, result } of results) {
      const lines = result.stderr.trim().split('\n');
      expect({ argv: argv.join(' '), code: result.code, lines: lines.length, stdout: result.stdout }).toEqual({
        argv: argv.join(' '),
        code: 2,
        lines: 1,
        stdout: '',
      });
      expect(lines[0]).toMatch(
        new RegExp(`^hatchet-sessions: ${command} does not take --${flag} \\(.*\\)\\. Flags of ${command}: `),
      );
    }
    expect(await snapshot()).toEqual(before);
  }, 600_000);
});

describe('every --dry-run changes nothing', () => {
  async function dry(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    const before = await snapshot();
    const r = await runCli(args, { ...env(), ...extraEnv });
    expect({ args: args.join(' '), code: r.code, stderr: r.stderr }).toEqual({
      args: args.join(' '),
      code: 0,
      stderr: '',
    });
    expect(await snapshot()).toEqual(before);
    return r;
  }

  test('drain --dry-run (also with --yes)', async () => {
    const { counts } = await exactStatus(db.pool, TABLE);
    expect(counts.deletable).toBeGreaterThan(0);
    expect((await dry(['drain', '--dry-run'])).stdout).toMatch(/nothing is deleted/);
    expect(JSON.parse((await dry(['drain', '--dry-run', '--yes', '--json', '--nice', '0'])).stdout)).toMatchObject({
      type: 'dry-run',
      wouldDelete: counts.deletable,
    });
  });

  test('schedule --dry-run prints the rule, the SQL, the rows deletable now and the next run times, and exits', async () => {
    const { counts } = await exactStatus(db.pool, TABLE);
    const text = (await dry(['schedule', '--dry-run', '--every', '15m'])).stdout;
    expect(text).toMatch(/nothing is deleted/);
    expect(text).toMatch(/Rule: /);
    expect(text).toMatch(/DELETE FROM/);
    expect(text).toContain(`Rows a run would delete now: ${counts.deletable.toLocaleString('en-US')} of 3,000`);
    expect(text).toMatch(/Schedule: every 15m/);
    expect(text.match(/^ {2}\d{4}-\d\d-\d\dT/gm)).toHaveLength(5);

    const every = JSON.parse(
      (await dry(['schedule', '--dry-run', '--json', '--every', '15m', '--jitter', '30s'])).stdout,
    );
    expect(every).toMatchObject({
      type: 'dry-run',
      schedule: 'every 15m',
      wouldDelete: counts.deletable,
      total: 3000,
      jitterMs: 30_000,
      initialRun: true,
    });
    expect(every.sql).toMatch(/DELETE FROM/);
    const at = every.runs.map((r: { at: string }) => Date.parse(r.at));
    expect(at.slice(1).map((t: number, i: number) => t - at[i])).toEqual([900_000, 900_000, 900_000, 900_000]);
    // The first run is at start (no jitter); every later one may come up to --jitter late.
    expect(every.runs.map((r: { at: string; latest: string }) => Date.parse(r.latest) - Date.parse(r.at))).toEqual([
      0, 30_000, 30_000, 30_000, 30_000,
    ]);

    const cron = JSON.parse(
      (await dry(['schedule', '--dry-run', '--json', '--cron', '5 * * * *', '--no-initial-run'])).stdout,
    );
    expect(cron.schedule).toBe('cron "5 * * * *"');
    expect(cron.runs).toHaveLength(5);
    for (const r of cron.runs) expect(new Date(r.at).getMinutes()).toBe(5);
    expect(Date.parse(cron.runs[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('create-index --dry-run prints the CREATE INDEX CONCURRENTLY; with an INVALID leftover, its DROP first', async () => {
    const missing = JSON.parse((await dry(['create-index', '--dry-run', '--yes', '--json'])).stdout);
    expect(missing).toMatchObject({ type: 'dry-run', index: 'ix_user_session_cre_at_exp_at', state: 'missing' });
    expect(missing.statements.map((s: { sql: string }) => s.sql)).toEqual([
      expect.stringMatching(/CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_user_session_cre_at_exp_at"/),
    ]);
    expect((await dry(['create-index', '--dry-run'])).stdout).toMatch(
      /Index ix_user_session_cre_at_exp_at: missing\.[\s\S]*CREATE INDEX CONCURRENTLY/,
    );

    // An interrupted build's leftover, as the catalog shows one.
    await db.pool.query(
      `CREATE INDEX "ix_user_session_cre_at_exp_at" ON public."UserSession" ("createdAt", "expiresAt")`,
    );
    await db.pool.query(
      `UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'public.ix_user_session_cre_at_exp_at'::regclass`,
    );
    try {
      const invalid = JSON.parse((await dry(['create-index', '--dry-run', '--json'])).stdout);
      expect(invalid.state).toBe('invalid');
      expect(invalid.statements.map((s: { sql: string }) => s.sql)).toEqual([
        expect.stringMatching(/DROP INDEX CONCURRENTLY/),
        expect.stringMatching(/CREATE INDEX CONCURRENTLY/),
      ]);
      const text = (await dry(['create-index', '--dry-run', '--yes'])).stdout;
      expect(text.indexOf('DROP INDEX CONCURRENTLY')).toBeGreaterThan(0);
      expect(text.indexOf('CREATE INDEX CONCURRENTLY')).toBeGreaterThan(text.indexOf('DROP INDEX CONCURRENTLY'));
    } finally {
      await db.pool.query(`DROP INDEX public."ix_user_session_cre_at_exp_at"`);
    }
  });

  test('rebuild --dry-run and rebuild --drop-backup --dry-run (also with --yes)', async () => {
    const lines = (await dry(['rebuild', '--dry-run', '--yes', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['preflight', 'plan']);
    await dry(['rebuild', '--dry-run']);
    expect(JSON.parse((await dry(['rebuild', '--drop-backup', '--dry-run', '--yes', '--json'])).stdout)).toEqual({
      type: 'backups',
      backups: [],
    });
  });

  test('recover --dry-run, with nothing to recover and after an interrupted rebuild, finishing or undoing', async () => {
    expect((await dry(['recover', '--dry-run', '--yes'])).stdout).toMatch(/Nothing to recover/);
    // A rebuild stopped in the middle of its copy (SIGINT at the test pause point): exit 130, its objects left.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'rebuild', '--yes', '--json'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env(),
        HATCHET_SESSIONS_TEST_PAUSE_AT: 'mid:copy',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pause: ${stderr}`)), 60_000);
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('test-pause mid:copy')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const left = await snapshot();
    expect((left.relations as string[]).some((r) => r.includes('UserSession_rebuild_log'))).toBe(true);

    const finish = (await dry(['recover', '--dry-run', '--yes', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(finish[0]).toMatchObject({ type: 'leftovers', found: true, swapped: false });
    expect((await dry(['recover', '--dry-run'])).stdout).toMatch(
      /^Found: [\s\S]*Finish the rebuild from where it stopped/,
    );
    expect((await dry(['recover', '--undo', '--dry-run', '--yes'])).stdout).toMatch(/Undo: remove the capture trigger/);
    expect(await snapshot()).toEqual(left);

    // The same snapshot sees a real recover: the leftovers go.
    const undo = await runCli(['recover', '--undo', '--yes'], env());
    expect(undo.code).toBe(0);
    expect(await snapshot()).not.toEqual(left);
  });

  test('the snapshot sees what the commands themselves change', async () => {
    const before = await snapshot();
    expect((await runCli(['create-index', '--yes'], env())).code).toBe(0);
    const indexed = await snapshot();
    expect(indexed.indexes).not.toEqual(before.indexes);
    expect((await runCli(['drain', '--yes', '--json', '--nice', '0'], env())).code).toBe(0);
    expect((await snapshot()).counts).not.toEqual(indexed.counts);
  });
});
