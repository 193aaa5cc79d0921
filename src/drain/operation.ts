import type pg from 'pg';
import { connectClient, setWalCompression } from '../db.js';
import { EXIT, ToolError, describeError } from '../errors.js';
import { Operation } from '../operation.js';
import { WakeableSleep } from '../sleep.js';
import { batchStatementTimeoutMs, batchSynchronousCommit, deleteRange, pruneRange, type BatchLimits } from './batch.js';
import {
  DEFAULT_BACKEND_FLUSH_AFTER,
  applySessionSettings,
  isConnectionLoss,
  isRetryable,
  walCompressionChoices,
} from './connection.js';
import { CommitLedger } from './ledger.js';
import { readLoad } from './load.js';
import { closingSteps, noClosing } from './closing.js';
import { checkServerVersion, readTableBlocks } from './plan.js';
import { buildSummary, emptyTally, round1 } from './summary.js';
import {
  BatchSizer,
  DEFAULT_THROTTLE,
  backoffMs,
  describeReason,
  faster as fasterSettings,
  pauseAfterBatch,
  slower as slowerSettings,
  throttleReason,
  type LoadSample,
  type ThrottleSettings,
} from './throttle.js';
import {
  idleProgress,
  type DrainEvent,
  type DrainOptions,
  type DrainPhase,
  type DrainProgress,
  type DrainRunState,
  type DrainSummary,
  type StopReason,
  type ThrottleState,
} from './types.js';

/**
 * A throttled sweep of the table by block ranges. One object per run (src/operation.ts): start() runs it to the end
 * and resolves with the summary; pause / resume / faster / slower steer it while it runs, abort() (or its signal)
 * stops it after the current batch; its snapshot is its progress (phase included) and, at the end, its summary. It
 * never throws after start(): failures end the run with stopReason 'error'.
 */
export class DrainOperation extends Operation<DrainRunState, DrainEvent> {
  private settings: ThrottleSettings;
  private readonly random: () => number;
  private readonly maxRows: number | null;
  private readonly maxDurationMs: number | null;
  private client: pg.Client | null = null;
  private started?: Promise<DrainSummary>;
  private readonly sleeper = new WakeableSleep();
  private lastProgressAt = 0;
  private readonly tally = emptyTally();
  private readonly ledger = new CommitLedger();
  private readonly sizer = new BatchSizer();
  private sweepStart = 0;
  private sweepEnd = 0;
  private readonly flushAfter: string | null;
  private readonly prune: boolean;
  /** The figures as they change; the snapshot has them as of the last progress event (see progressIntervalMs). */
  private progress: DrainProgress;

  constructor(private readonly opts: DrainOptions) {
    const settings = { ...DEFAULT_THROTTLE, ...opts.throttle };
    const progress = { ...idleProgress(settings), stopping: Boolean(opts.signal?.aborted) };
    super({ progress, summary: null }, opts.signal);
    this.settings = settings;
    this.progress = progress;
    this.random = opts.random ?? Math.random;
    this.maxRows = opts.maxRows ?? null;
    this.maxDurationMs = opts.maxDurationMs ?? null;
    this.flushAfter = opts.backendFlushAfter === undefined ? DEFAULT_BACKEND_FLUSH_AFTER : opts.backendFlushAfter;
    // The pruning re-read spreads the writes of a paced drain; unthrottled (--nice 0) only speed counts.
    this.prune = opts.prune ?? this.settings.nice > 0;
  }

  private get stopRequested(): boolean {
    return this.signal.aborted;
  }

  private update(patch: Partial<DrainProgress>, force = false): void {
    this.progress = { ...this.progress, ...patch };
    const now = Date.now();
    if (force || now - this.lastProgressAt >= (this.opts.progressIntervalMs ?? 250)) {
      this.lastProgressAt = now;
      this.publish({ type: 'progress', progress: this.progress }, { progress: this.progress });
    }
  }

  private setPhase(phase: DrainPhase): void {
    this.publish({ type: 'phase', phase });
    this.update({ phase }, true);
  }

