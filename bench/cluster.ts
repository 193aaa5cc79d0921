import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../src/demo/server.js';
import { sql, quoteIdent, type TableRef } from '../src/sql.js';

export const TABLE: TableRef = { schema: 'public', name: 'UserSession' };
export const TEMPLATE_DB = 'seeded';
const HATCHET_PG15 = '/usr/lib/postgresql/15/bin';

/** Which binaries: --pg-bin / $BENCH_PG_BIN, else Hatchet's default major (15) when installed, else embedded. */
export function chooseBinDir(explicit?: string): string {
  if (explicit) return explicit;
  if (fs.existsSync(path.join(HATCHET_PG15, 'postgres'))) return HATCHET_PG15;
  return embeddedBinDir();
}

function settleDisk(): void {
  try {
    execFileSync('sync', { stdio: 'ignore', timeout: 120_000 });
  } catch {
    // not fatal: the figures are just noisier
  }
}

/** A throwaway PostgreSQL for one benchmark run: default settings, loopback only. */
export class BenchCluster {
  private constructor(
    readonly server: RunningServer,
    readonly dir: string,
    readonly binDir: string,
  ) {}

  static async start(binDir: string): Promise<BenchCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-bench-'));
    fs.chmodSync(dir, 0o755); // as root, the postgres user must reach the data directory
    const password = 'bench-superuser-secret';
    const dataDir = path.join(dir, 'data');
    initCluster(binDir, dataDir, 'postgres', password);
    // No settings beyond startServer's own (listen on 127.0.0.1 only, no unix socket): PostgreSQL's defaults.
    const server = await startServer({ binDir, dataDir, superuser: 'postgres', password });
    return new BenchCluster(server, dir, binDir);
  }

  url(database: string): string {
    const s = this.server;
    return `postgres://${s.superuser}:${encodeURIComponent(s.password)}@127.0.0.1:${s.port}/${encodeURIComponent(database)}`;
  }

  async connect(database: string, applicationName = 'hatchet-sessions-bench'): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url(database), application_name: applicationName });
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  async withClient<T>(database: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connect(database);
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async stop(keep: boolean): Promise<void> {
    await this.server.stop();
    if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Seed the template database once: Hatchet's tables, `rows` sessions over 30 days, Hatchet's index. */
  async seedTemplate(rows: number, onProgress: (done: number, total: number) => void): Promise<void> {
    await this.withClient('postgres', (c) => c.query(`CREATE DATABASE ${quoteIdent(TEMPLATE_DB)}`));
    await this.withClient(TEMPLATE_DB, async (c) => {
      // Hatchet's tables (the demo's schema), anonymous rows with a realistic payload (sql/bench/seed_anonymous.sql),
      // the demo's authenticated rows (~0.1 %, 9 users), then Hatchet's index.
      const users = 9;
      const perUser = Math.max(1, Math.round(Math.max(users, Math.round(rows * 0.001)) / users));
      const anonymous = Math.max(0, rows - perUser * users);
      await c.query(sql('demo/schema', TABLE));
      await c.query(sql('demo/users', TABLE), [users]);
      for (let start = 1; start <= anonymous; start += 50_000) {
        const end = Math.min(anonymous, start + 49_999);
        await c.query(sql('bench/seed_anonymous', TABLE), [start, end, anonymous]);
        onProgress(end, rows);
      }
      await c.query(sql('demo/seed_authenticated', TABLE), [perUser]);
      await c.query(sql('index/create', TABLE));
      // A table in service has been vacuumed: hint bits set, visibility map current, statistics fresh.
      await c.query(`VACUUM (ANALYZE) ${quoteIdent(TABLE.schema)}.${quoteIdent(TABLE.name)}`);
      await c.query('CHECKPOINT');
    });
    settleDisk();
  }

  /** A fresh copy of the template (file copy: fast, and identical for every method), optionally without the index. */
  async clone(name: string, withIndex: boolean): Promise<string> {
    await this.withClient('postgres', async (c) => {
      const version = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
      const strategy = version >= 150000 ? ' STRATEGY = FILE_COPY' : '';
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      await c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(TEMPLATE_DB)}${strategy}`);
    });
    await this.withClient(name, async (c) => {
      if (!withIndex) await c.query(sql('bench/drop_index', TABLE));
      // Every method starts right after a checkpoint: the same full-page-image cost for each.
      await c.query('CHECKPOINT');
    });
    // The copy left ~1 GB of dirty pages in the OS cache: write them out now, or their writeback stalls the WAL
    // fsyncs of the next method (and of the live load) for seconds.
    settleDisk();
    return name;
  }

  async drop(name: string): Promise<void> {
    await this.withClient('postgres', async (c) => {
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    });
  }
}
