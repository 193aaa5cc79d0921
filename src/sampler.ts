import type pg from 'pg';
import { sql, type TableRef } from './sql.js';
import { withTransaction } from './db.js';
import { describeError } from './errors.js';
import { Operation } from './operation.js';
import { exactStatus, readSizes, type Counts, type Sizes } from './status.js';

export interface SamplerOptions {
  /** Cheap refresh period (catalog figures). */
  tickMs: number;
  /** Exact counts period (a full scan). */
  exactEveryMs: number;
  /** statement_timeout of each cheap query. */
  tickTimeoutMs: number;
  /** statement_timeout of the exact counts. */
  exactTimeoutMs: number;
  /** Count the last hour by range on "createdAt" (only cheap when Hatchet's index exists). */
  recentByIndex: boolean;
}

export const DEFAULT_SAMPLER: SamplerOptions = {
  tickMs: 2000,
  exactEveryMs: 60_000,
  tickTimeoutMs: 1000,
  exactTimeoutMs: 60_000,
  recentByIndex: true,
};

export interface SamplerState {
  sizes?: Sizes;
  tickError?: string;
  /** Rows inserted per second since the previous tick (from pg_stat_user_tables). */
  insertRate?: number;
  createdLastHour?: { count: number; asOf: Date };
  exact?: { counts: Counts; sizes: Sizes; durationMs: number };
  exactRunning: boolean;
  /** Set when the last exact refresh failed (e.g. timed out): figures shown are older than they should be. */
  exactError?: string;
  nextExactAt?: Date;
  paused: boolean;
  tickMs: number;
  /** Highest number of queries this sampler had in flight at once (never above 2: one tick, one exact). */
  maxInFlight: number;
}

/** What changed: a cheap tick's figures, the exact counts (started or ended), or the operator's settings. */
export type SamplerEvent = { type: 'tick' } | { type: 'exact' } | { type: 'settings' };

/**
 * Refreshes the dashboard's figures: a cheap tick (catalog and statistics, each under a short
 * statement_timeout) and exact counts on a slower period or on demand, never two of either at once.
 * A failed exact refresh backs off (doubling, up to 10 min) and marks the figures stale; nothing stacks. Its
 * snapshot (src/operation.ts) is the figures; abort() ends it (a query in flight finishes, nothing starts again).
 */
export class Sampler extends Operation<SamplerState, SamplerEvent> {
  private tickTimer?: NodeJS.Timeout;
  private exactTimer?: NodeJS.Timeout;
  private tickRunning = false;
  private inFlight = 0;
  private highestInFlight = 0;
  private exactBackoffMs: number;
  private lastInsert?: { total: number; at: number };

  constructor(
    private readonly pool: pg.Pool,
    private readonly table: TableRef,
    private readonly opts: SamplerOptions = DEFAULT_SAMPLER,
    signal?: AbortSignal,
  ) {
    super({ exactRunning: false, paused: false, tickMs: opts.tickMs, maxInFlight: 0 }, signal);
    this.exactBackoffMs = opts.exactEveryMs;
  }

  private get state(): SamplerState {
    return this.getSnapshot();
  }

  private get stopped(): boolean {
    return this.signal.aborted;
  }

  start(): void {
    void this.tick();
    void this.refreshExact();
  }

  protected override onAbort(): void {
    clearTimeout(this.tickTimer);
    clearTimeout(this.exactTimer);
  }

  setPaused(paused: boolean): void {
    this.publish({ type: 'settings' }, { paused });
    if (!paused) void this.tick();
  }

  /** Change the cheap refresh period (clamped to 0.5-60 s). */
  setTickMs(ms: number): void {
    this.publish({ type: 'settings' }, { tickMs: Math.min(60_000, Math.max(500, ms)) });
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    // Counted at once, told with the figures that follow (the same object until then: see maxInFlight).
    if (this.inFlight > this.highestInFlight) this.highestInFlight = this.inFlight;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }

  private withTimeout<T>(timeoutMs: number, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    // A transaction, so the short timeout ends with it and never leaks to the pool's other users.
    return withTransaction(this.pool, work, { readOnly: true, statementTimeoutMs: timeoutMs });
  }

  /** One cheap refresh. Skipped when one is already running or the sampler is paused. */
  async tick(): Promise<void> {
    clearTimeout(this.tickTimer);
    if (this.tickRunning || this.stopped) return;
    this.tickRunning = true;
    try {
      if (!this.state.paused) {
        await this.track(() =>
          this.withTimeout(this.opts.tickTimeoutMs, async (client) => {
            const sizes = await readSizes(client, this.table);
            const now = Date.now();
            const patch: Partial<SamplerState> = { sizes, tickError: undefined };
            if (this.lastInsert && now > this.lastInsert.at && sizes.insertedTotal >= this.lastInsert.total) {
              patch.insertRate = ((sizes.insertedTotal - this.lastInsert.total) * 1000) / (now - this.lastInsert.at);
            }
            this.lastInsert = { total: sizes.insertedTotal, at: now };
            if (this.opts.recentByIndex) {
              const row = (await client.query(sql('inspect/recent_created', this.table))).rows[0];
              patch.createdLastHour = { count: Number(row.created_last_hour), asOf: row.as_of };
            }
            this.publish({ type: 'tick' }, { ...patch, maxInFlight: this.highestInFlight });
          }),
        );
      }
    } catch (err) {
      this.publish({ type: 'tick' }, { tickError: describeError(err), maxInFlight: this.highestInFlight });
    } finally {
      this.tickRunning = false;
      if (!this.stopped && !this.state.paused) this.tickTimer = setTimeout(() => void this.tick(), this.state.tickMs);
    }
  }

  /** Exact counts now (the `r` key). A request while one runs is ignored: never two scans at once. */
  async refreshExact(): Promise<void> {
    if (this.state.exactRunning || this.stopped) return;
    clearTimeout(this.exactTimer);
    this.publish({ type: 'exact' }, { exactRunning: true, nextExactAt: undefined });
    const started = Date.now();
    let outcome: Partial<SamplerState>;
    try {
      const { counts, sizes } = await this.track(() => exactStatus(this.pool, this.table, this.opts.exactTimeoutMs));
      this.exactBackoffMs = this.opts.exactEveryMs;
      outcome = { exact: { counts, sizes, durationMs: Date.now() - started }, exactError: undefined };
    } catch (err) {
      this.exactBackoffMs = Math.min(600_000, this.exactBackoffMs * 2);
      const message = describeError(err);
      outcome = {
        exactError: /statement timeout/i.test(message)
          ? `exact counts timed out after ${this.opts.exactTimeoutMs / 1000}s`
          : message,
      };
    }
    if (this.stopped) return;
    this.exactTimer = setTimeout(() => void this.refreshExact(), this.exactBackoffMs);
    this.publish(
      { type: 'exact' },
      {
        ...outcome,
        exactRunning: false,
        nextExactAt: new Date(Date.now() + this.exactBackoffMs),
        maxInFlight: this.highestInFlight,
      },
    );
  }
}
