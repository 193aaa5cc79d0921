import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { sql } from '../src/sql.js';
import { TABLE } from './cluster.js';
import { median } from './stats.js';

export interface DashboardCost {
  withIndex: boolean;
  /** Medians over `runs` runs, ms, as seen by a client on loopback (planning and execution included). */
  tableSizesMs: number;
  recentCreatedMs: number;
  tickMs: number;
  exactMs: number;
  /** Server-side execution time of recent_created (EXPLAIN ANALYZE), and its plan's top scan. */
  recentPlan: string;
  runs: number;
  exactRuns: number;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

/**
 * The database time of the dashboard's refresh, exactly as src/sampler.ts runs it: one tick is
 * sql/inspect/table_sizes.sql then sql/inspect/recent_created.sql on one connection; one exact refresh is sql/inspect/status_counts.sql.
 */
export async function measureDashboard(
  client: pg.Client,
  withIndex: boolean,
  runs: number,
  exactRuns: number,
): Promise<DashboardCost> {
  const sizes = sql('inspect/table_sizes', TABLE);
  const recent = sql('inspect/recent_created', TABLE);
  const exact = sql('inspect/status_counts', TABLE);
  // Warm-up: catalog caches, the index's upper pages.
  await client.query(sizes, [TABLE.schema, TABLE.name]);
  await client.query(recent);
  const a: number[] = [];
  const b: number[] = [];
  const tick: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const x = await timed(() => client.query(sizes, [TABLE.schema, TABLE.name]));
    const y = await timed(() => client.query(recent));
    a.push(x);
    b.push(y);
    tick.push(x + y);
  }
  const e: number[] = [];
  for (let i = 0; i < exactRuns; i += 1) e.push(await timed(() => client.query(exact)));
  const plan = (await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${recent}`)).rows.map(
    (r) => r['QUERY PLAN'] as string,
  );
  const scan =
    plan
      .find((l) => /Scan/.test(l))
      ?.trim()
      .replace(/^->\s*/, '') ?? '?';
  return {
    withIndex,
    tableSizesMs: median(a),
    recentCreatedMs: median(b),
    tickMs: median(tick),
    exactMs: median(e),
    recentPlan: scan.replace(/ on .*| using .*/, (m) => m.replace(/"public"\./, '')),
    runs,
    exactRuns,
  };
}

export interface SamplerMemory {
  seconds: number;
  tickMs: number;
  exactEveryMs: number;
  ticks: number;
  exacts: number;
  rssStartMB: number;
  rssEndMB: number;
  rssMaxMB: number;
  heapEndMB: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Run the dashboard's Sampler loop alone in a child process for `seconds`; its resident memory over time. */
export function measureSamplerMemory(
  url: string,
  seconds: number,
  tickMs: number,
  exactEveryMs: number,
): Promise<SamplerMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(here, 'sampler-rss.js'), url, String(seconds), String(tickMs), String(exactEveryMs)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as SamplerMemory);
      } catch {
        reject(new Error(`sampler memory run failed (exit ${code}): ${err.trim().split('\n').slice(-2).join(' | ')}`));
      }
    });
  });
}
