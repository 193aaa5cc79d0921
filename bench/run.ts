/**
 * `npm run bench`: the benchmark harness. Starts its own PostgreSQL, seeds a table like the report once as a
 * template, and measures on fresh clones: the dashboard's refresh cost, every drain method with a login-like
 * live load alongside, and (when it exists) the rebuild. Writes markdown to docs/benchmarks.md and prints it.
 * No test depends on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { sql } from '../src/sql.js';
import { BenchCluster, TABLE, TEMPLATE_DB, chooseBinDir } from './cluster.js';
import { measureDashboard, measureSamplerMemory, type DashboardCost } from './dashboard.js';
import { LiveLoad } from './load.js';
import { METHODS, cliHas, runOurDrain, runSqlMethod, type MethodDef } from './methods.js';
import { oneTransactionRebuild, ourRebuild, type RebuildResult, type RebuildState } from './rebuild.js';
import { parseBenchArgs, BENCH_USAGE, type BenchOptions } from './options.js';
import { renderMarkdown, type BenchReport, type MethodResult } from './report.js';
import { fmtBytes, fmtInt, fmtMs, fmtS } from './stats.js';
import { sleep } from '../src/sleep.js';

const t0 = performance.now();
const log = (msg: string) => {
  const s = Math.round((performance.now() - t0) / 1000);
  process.stderr.write(
    `[bench ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${msg}\n`,
  );
};

const KEY_SETTINGS = [
  'shared_buffers',
  'max_wal_size',
  'checkpoint_timeout',
  'wal_compression',
  'synchronous_commit',
  'fsync',
  'full_page_writes',
  'autovacuum',
  'autovacuum_vacuum_cost_limit',
  'work_mem',
  'max_connections',
];

const loadAvg = () => os.loadavg()[0].toFixed(1);
const loadAtStart = loadAvg();

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model?.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}; shared with other engineers' test runs (1-minute load average ${loadAtStart} at the start, ${loadAvg()} at the end)`;
}

async function walLsn(c: pg.Client): Promise<string> {
  return (await c.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
}

async function walDiff(c: pg.Client, from: string): Promise<number> {
  return Number((await c.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS d', [from])).rows[0].d);
}

/** Checkpoints started so far (requested + timed): pg_stat_checkpointer on 17+, pg_stat_bgwriter before. */
async function checkpoints(c: pg.Client): Promise<number | undefined> {
  for (const q of [
    'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer',
    'SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter',
  ]) {
    try {
      return Number((await c.query(q)).rows[0].n);
    } catch {
      // the other view
    }
  }
  return undefined;
}

