import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { usageError } from './errors.js';
import type { Counts, Sizes } from './status.js';

export type RunOutcome = 'success' | 'skipped' | 'failed';

/** Prometheus metrics of the scheduled cleanup, and the health answer. */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly sessions = new client.Gauge({
    name: 'hatchet_sessions_sessions',
    help: 'Sessions by kind (exact counts after the last run)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly tableBytes = new client.Gauge({
    name: 'hatchet_sessions_table_bytes',
    help: 'Size of "UserSession" with indexes and TOAST',
    registers: [this.registry],
  });
  private readonly rowsDeleted = new client.Counter({
    name: 'hatchet_sessions_rows_deleted_total',
    help: 'Sessions deleted by this process',
    registers: [this.registry],
  });
  private readonly runDuration = new client.Histogram({
    name: 'hatchet_sessions_run_duration_seconds',
    help: 'Duration of scheduled runs',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 600, 1800],
    registers: [this.registry],
  });
  private readonly runs = new client.Counter({
    name: 'hatchet_sessions_runs_total',
    help: 'Scheduled runs by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly lastSuccess = new client.Gauge({
    name: 'hatchet_sessions_last_success_timestamp_seconds',
    help: 'Unix time of the last successful run',
    registers: [this.registry],
  });
  private readonly lockHeld = new client.Gauge({
    name: 'hatchet_sessions_lock_held',
    help: '1 while this process holds the runner lock',
    registers: [this.registry],
  });
  private readonly connected = new client.Gauge({
    name: 'hatchet_sessions_database_up',
    help: '1 while the database answers',
    registers: [this.registry],
  });

  /** Outcomes of the last runs, newest last, for /healthz. */
  private recent: RunOutcome[] = [];
  private isConnected = true;

  constructor() {
    for (const outcome of ['success', 'skipped', 'failed']) this.runs.inc({ outcome }, 0);
    this.lockHeld.set(0);
    this.connected.set(1);
  }

  observeStatus(counts: Counts, sizes: Sizes): void {
    for (const kind of ['anonymous', 'authenticated', 'expired', 'deletable', 'kept'] as const)
      this.sessions.set({ kind }, counts[kind]);
    this.sessions.set({ kind: 'total' }, counts.total);
    this.tableBytes.set(sizes.totalBytes);
  }

  deleted(rows: number): void {
    this.rowsDeleted.inc(rows);
  }

  run(outcome: RunOutcome, seconds?: number): void {
    this.runs.inc({ outcome });
    if (seconds !== undefined) this.runDuration.observe(seconds);
    if (outcome === 'success') this.lastSuccess.set(Date.now() / 1000);
    this.recent = [...this.recent, outcome].slice(-3);
  }

  setLockHeld(held: boolean): void {
    this.lockHeld.set(held ? 1 : 0);
  }

  setConnected(up: boolean): void {
    this.isConnected = up;
    this.connected.set(up ? 1 : 0);
  }

  /** Healthy while the database answers and the last runs did not all fail. */
  healthy(): boolean {
    return this.isConnected && !(this.recent.length > 0 && this.recent.every((o) => o === 'failed'));
  }
}

/** Serve /metrics and /healthz. Binds 127.0.0.1 unless told otherwise. */
export function serveMetrics(
  metrics: Metrics,
  port: number,
  host = '127.0.0.1',
): Promise<http.Server & { port: number }> {
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
    } else if (path === '/healthz') {
      const ok = metrics.healthy();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unhealthy\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: try /metrics or /healthz\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, port, host)));
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(Object.assign(server, { port: (server.address() as AddressInfo).port }));
    });
  });
}

/** A port that cannot be had, in words that name the flag to change (exit 2: the command line asked for it). */
function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE')
    return usageError(`--metrics-port ${port}: another program already listens on ${host}:${port}. Pick a free port.`);
  if (err.code === 'EACCES')
    return usageError(
      `--metrics-port ${port}: not allowed to listen on ${host}:${port} (ports below 1024 need root). Pick a port above 1024.`,
    );
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return usageError(
      `--metrics-host ${host} is not an address of this machine. Use 127.0.0.1, 0.0.0.0 or one of its addresses.`,
    );
  return err;
}
