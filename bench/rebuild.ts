import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { sql } from '../src/sql.js';
import { TABLE, type BenchCluster } from './cluster.js';
import { LiveLoad, type LoadStats } from './load.js';
import { CLI } from './methods.js';

export type RebuildState = 'before a drain' | 'after a drain';

export interface RebuildResult {
  state: RebuildState;
  method: 'one transaction (reference)' | 'ours';
  totalMs?: number;
  lockHoldMs?: number;
  bytesBefore?: number;
  bytesAfter?: number;
  rowsKept?: number;
  load?: LoadStats;
  /** Dropping the old table / the backup. */
  dropMs?: number;
  dropLoad?: LoadStats;
  bytesAfterDrop?: number;
  skipped?: string;
  error?: string;
}

async function totalBytes(c: pg.Client): Promise<number> {
  return Number((await c.query(`SELECT pg_total_relation_size('"public"."UserSession"') AS b`)).rows[0].b);
}

async function prepare(cluster: BenchCluster, db: string, state: RebuildState): Promise<void> {
  await cluster.clone(db, true);
  if (state === 'after a drain') {
    // The drained state: every deletable row deleted (by one DELETE here, untimed), statistics refreshed, as after
    // our drain; the space is reusable but still in the files.
    await cluster.withClient(db, async (c) => {
      await c.query(sql('bench_single_delete', TABLE));
      await c.query(sql('analyze', TABLE));
      await c.query('CHECKPOINT');
    });
  }
}

async function withLoad<T>(url: string, rate: number, conns: number, work: () => Promise<T>): Promise<{ value: T; load: LoadStats }> {
  const load = await LiveLoad.open(url, rate, conns, 3600);
  load.start();
  try {
    const value = await work();
    return { value, load: await load.stop() };
  } finally {
    await load.close();
  }
}

/** The naive rebuild: lock, copy the kept rows, swap, in ONE transaction; then one DROP of the old table. */
export async function oneTransactionRebuild(cluster: BenchCluster, state: RebuildState, rate: number, conns: number): Promise<RebuildResult> {
  const db = `r_onetx_${state === 'before a drain' ? 'before' : 'after'}`;
  const result: RebuildResult = { state, method: 'one transaction (reference)' };
  try {
    await prepare(cluster, db, state);
    const c = await cluster.connect(db, 'hatchet-sessions-bench-rebuild');
    try {
      result.bytesBefore = await totalBytes(c);
      const { value, load } = await withLoad(cluster.url(db), rate, conns, async () => {
        const t0 = performance.now();
        await c.query('BEGIN');
        await c.query(`LOCK TABLE "public"."UserSession" IN ACCESS EXCLUSIVE MODE`);
        const locked = performance.now();
        await c.query(sql('bench_rebuild_one_tx', TABLE));
        await c.query(sql('bench_rebuild_one_tx_index', TABLE));
        await c.query('COMMIT');
        const end = performance.now();
        return { totalMs: end - t0, lockHoldMs: end - locked };
      });
      Object.assign(result, value, { load });
      await c.query(sql('analyze', TABLE));
      result.bytesAfter = await totalBytes(c);
      result.rowsKept = Number((await c.query('SELECT count(*) AS n FROM "public"."UserSession"')).rows[0].n);
      const drop = await withLoad(cluster.url(db), rate, conns, async () => {
        const t = performance.now();
        await c.query(sql('bench_drop_backup', TABLE));
        return performance.now() - t;
      });
      result.dropMs = drop.value;
      result.dropLoad = drop.load;
      result.bytesAfterDrop = await totalBytes(c);
    } finally {
      await c.end().catch(() => {});
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await cluster.drop(db).catch(() => {});
  }
  return result;
}

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; summary?: Record<string, any>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      let summary: Record<string, any> | undefined;
      for (const line of out.trim().split('\n')) {
        try {
          const o = JSON.parse(line);
          if (o?.type === 'summary') summary = o.summary ?? o;
        } catch {
          // not JSON
        }
      }
      resolve({ code, summary, stderr });
    });
  });
}

/** Our rebuild through the CLI (`rebuild --yes --json`), then `rebuild --drop-backup --yes --json`. */
export async function ourRebuild(cluster: BenchCluster, state: RebuildState, rate: number, conns: number): Promise<RebuildResult> {
  const db = `r_ours_${state === 'before a drain' ? 'before' : 'after'}`;
  const result: RebuildResult = { state, method: 'ours' };
  try {
    await prepare(cluster, db, state);
    const url = cluster.url(db);
    const c = await cluster.connect(db, 'hatchet-sessions-bench-rebuild');
    try {
      result.bytesBefore = await totalBytes(c);
      const { value, load } = await withLoad(url, rate, conns, async () => {
        const t = performance.now();
        const r = await runCli(['rebuild', '--yes', '--json', '--database-url', url], 3600_000);
        return { r, ms: performance.now() - t };
      });
      result.load = load;
      const s = value.r.summary;
      if (!s) throw new Error(`rebuild printed no summary (exit ${value.r.code}): ${value.r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      result.totalMs = s.totalSeconds !== undefined ? Number(s.totalSeconds) * 1000 : value.ms;
      result.lockHoldMs = s.lockHoldMs !== undefined ? Number(s.lockHoldMs) : undefined;
      result.rowsKept = s.rowsKept !== undefined ? Number(s.rowsKept) : undefined;
      result.bytesAfter = await totalBytes(c);
      const drop = await withLoad(url, rate, conns, async () => {
        const t = performance.now();
        const r = await runCli(['rebuild', '--drop-backup', '--yes', '--json', '--database-url', url], 3600_000);
        if (r.code !== 0) throw new Error(`rebuild --drop-backup exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        // Its own figure when it reports one (without the process start-up), else the wall time.
        return r.summary?.seconds !== undefined ? Number(r.summary.seconds) * 1000 : performance.now() - t;
      });
      result.dropMs = drop.value;
      result.dropLoad = drop.load;
      result.bytesAfterDrop = await totalBytes(c);
    } finally {
      await c.end().catch(() => {});
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await cluster.drop(db).catch(() => {});
  }
  return result;
}
