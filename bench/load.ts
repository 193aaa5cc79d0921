import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from '../src/sql.js';
import { TABLE } from './cluster.js';
import { spread, type Spread } from './stats.js';

export interface LoadStats extends Spread {
  /** Transactions scheduled in the window. */
  scheduled: number;
  errors: number;
  seconds: number;
}

/**
 * A login-like live load on its own connections: at a fixed rate (open loop), a session is inserted, read by id
 * and logged in (UPDATE "userId", "data" by id), three autocommit statements as Hatchet's API does. A
 * transaction's latency runs from its scheduled start (so time spent waiting for a free connection counts:
 * no coordinated omission) to the end of its last statement. Loopback only, bounded in time.
 */
export class LiveLoad {
  private clients: pg.Client[] = [];
  private idle: pg.Client[] = [];
  private queue: number[] = [];
  private latencies: number[] = [];
  /** Each transaction's scheduled start (ms into the window) and latency, for a trace of the window. */
  private timeline: Array<[number, number]> = [];
  private errors = 0;
  private scheduled = 0;
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private safety?: NodeJS.Timeout;
  private running = false;
  private startedAt = 0;
  private userId = '';
  private readonly statements = {
    visit: sql('bench/load_visit', TABLE),
    read: sql('bench/load_read', TABLE),
    login: sql('bench/load_login', TABLE),
  };

  private constructor(
    private readonly rate: number,
    private readonly maxSeconds: number,
  ) {}

  static async open(url: string, rate: number, connections: number, maxSeconds: number): Promise<LiveLoad> {
    const load = new LiveLoad(rate, maxSeconds);
    for (let i = 0; i < connections; i += 1) {
      const client = new pg.Client({ connectionString: url, application_name: 'hatchet-sessions-bench-load' });
      client.on('error', () => {});
      await client.connect();
      load.clients.push(client);
    }
    load.idle = [...load.clients];
    const { rows } = await load.clients[0].query('SELECT "id" FROM "User" ORDER BY "email" LIMIT 1');
    load.userId = rows[0].id;
    // Warm the statements (parse, catalog caches) so the first measured transactions are not cold.
    for (let i = 0; i < connections * 2; i += 1) await load.transaction(load.clients[i % connections]);
    return load;
  }

  private async transaction(client: pg.Client): Promise<void> {
    const id = randomUUID();
    await client.query(this.statements.visit, [id]);
    await client.query(this.statements.read, [id]);
    await client.query(this.statements.login, [id, this.userId, JSON.stringify({ user_id: this.userId, login: true })]);
  }

  private dispatch(scheduledAt: number): void {
    const client = this.idle.pop();
    if (!client) {
      this.queue.push(scheduledAt);
      return;
    }
    this.inFlight += 1;
    this.transaction(client)
      .then(
        () => {
          const latency = performance.now() - scheduledAt;
          this.latencies.push(latency);
          this.timeline.push([Math.round(scheduledAt - this.startedAt), Math.round(latency * 10) / 10]);
        },
        () => (this.errors += 1),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.idle.push(client);
        const next = this.queue.shift();
        if (next !== undefined) this.dispatch(next);
      });
  }

  /** Start a measuring window. */
  start(): void {
    this.latencies = [];
    this.timeline = [];
    this.errors = 0;
    this.scheduled = 0;
    this.queue = [];
    this.running = true;
    const interval = 1000 / this.rate;
    this.startedAt = performance.now();
    let next = this.startedAt;
    const tick = () => {
      if (!this.running) return;
      const now = performance.now();
      while (next <= now) {
        this.scheduled += 1;
        this.dispatch(next);
        next += interval;
      }
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
    this.safety = setTimeout(() => (this.running = false), this.maxSeconds * 1000);
  }

  /** End the window: stop scheduling, let the queued and running transactions finish (up to 60 s), report. */
  async stop(): Promise<LoadStats> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.safety);
    const deadline = Date.now() + 60_000;
    while ((this.inFlight > 0 || this.queue.length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    return { ...spread(this.latencies), scheduled: this.scheduled, errors: this.errors + this.queue.length, seconds };
  }

  /** The last window's transactions: [scheduled ms into the window, latency ms]. */
  trace(): Array<[number, number]> {
    return this.timeline;
  }

  async close(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.safety);
    await Promise.all(this.clients.map((c) => c.end().catch(() => {})));
  }
}
