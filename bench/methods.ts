import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { sql } from '../src/sql.js';
import { TABLE } from './cluster.js';

/** The methods under test, each run from a fresh clone of the seeded template. */
export interface MethodDef {
  id: string;
  label: string;
  withIndex: boolean;
  /** Another session holds a REPEATABLE READ snapshot for the whole run (vacuum held back). */
  holdSnapshot: boolean;
  kind: 'single' | 'hatchet' | 'ctid' | 'drain';
  /** Extra arguments to `hatchet-sessions drain` (kind 'drain'). */
  drainArgs?: string[];
  capped: boolean;
}

export const METHODS: MethodDef[] = [
  {
    id: 'single-delete',
    label: 'one `DELETE ... WHERE <rule>` (reference)',
    withIndex: true,
    holdSnapshot: false,
    kind: 'single',
    capped: false,
  },
  {
    id: 'hatchet-index',
    label: "Hatchet's loop, 1000 rows, with the index",
    withIndex: true,
    holdSnapshot: false,
    kind: 'hatchet',
    capped: true,
  },
  {
    id: 'hatchet-index-held',
    label: "Hatchet's loop, with the index, old transaction open",
    withIndex: true,
    holdSnapshot: true,
    kind: 'hatchet',
    capped: true,
  },
  {
    id: 'hatchet-noindex',
    label: "Hatchet's loop, 1000 rows, **without** the index",
    withIndex: false,
    holdSnapshot: false,
    kind: 'hatchet',
    capped: true,
  },
  {
    id: 'ctid-loop',
    label: 'upgrade-notes `ctid ... LIMIT 10000` loop',
    withIndex: true,
    holdSnapshot: false,
    kind: 'ctid',
    capped: true,
  },
  {
    id: 'drain-nice0-index',
    label: 'our drain `--nice 0`, with the index',
    withIndex: true,
    holdSnapshot: false,
    kind: 'drain',
    drainArgs: ['--nice', '0'],
    capped: false,
  },
  {
    id: 'drain-nice0-noindex',
    label: 'our drain `--nice 0`, without the index',
    withIndex: false,
    holdSnapshot: false,
    kind: 'drain',
    drainArgs: ['--nice', '0'],
    capped: false,
  },
  {
    id: 'drain-default-index',
    label: 'our drain, defaults, with the index',
    withIndex: true,
    holdSnapshot: false,
    kind: 'drain',
    drainArgs: [],
    capped: false,
  },
  {
    id: 'drain-default-noindex',
    label: 'our drain, defaults, without the index',
    withIndex: false,
    holdSnapshot: false,
    kind: 'drain',
    drainArgs: [],
    capped: false,
  },
  {
    id: 'drain-nice0-index-held',
    label: 'our drain `--nice 0`, with the index, old transaction open',
    withIndex: true,
    holdSnapshot: true,
    kind: 'drain',
    drainArgs: ['--nice', '0'],
    capped: false,
  },
  {
    id: 'drain-nice0-noindex-held',
    label: 'our drain `--nice 0`, without the index, old transaction open',
    withIndex: false,
    holdSnapshot: true,
    kind: 'drain',
    drainArgs: ['--nice', '0'],
    capped: false,
  },
  {
    id: 'drain-default-index-held',
    label: 'our drain, defaults, with the index, old transaction open',
    withIndex: true,
    holdSnapshot: true,
    kind: 'drain',
    drainArgs: [],
    capped: false,
  },
  {
    id: 'drain-default-noindex-held',
    label: 'our drain, defaults, without the index, old transaction open',
    withIndex: false,
    holdSnapshot: true,
    kind: 'drain',
    drainArgs: [],
    capped: false,
  },
];

export interface MethodRun {
  rowsDeleted: number;
  /** Time of the deleting work (our drain: the summary's durationMs, the sweep alone). */
  totalMs: number;
  /** Batch times in run order (SQL methods: every batch; our drain: sampled from progress lines). */
  batchMs: number[];
  /** Our drain: batch p50/p95/max from its summary. */
  summaryBatchMs?: { p50: number; p95: number; max: number };
  /** Our drain: median batch ms of each tenth of its batches, from its summary (when it reports them). */
  batchMsByTenth?: number[];
  /** Our drain: ms per 1000 blocks swept for each tenth of its batches, from its summary (when it reports them). */
  msPer1000BlocksByTenth?: number[];
  batches: number;
  capped: boolean;
  /** Our drain: the process's wall time (start-up, final count and ANALYZE included). */
  processMs?: number;
  stopReason?: string;
  throttledMs?: number;
  niceMs?: number;
  remainingDeletable?: number | null;
  note?: string;
}