  private setThrottle(throttle: ThrottleState): void {
    const prev = this.progress.throttle;
    if (prev.reason === throttle.reason && prev.detail === throttle.detail) return;
    this.publish({ type: 'throttle', throttle });
    this.update({ throttle }, true);
  }

  start(): Promise<DrainSummary> {
    this.started ??= this.run();
    return this.started;
  }

  pause(): void {
    this.update({ paused: true }, true);
    this.sleeper.wakeUp();
  }

  resume(): void {
    this.update({ paused: false }, true);
    this.sleeper.wakeUp();
  }

  /** abort(): stop after the current batch; the summary still comes (with ANALYZE and the final count). */
  protected override onAbort(): void {
    this.update({ stopping: true }, true);
    this.sleeper.wakeUp();
  }

  faster(): void {
    this.applySettings(fasterSettings(this.settings));
  }

  slower(): void {
    this.applySettings(slowerSettings(this.settings));
  }

  private applySettings(s: ThrottleSettings): void {
    this.settings = s;
    this.update({ targetBatchMs: s.targetBatchMs, nice: s.nice, maxWalMBps: s.maxWalMBps }, true);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.client = await connectClient(this.opts.target, {
      connectTimeoutMs: this.opts.connectTimeoutMs,
      readOnly: false,
      // The batches set their own limits; this one covers the final count, ANALYZE and VACUUM.
      statementTimeoutMs: 30 * 60_000,
      applicationName: 'hatchet-sessions drain',
    });
    await applySessionSettings(this.client, this.flushAfter);
    const methods = walCompressionChoices(this.opts.walCompression, this.settings.nice);
    this.update({ walCompression: await setWalCompression(this.client, methods) });
    return this.client;
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }

  /** Wait while paused or while the load says so; re-reads the load every loadCheckMs. */
  private async gate(c: pg.Client, lastCheck: { at: number }): Promise<void> {
    const checkEvery = this.opts.loadCheckMs ?? 1000;
    for (;;) {
      if (this.stopRequested) return;
      let sample: LoadSample = {
        replicaLagS: this.progress.throttle.replicaLagS,
        activeBackends: this.progress.throttle.activeBackends,
      };
      if (Date.now() - lastCheck.at >= checkEvery) {
        sample = await readLoad(c, this.settings);
        lastCheck.at = Date.now();
      }
      const reason = throttleReason(sample, this.settings, this.progress.paused);
      this.setThrottle({ reason, detail: describeReason(reason, sample, this.settings), ...sample });
      if (reason === null) return;
      const t = Date.now();
      await this.sleeper.sleep(reason === 'paused' ? 60_000 : checkEvery);
      if (reason === 'paused') this.tally.pausedMs += Date.now() - t;
      else this.tally.throttledMs += Date.now() - t;
      if (reason !== 'paused') lastCheck.at = 0; // read the load again before going on
    }
  }

  /** The limits of the next batch; the nice ratio and target time may change between two batches (+ / -). */
  private batchLimits(): BatchLimits {
    return {
      fastLockTimeoutMs: this.opts.fastLockTimeoutMs ?? 1,
      lockTimeoutMs: this.opts.lockTimeoutMs ?? 1000,
      statementTimeoutMs: batchStatementTimeoutMs(this.settings),
      synchronousCommit: batchSynchronousCommit(this.settings),
    };
  }

  /** See CommitLedger.recheck: the sweep goes on from the first range that may have been undone, the count corrected. */
  private async recheckUnflushed(c: pg.Client, next: number): Promise<number> {
    const { from, lostRows } = await this.ledger.recheck(c, next);
    this.update({ rowsDeleted: this.progress.rowsDeleted - lostRows, blocksSwept: from });
    return from;
  }

