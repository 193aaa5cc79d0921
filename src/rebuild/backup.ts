import type pg from 'pg';
import { setWalCompression, withTransaction } from '../db.js';
import { EXIT, ToolError } from '../errors.js';
import { readConstraints, readIndexes } from './definition.js';
import type { Connect } from './events.js';
import { sleep } from '../sleep.js';
import { isLockTimeout, takeRebuildLock, withShortLock } from './lock.js';
import { rebuildNames, type RebuildNames } from './names.js';
import { findBackups } from './preflight.js';
import { Operation } from '../operation.js';
import { sql, type TableRef } from '../sql.js';

export type DropEvent =
  | { type: 'drop-step'; table: string; action: string; ms: number }
  | { type: 'drop-progress'; table: string; blocksLeft: number; blocksTotal: number; bytesFreed: number };

export interface DropOptions {
  /** Heap blocks given back per slice (8 kB each). */
  sliceBlocks?: number;
  /** Pause between slices, so the disk and the WAL settle (at least half as long as the slice itself took). */
  pauseMs?: number;
  /**
   * vacuum_cost_delay of the slices' VACUUM (ms; default 2, 0 = unthrottled). After a drain the first VACUUM prunes
   * every page of the backup: unthrottled it dirties the whole file in seconds and the kernel writes what is not
   * truncated yet back in one burst later, a stall for every commit; throttled, with backendFlushAfter, the writes
   * go out smoothly as they happen (figures: docs/benchmarks-rebuild.md).
   */
  vacuumCostDelayMs?: number;
  /**
   * vacuum_cost_limit of the slices' VACUUM (with vacuumCostDelayMs; default 100, half PostgreSQL's: at 200 the
   * first VACUUM of a drained backup still raised the live p99; docs/benchmarks-rebuild.md).
   */
  vacuumCostLimit?: number;
  /**
   * backend_flush_after of the drop's connection (e.g. '256kB'): the pages VACUUM writes out of its ring are handed
   * to the disk as it goes, not left for the kernel to write back in one burst later. Default '256kB'; '' leaves
   * the server's setting.
   */
  backendFlushAfter?: string;
  /**
   * Longest pause after each index (or primary key / unique constraint, with its index) dropped: its file is freed at
   * once, so the pause is its size / maxFreeMBps, at most this (default 3000 ms).
   */
  maxFilePauseMs?: number;
  /**
   * wal_compression of the drop's connection ('lz4', falling back to 'pglz'; '' leaves the server's): the slices'
   * DELETE and VACUUM write a full-page image of each page they touch first. Only a superuser may set it: for
   * other roles the setting stays as it is, quietly.
   */
  walCompression?: string;
  /**
   * Give the file back at most this fast (MB/s): VACUUM truncates every empty block at the end of the file at once
   * (for a drained backup, the whole file), and freeing a big piece at once stalls the disk for everyone (ext4
   * with online discard: every WAL fsync waits; docs/benchmarks-rebuild.md). A second connection makes VACUUM
   * suspend its truncation (see yieldTruncation) and pauses it for chunk / rate. Default 10; 0: off (one
   * truncation per VACUUM).
   */
  maxFreeMBps?: number;
  lockTimeoutMs?: number;
  onEvent?: (e: DropEvent) => void;
  /** Aborted: stop at the next safe point (between slices, or while waiting for a lock). */
  signal?: AbortSignal;
}

export interface DropResult {
  tables: string[];
  bytesFreed: number;
  seconds: number;
}

/** A stop request honoured at a safe point of the drop (between slices, or while waiting for a lock). */
export class DropStopped extends ToolError {
  constructor(table: string) {
    super(
      `stopped while dropping "${table}"; run "hatchet-sessions rebuild --drop-backup --yes" again to go on`,
      EXIT.failure,
    );
    this.name = 'DropStopped';
  }
}

/**
 * A statement with a short lock_timeout, retried with backoff until `deadlineMs`: it never queues in front of the
 * live API. An autovacuum worker on the backup that blocks it is cancelled (never an anti-wraparound one), as
 * PostgreSQL would.
 */