/** Run a SQL method on `client` (a connection to the clone), batch after batch, up to capMs. */
export async function runSqlMethod(client: pg.Client, def: MethodDef, capMs: number): Promise<MethodRun> {
  const statement = sql(
    def.kind === 'single' ? 'bench/single_delete' : def.kind === 'hatchet' ? 'bench/hatchet_loop' : 'bench/ctid_loop',
    TABLE,
  );
  await client.query('SET statement_timeout = 0');
  const batchMs: number[] = [];
  let rowsDeleted = 0;
  let capped = false;
  const start = performance.now();
  for (;;) {
    const t = performance.now();
    const { rowCount } = await client.query(statement);
    batchMs.push(performance.now() - t);
    rowsDeleted += rowCount ?? 0;
    if (def.kind === 'single' || !rowCount) break;
    if (def.capped && performance.now() - start >= capMs) {
      capped = true;
      break;
    }
  }
  const totalMs = performance.now() - start;
  // The last batch of a loop finds nothing: it is part of the total, not of the batch times.
  const batches = def.kind !== 'single' && !capped && batchMs.length > 1 ? batchMs.slice(0, -1) : batchMs;
  return { rowsDeleted, totalMs, batchMs: batches, batches: batches.length, capped };
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/cli.js, from dist/bench/ (built) or bench/ (sources). */
export const CLI =
  [path.resolve(here, '..', 'cli.js'), path.resolve(here, '..', 'dist', 'cli.js')].find((p) => fs.existsSync(p)) ??
  path.resolve(here, '..', 'cli.js');

/** Whether `hatchet-sessions <command>` exists in the built CLI: its --help succeeds. */
export async function cliHas(command: string): Promise<boolean> {
  if (!fs.existsSync(CLI)) return false;
  const { code, stdout, stderr } = await runProcess(process.execPath, [CLI, command, '--help'], 20_000);
  return code === 0 && !/unknown command/i.test(stdout + stderr);
}

function runProcess(cmd: string, args: string[], timeoutMs: number, onLine?: (line: string) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) onLine?.(pending);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Run OUR drain through the CLI: `node dist/cli.js drain --yes --json --database-url URL [args]`. */
export async function runOurDrain(
  url: string,
  def: MethodDef,
  timeoutMs: number,
  extraArgs: string[] = [],
  trace?: Array<[number, string]>,
): Promise<MethodRun> {
  const sampled: number[] = [];
  let lastBatches = 0;
  let summary: Record<string, any> | undefined;
  const start = performance.now();
  const { code, stderr } = await runProcess(
    process.execPath,
    [CLI, 'drain', '--yes', '--json', '--database-url', url, ...(def.drainArgs ?? []), ...extraArgs],
    timeoutMs,
    (line) => {
      trace?.push([Math.round(performance.now() - start), line]);
      let obj: any;
      try {
        obj = JSON.parse(line);
      } catch {
        return;
      }
      if (obj?.type === 'summary') summary = obj.summary ?? obj;
      if (obj?.type === 'progress') {
        const p = obj.progress ?? obj;
        // One sample per progress line: the last batch's time, when a new batch has completed since.
        if (
          typeof p.lastBatchMs === 'number' &&
          typeof p.batches === 'number' &&
          p.batches > lastBatches &&
          p.lastBatchMs > 0
        ) {
          sampled.push(p.lastBatchMs);
          lastBatches = p.batches;
        }
      }
    },
  );
  const processMs = performance.now() - start;
  if (!summary)
    throw new Error(`our drain printed no summary (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return {
    rowsDeleted: Number(summary.rowsDeleted),
    totalMs: Number(summary.durationMs),
    batchMs: sampled,
    summaryBatchMs: summary.batchMs,
    batchMsByTenth: Array.isArray(summary.batchMsByTenth) ? summary.batchMsByTenth.map(Number) : undefined,
    msPer1000BlocksByTenth: Array.isArray(summary.msPer1000BlocksByTenth)
      ? summary.msPer1000BlocksByTenth.map(Number)
      : undefined,
    batches: Number(summary.batches),
    capped: false,
    processMs,
    stopReason: summary.stopReason,
    throttledMs: summary.throttledMs,
    niceMs: summary.niceMs,
    remainingDeletable: summary.remainingDeletable,
    note: code === 0 ? undefined : `exit ${code}`,
  };
}
