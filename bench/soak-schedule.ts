/**
 * Soak test of the headless schedule (issue 5, "Done when"): `hatchet-sessions schedule --every 10s --json` for
 * ten minutes against a table under a steady insert load, with a server restart in the middle. Samples the
 * deletable rows every 5 s, checks every output line parses as JSON, and writes docs/soak-schedule.md.
 *
 *   npm run build && node dist/bench/soak-schedule.js [--minutes 10] [--rate 20]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createSchemaAndSeed } from '../src/demo/seed.js';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../src/demo/server.js';
import { sql } from '../src/sql.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 10);
const rate = arg('rate', 20);
const TABLE = { schema: 'public', name: 'UserSession' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-soak-'));
fs.chmodSync(dir, 0o755);
const password = 'soak-secret';
const binDir = process.env.BENCH_PG_BIN || embeddedBinDir();
const dataDir = path.join(dir, 'data');
initCluster(binDir, dataDir, 'postgres', password);
let server: RunningServer = await startServer({ binDir, dataDir, superuser: 'postgres', password });
const port = server.port;
const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
const setup = new pg.Client({ connectionString: url });
await setup.connect();
await createSchemaAndSeed(setup, TABLE, { rows: 100_000, withIndex: true });
await setup.end();

// The steady load: `rate` sessions a second, a third of them already expired (deletable at once).
let inserted = 0;
let insertErrors = 0;
let loadClient: pg.Client | null = null;
const insertSql = `INSERT INTO "UserSession" (id, "expiresAt") VALUES (gen_random_uuid(), NOW() + $1::interval)`;
const load = setInterval(async () => {
  try {
    if (!loadClient) {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => (loadClient = null));
      await c.connect();
      loadClient = c;
    }
    await loadClient.query(insertSql, [inserted % 3 === 0 ? '-1 minute' : '30 days']);
    inserted += 1;
  } catch {
    insertErrors += 1;
    loadClient = null;
  }
}, 1000 / rate);

const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'schedule', '--every', '10s', '--json'], {
  env: { PATH: process.env.PATH ?? '', DATABASE_URL: url },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stdout = '';
let stderr = '';
child.stdout.on('data', (d) => (stdout += d));
child.stderr.on('data', (d) => (stderr += d));
let exited: number | null | undefined;
child.on('close', (code) => (exited = code));

const samples: Array<{ t: number; deletable: number | null }> = [];
const started = Date.now();
const probe = async () => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => {});
  try {
    await c.connect();
    const { rows } = await c.query(sql('inspect/status_counts', TABLE));
    samples.push({ t: (Date.now() - started) / 1000, deletable: Number(rows[0].deletable) });
  } catch {
    samples.push({ t: (Date.now() - started) / 1000, deletable: null });
  } finally {
    await c.end().catch(() => {});
  }
};
const sampler = setInterval(() => void probe(), 5000);

const half = (minutes * 60_000) / 2;
await new Promise((r) => setTimeout(r, half));
const restartAt = (Date.now() - started) / 1000;
await server.stop();
await new Promise((r) => setTimeout(r, 5000));
server = await startServer({ binDir, dataDir, superuser: 'postgres', password, port });
const restartedAt = (Date.now() - started) / 1000;
await new Promise((r) => setTimeout(r, half));

clearInterval(sampler);
clearInterval(load);
const exitedDuringRun = exited !== undefined;
child.kill('SIGTERM');
const sigtermAt = Date.now();
await new Promise<void>((r) => (exited !== undefined ? r() : child.on('close', () => r())));
const stopMs = Date.now() - sigtermAt;
await (loadClient as pg.Client | null)?.end().catch(() => {});
await server.stop();
fs.rmSync(dir, { recursive: true, force: true });

const lines = stdout.trim().split('\n');
let parsed = 0;
const events: Record<string, number> = {};
for (const line of lines) {
  try {
    const e = JSON.parse(line);
    parsed += 1;
    events[e.type] = (events[e.type] ?? 0) + 1;
  } catch {
    // counted as unparsable below
  }
}
const late = samples.filter((s) => s.t > 30 && s.deletable !== null).map((s) => s.deletable!);
const sorted = [...late].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const report = `# Soak: the headless schedule for ${minutes} minutes

Produced by \`node dist/bench/soak-schedule.js\` (bench/soak-schedule.ts) on ${new Date().toISOString()}; one run.

\`hatchet-sessions schedule --every 10s --json\` against a throwaway PostgreSQL (${path.basename(path.dirname(binDir)) === 'native' ? 'embedded' : binDir}) seeded with
100,000 sessions, under a steady load of ${rate} new sessions a second (a third of them already expired, so
deletable at once), with the server stopped at ${restartAt.toFixed(0)} s and started again at ${restartedAt.toFixed(0)} s.

| figure | value |
|---|---|
| sessions inserted by the load | ${inserted.toLocaleString('en-US')} (${insertErrors} failed while the server was down) |
| deletable rows, sampled every 5 s after the first 30 s | median ${median}, max ${Math.max(0, ...late)} (the load adds ~${Math.round(rate / 3)}/s; a run every 10 s) |
| output lines | ${lines.length}, of which ${parsed} parse as JSON |
| events | ${Object.entries(events)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')} |
| the loop exited during the run | ${exitedDuringRun ? '**yes**' : 'no'} |
| SIGTERM at the end | exit ${exited}, ${stopMs} ms |
| stderr | ${stderr.trim() === '' ? 'empty' : `\`${stderr.trim().split('\n')[0]}\``} |

Deletable rows over time (s: count; "down" while the server was stopped):

${samples.map((s) => `${s.t.toFixed(0)}: ${s.deletable ?? 'down'}`).join(' · ')}
`;
fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'docs', 'soak-schedule.md'), report);
process.stdout.write(report);