async function runMethod(cluster: BenchCluster, def: MethodDef, opts: BenchOptions): Promise<MethodResult> {
  const db = `m_${def.id.replace(/-/g, '_')}`;
  log(`${def.id}: cloning the template${def.withIndex ? '' : ' (then dropping the index)'}`);
  await cluster.clone(db, def.withIndex);
  const admin = await cluster.connect(db, 'hatchet-sessions-bench-admin');
  let holder: pg.Client | undefined;
  let load: LiveLoad | undefined;
  const result: MethodResult = { def };
  try {
    if (def.holdSnapshot) {
      holder = await cluster.connect(db, 'hatchet-sessions-bench-old-transaction');
      await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await holder.query('SELECT count(*) FROM "User"'); // the snapshot is taken here and kept until ROLLBACK
    }
    load = await LiveLoad.open(cluster.url(db), opts.loadRate, opts.loadConnections, opts.capSeconds + 1800);
    const worker = await cluster.connect(db, 'hatchet-sessions-bench-method');
    const lsn = await walLsn(admin);
    const ckpt = await checkpoints(admin);
    log(`${def.id}: running${def.capped ? ` (cap ${opts.capSeconds} s)` : ''}`);
    const drainLines: Array<[number, string]> = [];
    load.start();
    try {
      result.run =
        def.kind === 'drain'
          ? await runOurDrain(cluster.url(db), def, (opts.capSeconds + 1800) * 1000, opts.drainArgs, drainLines)
          : await runSqlMethod(worker, def, opts.capSeconds * 1000);
    } finally {
      result.load = await load.stop();
      await worker.end().catch(() => {});
      if (opts.trace) {
        fs.mkdirSync(opts.trace, { recursive: true });
        fs.writeFileSync(
          path.join(opts.trace, `${def.id}.json`),
          JSON.stringify({ load: load.trace(), drain: drainLines }),
        );
      }
    }
    result.walBytes = await walDiff(admin, lsn);
    const ckptAfter = await checkpoints(admin);
    if (ckpt !== undefined && ckptAfter !== undefined) result.checkpoints = ckptAfter - ckpt;
    if (holder) {
      await holder.query('ROLLBACK');
      await holder.end();
      holder = undefined;
    }
    if (result.run.capped) {
      result.remainingDeletable = Number((await admin.query(sql('bench/count_deletable', TABLE))).rows[0].deletable);
      const rate = result.run.rowsDeleted / Math.max(1, result.run.totalMs);
      if (rate > 0) result.projectedMs = result.run.totalMs + result.remainingDeletable / rate;
    }
    const r = result.run;
    log(
      `${def.id}: ${fmtInt(r.rowsDeleted)} rows in ${fmtS(r.totalMs)} s${r.capped ? ' (capped)' : ''}, ${fmtInt(r.batches)} batches, ` +
        `WAL ${fmtBytes(result.walBytes)}, live p50/p99/max ${fmtMs(result.load.p50)}/${fmtMs(result.load.p99)}/${fmtMs(result.load.max)} ms`,
    );
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`${def.id}: FAILED: ${result.error}`);
  } finally {
    await load?.close();
    if (holder) await holder.end().catch(() => {});
    await admin.end().catch(() => {});
    await cluster.drop(db);
  }
  return result;
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    const parsed = parseBenchArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(BENCH_USAGE);
      return 0;
    }
    opts = parsed;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  if (opts.render) {
    const report = JSON.parse(fs.readFileSync(opts.render, 'utf8')) as BenchReport;
    const markdown = renderMarkdown(report);
    fs.writeFileSync(opts.out, markdown);
    process.stdout.write(markdown);
    log(`re-rendered ${opts.render} into ${opts.out}`);
    return 0;
  }
  const binDir = chooseBinDir(opts.pgBin);
  log(`starting PostgreSQL from ${binDir}`);
  const cluster = await BenchCluster.start(binDir);
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted: stopping the server');
    void cluster.stop(opts.keep).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const server = await cluster.withClient('postgres', async (c) => ({
      version: (await c.query('SELECT version() AS v')).rows[0].v as string,
      settings: (
        await c.query(
          "SELECT name, setting || COALESCE(unit, '') AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name",
          [KEY_SETTINGS],
        )
      ).rows,
    }));
    const serverVersion = server.version.replace(/ on .*/, '');
    log(`${serverVersion}; data in ${cluster.dir}`);

    const drainAvailable = await cliHas('drain');
    const rebuildAvailable = await cliHas('rebuild');
    log(
      `our drain command: ${drainAvailable ? 'present' : 'MISSING (its rows will say "not measured")'}; rebuild: ${rebuildAvailable ? 'present' : 'missing'}`,
    );

    log(`seeding ${fmtInt(opts.rows)} sessions into the template database`);
    const seedStart = performance.now();
    let lastLog = 0;
    await cluster.seedTemplate(opts.rows, (done, total) => {
      if (performance.now() - lastLog > 10_000 || done === total) {
        lastLog = performance.now();
        log(`  seeded ${fmtInt(done)} / ${fmtInt(total)}`);
      }
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const table = await cluster.withClient(TEMPLATE_DB, async (c) => {
      const s = (await c.query(sql('inspect/table_sizes', TABLE), [TABLE.schema, TABLE.name])).rows[0];
      const k = (await c.query(sql('inspect/status_counts', TABLE))).rows[0];
      return {
        totalBytes: Number(s.total_bytes),
        heapBytes: Number(s.heap_bytes),
        indexBytes: Number(s.index_bytes),
        total: Number(k.total),
        anonymous: Number(k.anonymous),
        authenticated: Number(k.authenticated),
        deletable: Number(k.deletable),
      };
    });
    log(
      `template ready in ${seedSeconds.toFixed(0)} s: ${fmtBytes(table.totalBytes)}, ${fmtInt(table.deletable)} deletable`,
    );

    // Idle load and the dashboard, on one clone.
    const base = 'bench_base';
    await cluster.clone(base, true);
    let idle;
    let dashboard: DashboardCost[] | undefined;
    let samplerMemory: BenchReport['samplerMemory'];
    {
      const load = await LiveLoad.open(cluster.url(base), opts.loadRate, opts.loadConnections, opts.idleSeconds + 60);
      log(`idle live load for ${opts.idleSeconds} s`);
      load.start();
      await sleep(opts.idleSeconds * 1000);
      idle = await load.stop();
      await load.close();
      log(
        `idle live load: p50/p99/max ${fmtMs(idle.p50)}/${fmtMs(idle.p99)}/${fmtMs(idle.max)} ms over ${fmtInt(idle.n)} transactions`,
      );
    }
    if (opts.sections.has('dashboard')) {
      dashboard = [];
      await cluster.withClient(base, async (c) => {
        log('dashboard: tick and exact refresh, with the index');
        dashboard!.push(await measureDashboard(c, true, opts.dashboardRuns, opts.exactRuns));
      });
      if (opts.rssSeconds > 0) {
        log(`dashboard: Sampler loop memory for ${opts.rssSeconds} s`);
        try {
          samplerMemory = await measureSamplerMemory(cluster.url(base), opts.rssSeconds, 500, 10_000);
        } catch (err) {
          samplerMemory = { error: (err as Error).message };
        }
      }
      await cluster.withClient(base, async (c) => {
        await c.query(sql('bench/drop_index', TABLE));
        log('dashboard: tick and exact refresh, without the index');
        dashboard!.push(await measureDashboard(c, false, opts.dashboardRuns, opts.exactRuns));
      });
      for (const d of dashboard)
        log(`  ${d.withIndex ? 'with' : 'without'} index: tick ${fmtMs(d.tickMs)} ms, exact ${fmtMs(d.exactMs)} ms`);
    }
    await cluster.drop(base);

    let methods: MethodResult[] | undefined;
    if (opts.sections.has('drain')) {
      methods = [];
      for (const def of METHODS) {
        if (opts.methods && !opts.methods.has(def.id)) continue;
        if (def.kind === 'drain' && !drainAvailable) {
          methods.push({ def, skipped: '`node dist/cli.js drain` does not exist yet' });
          continue;
        }
        methods.push(await runMethod(cluster, def, opts));
      }
    }

    let rebuild: RebuildResult[] | undefined;
    if (opts.sections.has('rebuild')) {
      rebuild = [];
      for (const state of ['before a drain', 'after a drain'] as RebuildState[]) {
        log(`rebuild, ${state}: one-transaction reference`);
        const ref = await oneTransactionRebuild(cluster, state, opts.loadRate, opts.loadConnections);
        log(
          ref.error
            ? `  FAILED: ${ref.error}`
            : `  lock held ${fmtMs(ref.lockHoldMs)} ms, live p99/max ${fmtMs(ref.load?.p99)}/${fmtMs(ref.load?.max)} ms; DROP ${fmtMs(ref.dropMs)} ms`,
        );
        rebuild.push(ref);
        if (!rebuildAvailable) {
          rebuild.push({ state, method: 'ours', skipped: '`node dist/cli.js rebuild` does not exist yet' });
          continue;
        }
        log(`rebuild, ${state}: ours`);
        const ours = await ourRebuild(cluster, state, opts.loadRate, opts.loadConnections);
        log(
          ours.error
            ? `  FAILED: ${ours.error}`
            : `  lock held ${fmtMs(ours.lockHoldMs)} ms, live p99/max ${fmtMs(ours.load?.p99)}/${fmtMs(ours.load?.max)} ms; backup drop ${fmtMs(ours.dropMs)} ms`,
        );
        rebuild.push(ours);
      }
    }

    const report: BenchReport = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: machine(),
      node: process.version,
      serverVersion,
      binDir,
      settings: server.settings,
      rows: opts.rows,
      seedSeconds,
      table,
      loadRate: opts.loadRate,
      loadConnections: opts.loadConnections,
      capSeconds: opts.capSeconds,
      drainArgs: opts.drainArgs,
      idle,
      dashboard,
      samplerMemory,
      drainAvailable,
      drainNote: drainAvailable
        ? undefined
        : '`node dist/cli.js drain --help` failed when this run started (the drain command is not built yet).',
      methods,
      rebuildAvailable,
      rebuild,
      sections: [...opts.sections],
      runSeconds: (performance.now() - t0) / 1000,
    };
    const markdown = renderMarkdown(report);
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    fs.writeFileSync(opts.out, markdown);
    const raw = path.join(os.tmpdir(), `hatchet-sessions-bench-${process.pid}.json`);
    fs.writeFileSync(raw, `${JSON.stringify(report)}\n`);
    log(`raw figures (every batch time) in ${raw}`);
    process.stdout.write(markdown);
    log(`written to ${opts.out}`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!interrupted) {
      log(opts.keep ? `stopping the server (data kept in ${cluster.dir})` : 'stopping the server');
      await cluster.stop(opts.keep);
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