  private async run(): Promise<DrainSummary> {
    let stopReason: StopReason = 'done';
    let error: string | undefined;
    try {
      this.setPhase('connecting');
      const meta = await this.readTableBlocks();
      if (!meta)
        throw new ToolError(`table "${this.opts.table.schema}.${this.opts.table.name}" not found.`, EXIT.table);
      checkServerVersion(Number(meta.server_version_num));
      this.sizer.maxTuplesPerPage = Math.floor((Number(meta.block_size) - 24) / 28);
      this.update({ blocksTotal: Number(meta.blocks) });
      this.setPhase('sweeping');
      stopReason = await this.sweep();
    } catch (err) {
      stopReason = 'error';
      error = describeError(err);
    }
    this.sweepEnd ||= Date.now();
    return this.finish(stopReason, error);
  }

  /** The table's size when the drain starts (see readTableBlocks), retried like a batch. */
  private async readTableBlocks(): Promise<Record<string, unknown> | undefined> {
    const maxRetries = this.opts.maxRetries ?? 8;
    for (let attempt = 1; ; attempt++) {
      const c = await this.connect();
      try {
        return await readTableBlocks(c, this.opts.table, this.opts.lockTimeoutMs ?? 1000);
      } catch (err) {
        if (isConnectionLoss(err)) await this.dropClient();
        if (!isRetryable(err) || attempt > maxRetries || this.stopRequested) throw err;
        const waitMs = backoffMs(attempt, this.random);
        this.publish({ type: 'retry', error: describeError(err), attempt, waitMs, reconnect: isConnectionLoss(err) });
        await this.sleeper.sleep(waitMs);
      }
    }
  }

  private async sweep(): Promise<StopReason> {
    const total = this.progress.blocksTotal;
    let next = 0;
    let blocks = Math.min(this.settings.initialBlocks, this.settings.maxBlocks);
    let failures = 0;
    const lastCheck = { at: 0 };
    let prevRange: [number, number] | null = null;
    this.sweepStart = Date.now();
    const maxRetries = this.opts.maxRetries ?? 8;
    while (next < total) {
      if (this.stopRequested) return 'stopped';
      if (this.maxDurationMs !== null && Date.now() - this.sweepStart >= this.maxDurationMs) return 'limit';
      if (this.maxRows !== null && this.progress.rowsDeleted >= this.maxRows) return 'limit';
      try {
        const c = await this.connect();
        if (this.ledger.recheckPending) next = await this.recheckUnflushed(c, next);
        await this.gate(c, lastCheck);
        if (this.stopRequested) return 'stopped';
        const to = Math.min(total, next + blocks);
        const left = this.maxRows === null ? null : this.maxRows - this.progress.rowsDeleted;
        const rowLimit = left !== null && left < (to - next) * this.sizer.maxTuplesPerPage ? left : null;
        const walBefore = await this.ledger.walPosition(c);
        const t = performance.now();
        // Prune the range the previous batch deleted (its rows are dead to everyone by now): see sql/drain/prune.sql.
        if (this.prune && prevRange) await pruneRange(c, this.opts.table, prevRange, this.batchLimits());
        const { rows, xid } = await deleteRange(
          c,
          this.opts.table,
          [next, to],
          rowLimit,
          this.batchLimits(),
          () => (this.tally.lockedRanges += 1),
        );
        const ms = performance.now() - t;
        prevRange = [next, to];
        const walAfter = await this.ledger.walPosition(c);
        const walBytes = Math.max(0, walAfter - walBefore);
        // Its commit record lies before walAfter: once the server has flushed that far, the batch is on disk.
        this.ledger.committed(prevRange[0], rows, xid, walAfter);
        this.tally.batchTimes.push(ms);
        this.tally.batchBlockCounts.push(to - next);
        failures = 0;
        // With a row limit the range may be cut short: it is swept again only if the limit allows more.
        if (rowLimit === null || rows < rowLimit) next = to;
        blocks = this.sizer.next(blocks, ms, rows, to - prevRange[0], this.settings);
        const elapsed = Date.now() - this.sweepStart;
        const rowsDeleted = this.progress.rowsDeleted + rows;
        const blocksPerMs = next / Math.max(1, elapsed);
        const walTotal = this.progress.walBytes + walBytes;
        const pause =
          next < total && !this.stopRequested
            ? pauseAfterBatch(ms, walBytes, this.settings, this.random)
            : { ms: 0, by: null };
        this.update({
          blocksSwept: next,
          rowsDeleted,
          batches: this.progress.batches + 1,
          elapsedMs: elapsed,
          rowsPerSecond: (rowsDeleted * 1000) / Math.max(1, elapsed),
          etaMs: next > 0 ? Math.round((total - next) / blocksPerMs) : null,
          batchBlocks: blocks,
          lastBatchMs: ms,
          lastBatchRows: rows,
          walBytes: walTotal,
          walMBps: round1((walTotal * 1000) / Math.max(1, elapsed) / 1048576),
          pauseBy: pause.by,
        });
        if (pause.ms > 0) {
          const t2 = Date.now();
          await this.sleeper.sleep(pause.ms);
          const waited = Date.now() - t2;
          this.tally.niceMs += waited;
          if (pause.by === 'wal-rate') this.tally.walLimitedMs += Math.max(0, waited - ms * this.settings.nice);
        }
      } catch (err) {
        if (!isRetryable(err)) throw err;
        failures += 1;
        const reconnect = isConnectionLoss(err);
        if (reconnect) {
          await this.dropClient();
          this.ledger.connectionLost();
          this.update({ reconnects: this.progress.reconnects + 1 });
        }
        if ((err as { code?: string }).code === '57014')
          blocks = Math.max(this.settings.minBlocks, Math.floor(blocks / 2));
        if (failures > maxRetries) throw err;
        const waitMs = backoffMs(failures, this.random);
        const message = describeError(err);
        this.publish({ type: 'retry', error: message, attempt: failures, waitMs, reconnect });
        this.update({ retries: this.progress.retries + 1, lastError: message, batchBlocks: blocks });
        this.setThrottle({
          ...this.progress.throttle,
          reason: 'backoff',
          detail: `retry ${failures}/${maxRetries} in ${waitMs}ms: ${message}`,
        });
        const t = Date.now();
        await this.sleeper.sleep(waitMs);
        this.tally.throttledMs += Date.now() - t;
      }
    }
    // The last range has no next batch to prune it: do it now, a pause later (its rows must be dead to everyone),
    // or the final count prunes it in one burst of WAL while the API waits (sql/drain/prune.sql).
    if (this.prune && prevRange && !this.stopRequested) {
      await this.sleeper.sleep(this.settings.targetBatchMs);
      try {
        await pruneRange(await this.connect(), this.opts.table, prevRange, this.batchLimits());
      } catch (err) {
        // Not worth a retry: the final count prunes it instead (and reconnects if it must).
        if (isConnectionLoss(err)) await this.dropClient();
      }
    }
    this.sweepEnd = Date.now();
    return 'done';
  }

