import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ROOT, runCli, seedHatchet, TABLE, type TestDatabase } from '../helpers.js';
import { detectLeftovers } from '../../src/rebuild/leftovers.js';
import { definitionOf, expectKept, keptRowsAround, leftoverObjects, snapshotRows } from './util.js';

let db: TestDatabase;
const env = () => ({ DATABASE_URL: db.url });
const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  db = await createTestDatabase('rebuild_cli');
});
afterAll(async () => {
  await db?.drop();
});

async function fresh(rows = 5000): Promise<void> {
  await db.pool.query('DROP SCHEMA public CASCADE');
  await db.pool.query('CREATE SCHEMA public');
  await seedHatchet(db, rows);
}

/** Start the CLI, and send `signal` once a JSON line matches `when`. */
function runUntil(
  args: string[],
  when: (o: Record<string, unknown>) => boolean,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; signalled: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (signalled) return;
      for (const l of stdout.split('\n').slice(0, -1)) {
        if (when(JSON.parse(l))) {
          signalled = true;
          child.kill(signal);
          break;
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, signalled });
    });
  });
}

describe('hatchet-sessions rebuild', () => {
  it('--dry-run prints preflight and plan and changes nothing', async () => {
    await fresh();
    const before = await definitionOf(db);
    const r = await runCli(['rebuild', '--dry-run', '--json'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0].type).toBe('preflight');
    expect(out[0].ok).toBe(true);
    expect(out[0].checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['server', 'owner', 'running', 'leftovers', 'dependents', 'transactions', 'rows', 'disk']),
    );
    expect(out[1].type).toBe('plan');
    expect(out[1].steps.find((s: { step: string }) => s.step === 'swap').lock).toMatch(/ACCESS EXCLUSIVE/);
    expect(await definitionOf(db)).toEqual(before);
    expect(
      (await db.pool.query(`SELECT to_regclass('public.hatchet_sessions_rebuild_journal') AS j`)).rows[0].j,
    ).toBeNull();
  });

  it('refuses without --yes and without a terminal (exit 2)', async () => {
    const r = await runCli(['rebuild'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
  });

  it('refuses a table with a dependent view, naming it', async () => {
    await db.pool.query('CREATE VIEW public.sessions_view AS SELECT id FROM public."UserSession"');
    const r = await runCli(['rebuild', '--yes'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/view sessions_view/);
    await db.pool.query('DROP VIEW public.sessions_view');
  });

  it('rebuilds with --yes --json, ends with the summary, then drops the backup in slices', async () => {
    await fresh(20_000);
    const kept = await keptRowsAround(db);
    const r = await runCli(['rebuild', '--yes', '--json'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    const summary = out[out.length - 1];
    expect(summary).toMatchObject({ type: 'summary', rowsCaptured: 0 });
    expect(summary.rowsKept).toBeGreaterThanOrEqual(kept.surely.size);
    expect(summary.rowsKept).toBeLessThanOrEqual(kept.possibly.size);
    for (const k of ['rowsReplayed', 'lockHoldMs', 'totalSeconds', 'bytesBefore', 'bytesAfter'])
      expect(typeof summary[k]).toBe('number');
    expect(summary.backupTable).toMatch(/^UserSession_before_rebuild_\d{8}T\d{6}Z$/);
    expect(summary.bytesAfter).toBeLessThan(summary.bytesBefore);
    expect(out.some((o) => o.type === 'step' && o.step === 'swap' && o.status === 'done')).toBe(true);
    expectKept(await snapshotRows(db), kept);

    const drop = await runCli(['rebuild', '--drop-backup', '--yes', '--json'], env());
    expect(drop.stderr).toBe('');
    expect(drop.code).toBe(0);
    const d = lines(drop.stdout);
    expect(d[d.length - 1]).toMatchObject({ type: 'summary', dropped: [summary.backupTable] });
    expect(d.some((o) => o.type === 'drop-step' && /drop constraint .*userId_fkey/.test(o.action))).toBe(true);
    expect(
      (await db.pool.query(`SELECT to_regclass($1) AS t`, [`public."${summary.backupTable}"`])).rows[0].t,
    ).toBeNull();
    // "User" keeps exactly one referencing foreign key: the rebuilt table's.
    const fks = await db.pool.query(
      `SELECT conname FROM pg_constraint WHERE contype = 'f' AND confrelid = 'public."User"'::regclass`,
    );
    expect(fks.rows.map((x) => x.conname)).toEqual(['UserSession_userId_fkey']);
  });

  for (const undo of [false, true]) {
    it(`SIGKILL during the copy, then recover ${undo ? '--undo' : ''} --yes leaves a correct table and no leftovers`, async () => {
      await fresh(30_000);
      const before = await definitionOf(db);
      const all = await snapshotRows(db);
      const kept = await keptRowsAround(db);
      const r = await runUntil(
        ['rebuild', '--yes', '--json'],
        (o) => o.type === 'step' && o.step === 'copy',
        'SIGKILL',
      );
      expect(r.signalled).toBe(true);
      expect(r.code).toBeNull();
      const left = await detectLeftovers(db.pool, TABLE);
      if (!left.found) return; // the kill came after the end: nothing to recover (unlikely)
      // The next start finds it: status (and the console's home screen) name it and what to do.
      const status = await runCli(['status', '--json'], env());
      // (its server backend may still finish the statement it was in, so the step named can move on)
      expect(JSON.parse(status.stdout).unfinishedRebuild).toMatch(
        left.rebuildId ? new RegExp(`^rebuild ${left.rebuildId} stopped at "`) : /^leftovers of a rebuild/,
      );
      const rec = await runCli(['recover', '--yes', '--json', ...(undo ? ['--undo'] : [])], env());
      expect(rec.stderr).toBe('');
      expect(rec.code).toBe(0);
      if (undo && !left.swapped) {
        expect((await definitionOf(db))!.oid).toBe(before!.oid);
        expect(await snapshotRows(db)).toEqual(all);
      } else {
        expectKept(await snapshotRows(db), kept);
        expect((await definitionOf(db))!.indexes).toEqual(before!.indexes);
      }
      expect(await leftoverObjects(db)).toEqual([]);
      const again = await runCli(['recover', '--yes'], env());
      expect(again.code).toBe(0);
      expect(JSON.parse((await runCli(['status', '--json'], env())).stdout).unfinishedRebuild).toBeNull();
      expect(again.stdout).toMatch(/Nothing to recover/);
    });
  }

  it('SIGINT stops at a safe point with exit 130 and a state recover finishes', async () => {
    await fresh(30_000);
    const kept = await keptRowsAround(db);
    const r = await runUntil(
      ['rebuild', '--yes', '--json'],
      (o) => o.type === 'step' && o.step === 'copy' && o.status === 'start',
      'SIGINT',
    );
    const out = lines(r.stdout);
    if (r.code === 0) return; // finished before the signal arrived
    expect(r.code).toBe(130);
    expect(out[out.length - 1]).toMatchObject({ type: 'interrupted', signal: 'SIGINT' });
    expect((await detectLeftovers(db.pool, TABLE)).found).toBe(true);
    const rec = await runCli(['recover', '--yes'], env());
    expect(rec.code).toBe(0);
    expectKept(await snapshotRows(db), kept);
    expect(await leftoverObjects(db)).toEqual([]);
  });
});