async function shortLock(
  client: pg.ClientBase,
  names: RebuildNames,
  text: string,
  lockTimeoutMs: number,
  table: string,
  emit: (e: DropEvent) => void,
  signal: AbortSignal | undefined,
  deadlineMs = 60_000,
): Promise<void> {
  await withShortLock(client, names, () => client.query(text), {
    lockTimeoutMs,
    cancelAutovacuumOn: [table],
    jitter: false,
    onTimeout: ({ error, startedAt, cancelled }) => {
      if (Date.now() - startedAt > deadlineMs) throw error;
      for (const w of cancelled)
        emit({ type: 'drop-step', table, action: `cancelled autovacuum pid ${w.pid} (${w.query ?? ''})`, ms: 0 });
      if (signal?.aborted) throw new DropStopped(table);
    },
  });
}

/**
 * While `state.done` is false (our VACUUM of the backup runs on the backend `vacuumPid`): whenever that VACUUM holds
 * the ACCESS EXCLUSIVE lock of its truncation phase, ask for ACCESS SHARE on the backup. PostgreSQL's VACUUM notices
 * a waiter after ~20 ms of its backward scan over empty blocks, truncates what it has checked, lets go, and takes its
 * lock again when we let go (retrying for 5 s; after that it ends and the caller runs it again). We hold the lock for
 * chunk / maxFreeMBps, so the file is given back a chunk at a time instead of all at once. Only the backup is
 * locked; nothing else uses it. A stop or a lost connection leaves nothing half-done: the drop runs again.
 */
async function yieldTruncation(
  yielder: pg.ClientBase,
  names: RebuildNames,
  backup: { name: string; oid: number },
  vacuumPid: number,
  state: { done: boolean; blocks: number; heldMs: number },
  maxFreeMBps: number,
  onChunk: (blocksLeft: number) => void,
): Promise<void> {
  while (!state.done) {
    const { truncating } = (await yielder.query(sql('rebuild/backup_truncating', names), [backup.oid, vacuumPid]))
      .rows[0];
    if (!truncating) {
      await sleep(10);
      continue;
    }
    try {
      await withTransaction(
        yielder,
        async (c) => {
          await c.query(sql('rebuild/backup_lock_share', names, { tables: { target: backup.name } }));
          const now = Number((await c.query(sql('rebuild/blocks', names), [backup.oid])).rows[0].blocks);
          if (now < state.blocks) {
            const mb = ((state.blocks - now) * 8192) / 1048576;
            state.blocks = now;
            onChunk(now);
            const hold = (mb / maxFreeMBps) * 1000;
            await sleep(hold);
            state.heldMs += hold;
          }
        },
        { lockTimeoutMs: 30_000 },
      );
    } catch (err) {
      if (!isLockTimeout(err)) throw err;
    }
  }
}

/** What a drop's snapshot holds: the table it works on, its last step, how much of the heap is left. */
export interface DropState {
  table: string | null;
  /** The last step done, in words (e.g. "drop index ..."). */
  action: string | null;
  blocksLeft: number | null;
  blocksTotal: number | null;
  /** Of the current table. */
  bytesFreed: number;
}

/**
 * The drop of the backups of earlier rebuilds, as an operation (src/operation.ts): start() runs it, abort() (or
 * opts.signal) stops it at its next safe point with DropStopped; its snapshot is where it is (DropState), its
 * result what start() resolves with.
 */
export class BackupDrop extends Operation<DropState, DropEvent> {
  private started?: Promise<DropResult>;

  constructor(
    private readonly connect: Connect,
    private readonly table: TableRef,
    private readonly opts: Omit<DropOptions, 'onEvent'> = {},
  ) {
    super({ table: null, action: null, blocksLeft: null, blocksTotal: null, bytesFreed: 0 }, opts.signal);
  }

