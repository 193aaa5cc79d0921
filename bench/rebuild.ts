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
  /** Ours: a fresh table holding the same rows as "UserSession" right after the rebuild, with the same indexes. */
  freshBytes?: number;
  /** Ours: bytes of backup tables still there after the drop (0 when it gave everything back). */
  backupBytesLeft?: number;
  skipped?: string;
  error?: string;
  /** Ours: each step's time (ms) and lock retries, from the CLI's JSON step events. */
  steps?: Record<string, number>;
  lockRetries?: Record<string, number>;
  /** Ours: autovacuum workers our rebuild cancelled because they blocked a lock it needed. */
  autovacuumCancelled?: number;
  /** Ours, --drop-backup: each drop action's time (ms). */
  dropSteps?: Record<string, number>;
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
      await c.query(sql('bench/single_delete', TABLE));
      await c.query(sql('table/analyze', TABLE));
      await c.query('CHECKPOINT');
    });
  }
}

async function withLoad<T>(
  url: string,
  rate: number,
  conns: number,
  work: () => Promise<T>,
): Promise<{ value: T; load: LoadStats }> {
  const load = await LiveLoad.open(url, rate, conns, 3600);
  load.start();
  try {
    const value = await work();
    return { value, load: await load.stop() };
  } finally {
    await load.close();
  }
}

/** Diagnostics: which autovacuum workers run in this database while our rebuild runs (query, seconds seen). */
function watchAutovacuum(c: pg.Client): { stop: () => void; done: Promise<string[]> } {
  let stopped = false;
  const seen = new Map<string, { first: number; last: number }>();
  const t0 = performance.now();
  const done = (async () => {
    while (!stopped) {
      try {
        const { rows } = await c.query(
          `SELECT pid, query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()`,
        );
        const now = (performance.now() - t0) / 1000;
        for (const r of rows) {
          const k = `${r.pid} ${r.query}`;
          const e = seen.get(k);
          if (e) e.last = now;
          else seen.set(k, { first: now, last: now });
        }
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return [...seen].map(([k, v]) => `${k} (${v.first.toFixed(1)}-${v.last.toFixed(1)} s)`);
  })();
  return { stop: () => (stopped = true), done };
}

/** The naive rebuild: lock, copy the kept rows, swap, in ONE transaction; then one DROP of the old table. */
export async function oneTransactionRebuild(
  cluster: BenchCluster,
  state: RebuildState,
  rate: number,
  conns: number,
): Promise<RebuildResult> {
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
        await c.query(sql('bench/rebuild_one_tx', TABLE));
        await c.query(sql('bench/rebuild_one_tx_index', TABLE));
        await c.query('COMMIT');
        const end = performance.now();
        return { totalMs: end - t0, lockHoldMs: end - locked };
      });
      Object.assign(result, value, { load });
      await c.query(sql('table/analyze', TABLE));
      result.bytesAfter = await totalBytes(c);
      result.rowsKept = Number((await c.query('SELECT count(*) AS n FROM "public"."UserSession"')).rows[0].n);
      const drop = await withLoad(cluster.url(db), rate, conns, async () => {
        const t = performance.now();
        await c.query(sql('bench/drop_backup', TABLE));
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

interface CliRun {
  code: number | null;
  summary?: Record<string, any>;
  stderr: string;
  steps: Record<string, number>;
  lockRetries: Record<string, number>;
  autovacuumCancelled: number;
  dropSteps: Record<string, number>;
}

function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
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
      const steps: Record<string, number> = {};
      const lockRetries: Record<string, number> = {};
      const dropSteps: Record<string, number> = {};
      let autovacuumCancelled = 0;
      for (const line of out.trim().split('\n')) {
        try {
          const o = JSON.parse(line);
          if (o?.type === 'summary') summary = o.summary ?? o;
          if (o?.type === 'step' && o.status === 'done') steps[o.step] = o.ms;
          if (o?.type === 'lock-retry') lockRetries[o.step] = (lockRetries[o.step] ?? 0) + 1;
          if (o?.type === 'lock-retry') autovacuumCancelled += o.autovacuumCancelled?.length ?? 0;
          if (o?.type === 'drop-step') dropSteps[o.action] = (dropSteps[o.action] ?? 0) + o.ms;
          if (o?.type === 'drop-slices') dropSteps['slices (heap)'] = o.ms;
        } catch {
          // not JSON
        }
      }
      resolve({ code, summary, stderr, steps, lockRetries, autovacuumCancelled, dropSteps });
    });
  });
}

