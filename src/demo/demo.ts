import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TABLE_NAME, type ConnectionTarget, type DemoOptions } from '../config.js';
import { registerSecret } from '../errors.js';
import { sql } from '../sql.js';
import { createSchemaAndSeed } from './seed.js';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from './server.js';

export type DemoStep =
  | { step: 'init' }
  | { step: 'start' }
  | { step: 'seed'; done: number; total: number }
  | { step: 'ready'; seeded: boolean };

interface DemoState {
  password: string;
  seeded: boolean;
  rows: number;
  withoutIndex: boolean;
}

export interface Demo {
  target: ConnectionTarget;
  server: RunningServer;
  /** How the demo data was made (fixed at seeding; --demo-reset starts over). */
  rows: number;
  withoutIndex: boolean;
  stop(): Promise<void>;
}

const DEMO_DATABASE = 'hatchet';
const DEMO_ROLE = 'hatchet';

/** The demo's folder: the user's cache directory; as root, /var/cache (the postgres user must reach it). */
export function demoDir(env = process.env): string {
  if (env.HATCHET_SESSIONS_DEMO_DIR) return env.HATCHET_SESSIONS_DEMO_DIR;
  if (process.getuid?.() === 0) return '/var/cache/hatchet-sessions/demo';
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'hatchet-sessions', 'demo');
}

function readState(file: string): DemoState | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoState;
  } catch {
    return undefined;
  }
}

/** Start (first time: create and seed) the embedded demo database. */
export async function startDemo(opts: DemoOptions, onStep: (s: DemoStep) => void = () => {}): Promise<Demo> {
  const base = demoDir();
  const dataDir = path.join(base, 'data');
  const stateFile = path.join(base, 'demo.json');
  const binDir = embeddedBinDir();
  if (opts.reset && fs.existsSync(base)) {
    // A server left running from this folder is stopped by startServer; stop it before removing its files.
    if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      const state = readState(stateFile);
      if (state) await (await startServer({ binDir, dataDir, superuser: 'postgres', password: state.password })).stop();
    }
    fs.rmSync(base, { recursive: true, force: true });
  }
  let state = readState(stateFile);
  if (!state || !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    onStep({ step: 'init' });
    fs.rmSync(dataDir, { recursive: true, force: true });
    state = { password: crypto.randomBytes(18).toString('base64url'), seeded: false, rows: opts.rows, withoutIndex: opts.withoutIndex };
    fs.mkdirSync(base, { recursive: true, mode: 0o755 });
    fs.writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
    initCluster(binDir, dataDir, 'postgres', state.password);
  }
  registerSecret(state.password);
  onStep({ step: 'start' });
  const server = await startServer({ binDir, dataDir, superuser: 'postgres', password: state.password });
  const target: ConnectionTarget = {
    kind: 'demo',
    source: 'demo database',
    endpoint: { host: '127.0.0.1', port: server.port, database: DEMO_DATABASE, user: DEMO_ROLE },
    password: state.password,
  };
  try {
    if (!state.seeded) {
      state = { ...state, rows: opts.rows, withoutIndex: opts.withoutIndex };
      await createDemoDatabase(server, state.password);
      const client = new pg.Client({ ...target.endpoint, password: state.password, application_name: 'hatchet-sessions-demo-seed' });
      await client.connect();
      try {
        await createSchemaAndSeed(client, { schema: 'public', name: TABLE_NAME }, {
          rows: state.rows,
          withIndex: !state.withoutIndex,
          onProgress: (done, total) => onStep({ step: 'seed', done, total }),
        });
      } finally {
        await client.end();
      }
      state.seeded = true;
      fs.writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  onStep({ step: 'ready', seeded: state.seeded });
  return { target, server, rows: state.rows, withoutIndex: state.withoutIndex, stop: () => server.stop() };
}

async function createDemoDatabase(server: RunningServer, password: string): Promise<void> {
  const admin = new pg.Client({ host: '127.0.0.1', port: server.port, user: server.superuser, password, database: 'postgres' });
  await admin.connect();
  try {
    // A failed seed may have left these behind: start over cleanly.
    const idents = { database: DEMO_DATABASE, role: DEMO_ROLE };
    await admin.query(sql('demo/drop_database', null, { idents }));
    await admin.query(sql('demo/drop_role', null, { idents }));
    await admin.query(sql('demo/create_role', null, { idents, literals: { password } }));
    await admin.query(sql('demo/create_database', null, { idents }));
  } finally {
    await admin.end();
  }
}