  private async finish(stopReason: StopReason, error: string | undefined): Promise<DrainSummary> {
    this.sweepEnd ||= Date.now();
    if (this.ledger.recheckPending) {
      // Stopped before the next batch could check: correct the count now (the final count says what is left anyway).
      try {
        await this.recheckUnflushed(await this.connect(), this.progress.blocksSwept);
      } catch {
        await this.dropClient();
      }
    }
    const durationMs = this.sweepStart ? this.sweepEnd - this.sweepStart : 0;
    // Read before the closing steps, which change the progress (their phases, a reconnect's wal_compression): the
    // summary reports the sweep's.
    const p = this.progress;
    let closing = noClosing();
    if (p.blocksTotal > 0 || stopReason !== 'error') {
      const closed = await closingSteps({
        table: this.opts.table,
        countRemaining: this.opts.countRemaining,
        vacuum: this.opts.vacuum,
        setPhase: (phase) => this.setPhase(phase),
        connect: () => this.connect(),
        dropClient: () => this.dropClient(),
      });
      closing = closed.closing;
      error ??= closed.error;
    }
    await this.dropClient();
    const summary = buildSummary({
      stopReason,
      error,
      durationMs,
      progress: p,
      tally: this.tally,
      commits: this.ledger,
      closing,
    });
    this.setPhase('finished');
    this.publish({ type: 'summary', summary }, { summary });
    return summary;
  }
}