  start(): Promise<DropResult> {
    this.started ??= drop(this.connect, this.table, { ...this.opts, signal: this.signal }, (e) =>
      this.publish(
        e,
        e.type === 'drop-step'
          ? { table: e.table, action: e.action }
          : { table: e.table, blocksLeft: e.blocksLeft, blocksTotal: e.blocksTotal, bytesFreed: e.bytesFreed },
      ),
    );
    return this.started;
  }
}

/** Drop the backups (see drop): a BackupDrop run to its end, `opts.onEvent` told of each of its events. */
export function dropBackups(connect: Connect, table: TableRef, opts: DropOptions = {}): Promise<DropResult> {
  const { onEvent, ...rest } = opts;
  const op = new BackupDrop(connect, table, rest);
  if (onEvent) op.subscribe(onEvent);
  return op.start();
}

/**
 * Drop the backups of earlier rebuilds without the two traps: its foreign key is dropped first (a short
 * lock on "User", no file deleted under it), then its indexes, then the heap is given back a slice at a time
 * from the end of the file (delete the last blocks' rows, VACUUM truncates them), with pauses; the last
 * small remainder is dropped.
 */
async function drop(
  connect: Connect,
  table: TableRef,
  opts: Omit<DropOptions, 'onEvent'>,
  emit: (e: DropEvent) => void,
): Promise<DropResult> {
  const names = rebuildNames(table);
  const slice = opts.sliceBlocks ?? 1024;
  const pause = opts.pauseMs ?? 200;
  const lockTimeoutMs = opts.lockTimeoutMs ?? 100;
  const maxFreeMBps = opts.maxFreeMBps ?? 10;
  const maxFilePause = opts.maxFilePauseMs ?? 3000;
  const started = performance.now();
  const client = await connect();
  let yielder: pg.Client | undefined;
  try {
    await takeRebuildLock(
      client,
      names,
      0,
      (pid) => `a rebuild is running (backend pid ${pid}); drop the backup after it`,
    );
    const backups = await findBackups(client, names);
    let freed = 0;
    for (const b of backups) {
      const target = { tables: { target: b.name } };
      const locked = (text: string) => shortLock(client, names, text, lockTimeoutMs, b.name, emit, opts.signal);
      // The size of an index of the backup (0 when gone), read before it is dropped, for the pause after it.
      const indexBytes = async (name: string): Promise<number> => {
        const r = await client.query(sql('rebuild/relation_exists', names), [names.schema, name]);
        return r.rows.length
          ? Number((await client.query(sql('rebuild/relation_bytes', names), [r.rows[0].oid])).rows[0].bytes)
          : 0;
      };
      const settle = (bytes: number) =>
        sleep(maxFreeMBps > 0 ? Math.min(maxFilePause, (bytes / 1048576 / maxFreeMBps) * 1000) : 0);
      const timed = async (action: string, fn: () => Promise<void>) => {
        const t = performance.now();
        await fn();
        emit({ type: 'drop-step', table: b.name, action, ms: Math.round(performance.now() - t) });
      };
      // 0. No autovacuum on the backup any more (its storage parameters no longer matter: it is going).
      await locked(sql('rebuild/backup_autovacuum_off', names, target));
      // 1. Constraints: the foreign key first (its triggers live on "User"), then primary key and unique ones.
      const constraints = await readConstraints(client, names, b.name);
      for (const c of [
        ...constraints.filter((c) => c.type === 'f'),
        ...constraints.filter((c) => c.type === 'p' || c.type === 'u'),
      ]) {
        const bytes = c.type === 'f' ? 0 : await indexBytes(c.name);
        await timed(`drop constraint ${c.name}`, () =>
          locked(sql('rebuild/drop_constraint', names, { ...target, idents: { constraint: c.name } })),
        );
        // A primary key or unique constraint takes its index file with it, freed at once: let the disk settle.
        await settle(bytes);
      }
      // 2. The other indexes, one file each.
      for (const ix of await readIndexes(client, names, b.name)) {
        const bytes = await indexBytes(ix.name);
        await timed(`drop index ${ix.name}`, () =>
          locked(sql('rebuild/drop_index', names, { tables: { index: ix.name } })),
        );
        await settle(bytes);
      }
      // 3. The heap, a slice at a time from the end.
      let blocks = Number((await client.query(sql('rebuild/blocks', names), [b.oid])).rows[0].blocks);
      const total = blocks;
      let stuck = 0;
      const slicesStarted = performance.now();
      const costDelay = opts.vacuumCostDelayMs ?? 2;
      if (costDelay) await client.query(sql('session/set_session', names), ['vacuum_cost_delay', `${costDelay}ms`]);
      const costLimit = opts.vacuumCostLimit ?? 100;
      if (costDelay && costLimit)
        await client.query(sql('session/set_session', names), ['vacuum_cost_limit', String(costLimit)]);
      const compression = opts.walCompression ?? 'lz4';
      if (compression) await setWalCompression(client, [compression, 'pglz', 'on']);
      const flushAfter = opts.backendFlushAfter ?? '256kB';
      if (flushAfter) await client.query(sql('session/set_session', names), ['backend_flush_after', flushAfter]);
      while (blocks > slice) {
        if (opts.signal?.aborted) throw new DropStopped(b.name);
        const t = performance.now();
        let heldMs = 0;
        await client.query(sql('rebuild/backup_delete_tail', names, target), [`(${blocks - slice},0)`]);
        if (maxFreeMBps > 0) {
          yielder ??= await connect();
          const vacuumPid = Number((await client.query(sql('session/backend_pid', names))).rows[0].pid);
          const state = { done: false, blocks, heldMs: 0 };
          const vacuum = client.query(sql('rebuild/backup_vacuum', names, target)).finally(() => (state.done = true));
          const yielding = yieldTruncation(yielder, names, b, vacuumPid, state, maxFreeMBps, (left) =>
            emit({
              type: 'drop-progress',
              table: b.name,
              blocksLeft: left,
              blocksTotal: total,
              bytesFreed: (total - left) * 8192,
            }),
          ).finally(() => (state.done = true));
          const [v, y] = await Promise.allSettled([vacuum, yielding]);
          if (v.status === 'rejected') throw v.reason;
          if (y.status === 'rejected') throw y.reason;
          heldMs = state.heldMs;
        } else {
          await client.query(sql('rebuild/backup_vacuum', names, target));
        }
        const took = performance.now() - t;
        const now = Number((await client.query(sql('rebuild/blocks', names), [b.oid])).rows[0].blocks);
        const freedBlocks = Math.max(0, blocks - now);
        if (now >= blocks) {
          // VACUUM could not truncate (an old snapshot still sees the rows): wait a little, then drop the rest.
          if (++stuck >= 5) break;
        } else stuck = 0;
        blocks = now;
        // The rate holds for slices too (a slice truncated before the yielding connection saw it was not paused):
        // what this slice gave back at maxFreeMBps, less the pauses the yielding connection already made.
        const freedMs = maxFreeMBps > 0 ? ((freedBlocks * 8192) / 1048576 / maxFreeMBps) * 1000 - heldMs : 0;
        emit({
          type: 'drop-progress',
          table: b.name,
          blocksLeft: blocks,
          blocksTotal: total,
          bytesFreed: (total - blocks) * 8192,
        });
        await sleep(Math.max(pause, Math.min(2000, took / 2), Math.min(5000, freedMs)));
      }
      emit({
        type: 'drop-step',
        table: b.name,
        action: 'give back the heap in slices',
        ms: Math.round(performance.now() - slicesStarted),
      });
      await timed('drop table', () => locked(sql('rebuild/drop_table', names, target)));
      freed += b.bytes;
    }
    return {
      tables: backups.map((b) => b.name),
      bytesFreed: freed,
      seconds: Math.round((performance.now() - started) / 10) / 100,
    };
  } finally {
    await yielder?.end().catch(() => {});
    await client.end().catch(() => {});
  }
}