/** Our rebuild through the CLI (`rebuild --yes --json`), then `rebuild --drop-backup --yes --json`. */
export async function ourRebuild(
  cluster: BenchCluster,
  state: RebuildState,
  rate: number,
  conns: number,
): Promise<RebuildResult> {
  const db = `r_ours_${state === 'before a drain' ? 'before' : 'after'}`;
  const result: RebuildResult = { state, method: 'ours' };
  try {
    await prepare(cluster, db, state);
    const url = cluster.url(db);
    const c = await cluster.connect(db, 'hatchet-sessions-bench-rebuild');
    try {
      result.bytesBefore = await totalBytes(c);
      const av = watchAutovacuum(c);
      const { value, load } = await withLoad(url, rate, conns, async () => {
        const t = performance.now();
        const r = await runCli(['rebuild', '--yes', '--json', '--database-url', url], 3600_000);
        return { r, ms: performance.now() - t };
      }).finally(() => av.stop());
      const seen = await av.done;
      if (seen.length)
        process.stderr.write(`  ours, ${state}: autovacuum seen during the rebuild: ${seen.join('; ')}\n`);
      result.load = load;
      const s = value.r.summary;
      if (!s)
        throw new Error(
          `rebuild printed no summary (exit ${value.r.code}): ${value.r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
        );
      result.totalMs = s.totalSeconds !== undefined ? Number(s.totalSeconds) * 1000 : value.ms;
      result.lockHoldMs = s.lockHoldMs !== undefined ? Number(s.lockHoldMs) : undefined;
      result.rowsKept = s.rowsKept !== undefined ? Number(s.rowsKept) : undefined;
      result.steps = value.r.steps;
      result.lockRetries = value.r.lockRetries;
      result.autovacuumCancelled = value.r.autovacuumCancelled;
      process.stderr.write(
        `  ours, ${state}: steps ${JSON.stringify(value.r.steps)}; lock retries ${JSON.stringify(value.r.lockRetries)}; autovacuum cancelled ${value.r.autovacuumCancelled}; live p99 ${load.p99?.toFixed?.(1)} max ${load.max?.toFixed?.(1)}\n`,
      );
      result.bytesAfter = await totalBytes(c);
      // A fresh table of exactly the rows ours holds now (the load is stopped), to compare its size with. After the
      // drop "UserSession" also holds what the load wrote during it (the drop is slow on purpose), so the comparison
      // is made here, and the drop is checked to leave nothing of the backup (backupBytesLeft).
      await c.query(sql('bench/rebuild_fresh', TABLE));
      result.freshBytes = Number(
        (await c.query(`SELECT pg_total_relation_size('"public"."UserSession_bench_fresh"') AS b`)).rows[0].b,
      );
      await c.query('DROP TABLE "public"."UserSession_bench_fresh"');
      await c.query('CHECKPOINT');
      const drop = await withLoad(url, rate, conns, async () => {
        const t = performance.now();
        const r = await runCli(['rebuild', '--drop-backup', '--yes', '--json', '--database-url', url], 3600_000);
        if (r.code !== 0)
          throw new Error(
            `rebuild --drop-backup exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
          );
        result.dropSteps = r.dropSteps;
        // Its own figure when it reports one (without the process start-up), else the wall time.
        return r.summary?.seconds !== undefined ? Number(r.summary.seconds) * 1000 : performance.now() - t;
      });
      result.dropMs = drop.value;
      result.dropLoad = drop.load;
      process.stderr.write(
        `  ours, ${state}: drop ${JSON.stringify(result.dropSteps)}; live p99 ${drop.load.p99?.toFixed?.(1)} max ${drop.load.max?.toFixed?.(1)}\n`,
      );
      result.bytesAfterDrop = await totalBytes(c);
      result.backupBytesLeft = Number(
        (
          await c.query(
            `SELECT COALESCE(sum(pg_total_relation_size(oid)), 0) AS b FROM pg_class WHERE relname LIKE 'UserSession\\_before\\_rebuild\\_%' AND relkind = 'r'`,
          )
        ).rows[0].b,
      );
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
