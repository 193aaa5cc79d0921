import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TABLE_NAME, type ConnectionTarget, type DemoOptions } from '../config.js';
import { registerSecret, usageError } from '../errors.js';
import { sql } from '../sql.js';
import { createSchemaAndSeed } from './seed.js';
import { embeddedBinDir, initCluster, portFor, startServer, type RunningServer } from './server.js';
import { joinUsers, leaveUsers, otherUsers, runningServer, stopServerByPid, withDemoLock } from './share.js';

export type DemoStep =
  | { step: 'init' }
  | { step: 'start' }
  | { step: 'seed'; done: number; total: number }
  | { step: 'ready'; seeded: boolean };

interface DemoState {
  password: string;
  /** The port of its last start, tried first at the next one (so a psql command line keeps working). */
  port?: number;
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

/**
 * Start (first time: create and seed) the embedded demo database, or join the one another command of this tool is
 * running from the same folder (the console, say): a second command never stops the server under the first. Its
 * `stop()` leaves the server to the others while any is still alive; the last one stops it.
 */
export async function startDemo(opts: DemoOptions, onStep: (s: DemoStep) => void = () => {}): Promise<Demo> {
  const base = demoDir();
  return withDemoLock(base, async () => {
    const dataDir = path.join(base, 'data');
    const stateFile = path.join(base, 'demo.json');
    const binDir = embeddedBinDir();
    const others = otherUsers(base);
    if (opts.reset && others.length > 0) {
      throw usageError(
        `cannot reset the demo database: process ${others.join(', ')} is using it. Quit that first, or run without --demo-reset`,
      );
    }
    if (opts.reset && fs.existsSync(base)) {
      const running = runningServer(dataDir);
      if (running) await stopServerByPid(running.pid);
      fs.rmSync(base, { recursive: true, force: true });
    }
    let state = readState(stateFile);
    const running = runningServer(dataDir);
    if (state?.seeded && running && others.length > 0) {
      registerSecret(state.password);
      joinUsers(base);
      onStep({ step: 'ready', seeded: true });
      return shared(base, state, running);
    }
    if (!state || !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      onStep({ step: 'init' });
      fs.rmSync(dataDir, { recursive: true, force: true });
      state = {
        password: crypto.randomBytes(18).toString('base64url'),
        seeded: false,
        rows: opts.rows,
        withoutIndex: opts.withoutIndex,
      };
      fs.mkdirSync(base, { recursive: true, mode: 0o755 });
      writeState(stateFile, state);
      initCluster(binDir, dataDir, 'postgres', state.password);
    }
    registerSecret(state.password);
    onStep({ step: 'start' });
    // A server still running here has no live user left: startServer stops it first.
    const lastUser = () => {
      leaveUsers(base);
      return otherUsers(base).length === 0;
    };
    const server = await startServer({
      binDir,
      dataDir,
      superuser: 'postgres',
      password: state.password,
      port: await portFor(state.port),
      keepOnExit: () => !lastUser(),
    });
    state = { ...state, port: server.port };
    writeState(stateFile, state);
    const target = demoTarget(server.port, state.password);
    try {
      if (!state.seeded) {
        state = { ...state, rows: opts.rows, withoutIndex: opts.withoutIndex };
        await createDemoDatabase(server, state.password);
        const client = new pg.Client({
          ...target.endpoint,
          password: state.password,
          application_name: 'hatchet-sessions-demo-seed',
        });
        await client.connect();
        try {
          await createSchemaAndSeed(
            client,
            { schema: 'public', name: TABLE_NAME },
            {
              rows: state.rows,
              withIndex: !state.withoutIndex,
              onProgress: (done, total) => onStep({ step: 'seed', done, total }),
            },
          );
        } finally {
          await client.end();
        }
        state.seeded = true;
        writeState(stateFile, state);
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
    joinUsers(base);
    onStep({ step: 'ready', seeded: state.seeded });
    // Another command may still use it when this one ends: then the last one stops it.
    const stop = () => withDemoLock(base, async () => (lastUser() ? server.stop() : server.leaveRunning()));
    return { target, server, rows: state.rows, withoutIndex: state.withoutIndex, stop };
  });
}

function writeState(file: string, state: DemoState): void {
  fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
}

function demoTarget(port: number, password: string): ConnectionTarget {
  return {
    kind: 'demo',
    source: 'demo database',
    endpoint: { host: '127.0.0.1', port, database: DEMO_DATABASE, user: DEMO_ROLE },
    password,
  };
}

/** The demo server another live command started: used as it is; the last user to leave stops it. */
function shared(base: string, state: DemoState, running: { pid: number; port: number }): Demo {
  const lastUser = () => {
    leaveUsers(base);
    return otherUsers(base).length === 0;
  };
  // Ending without stop() (an uncaught error, process.exit): the last user still stops it.
  const onExit = () => {
    if (lastUser()) process.kill(running.pid, 'SIGINT');
  };
  process.on('exit', onExit);
  const leave = () =>
    withDemoLock(base, async () => {
      process.off('exit', onExit);
      if (lastUser()) await stopServerByPid(running.pid);
    });
  const server: RunningServer = {
    port: running.port,
    dataDir: path.join(base, 'data'),
    superuser: 'postgres',
    password: state.password,
    stop: leave,
    leaveRunning: () => {},
  };
  return {
    target: demoTarget(running.port, state.password),
    server,
    rows: state.rows,
    withoutIndex: state.withoutIndex,
    stop: () => leave(),
  };
}

async function createDemoDatabase(server: RunningServer, password: string): Promise<void> {
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user: server.superuser,
    password,
    database: 'postgres',
  });
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
