import type pg from 'pg';
import { EXIT, ToolError } from '../errors.js';
import { readConstraints, readIndexes } from './definition.js';
import { rebuildLockHolder, tryRebuildLock, type Connect } from './engine.js';
import { rebuildNames, rsql, type RebuildNames } from './names.js';
import { findBackups } from './preflight.js';
import type { TableRef } from '../sql.js';

export type DropEvent =
  | { type: 'drop-step'; table: string; action: string; ms: number }
  | { type: 'drop-progress'; table: string; blocksLeft: number; blocksTotal: number; bytesFreed: number };

export interface DropOptions {
  /** Heap blocks given back per slice (8 kB each). */
  sliceBlocks?: number;
  /** Pause between slices, so the disk and the WAL settle. */
  pauseMs?: number;
  lockTimeoutMs?: number;
  onEvent?: (e: DropEvent) => void;
  stop?: { stopped: boolean };
}

export interface DropResult {
  tables: string[];
  bytesFreed: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A statement with a short lock_timeout, retried with backoff: it never queues in front of the live API. */
async function shortLock(client: pg.ClientBase, names: RebuildNames, text: string, lockTimeoutMs: number, deadlineMs = 60_000): Promise<void> {
  const start = Date.now();
  let wait = 50;
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query(rsql('rebuild_set_local', names), ['lock_timeout', `${lockTimeoutMs}ms`]);
      await client.query(text);
      await client.query('COMMIT');
      return;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code !== '55P03' || Date.now() - start > deadlineMs) throw err;
      wait = Math.min(2000, wait * 2);
      await sleep(wait);
    }
  }
}

/**
 * Drop the backups of earlier rebuilds without the two traps: its foreign key is dropped first (a short
 * lock on "User", no file deleted under it), then its indexes, then the heap is given back a slice at a time
 * from the end of the file (delete the last blocks' rows, VACUUM truncates them), with pauses; the last
 * small remainder is dropped.
 */
export async function dropBackups(connect: Connect, table: TableRef, opts: DropOptions = {}): Promise<DropResult> {
  const names = rebuildNames(table);
  const slice = opts.sliceBlocks ?? 4096;
  const pause = opts.pauseMs ?? 200;
  const lockTimeoutMs = opts.lockTimeoutMs ?? 100;
  const emit = (e: DropEvent) => opts.onEvent?.(e);
  const started = performance.now();
  const client = await connect();
  try {
    if (!(await tryRebuildLock(client, names))) {
      throw new ToolError(`a rebuild is running (backend pid ${(await rebuildLockHolder(client, names)) ?? '?'}); drop the backup after it`, EXIT.failure);
    }
    const backups = await findBackups(client, names);
    let freed = 0;
    for (const b of backups) {
      const target = { tables: { target: b.name } };
      const timed = async (action: string, fn: () => Promise<void>) => {
        const t = performance.now();
        await fn();
        emit({ type: 'drop-step', table: b.name, action, ms: Math.round(performance.now() - t) });
      };
      // 1. Constraints: the foreign key first (its triggers live on "User"), then primary key and unique ones.
      const constraints = await readConstraints(client, names, b.name);
      for (const c of [...constraints.filter((c) => c.type === 'f'), ...constraints.filter((c) => c.type === 'p' || c.type === 'u')]) {
        await timed(`drop constraint ${c.name}`, () =>
          shortLock(client, names, rsql('rebuild_drop_constraint', names, { ...target, idents: { constraint: c.name } }), lockTimeoutMs),
        );
      }
      // 2. The other indexes, one file each.
      for (const ix of await readIndexes(client, names, b.name)) {
        await timed(`drop index ${ix.name}`, () => shortLock(client, names, rsql('rebuild_drop_index', names, { tables: { index: ix.name } }), lockTimeoutMs));
      }
      // 3. The heap, a slice at a time from the end.
      let blocks = Number((await client.query(rsql('rebuild_blocks', names), [b.oid])).rows[0].blocks);
      const total = blocks;
      let stuck = 0;
      while (blocks > slice) {
        if (opts.stop?.stopped) throw new ToolError(`stopped while dropping "${b.name}"; run the drop again to go on`, EXIT.failure);
        await client.query(rsql('rebuild_backup_delete_tail', names, target), [`(${blocks - slice},0)`]);
        await client.query(rsql('rebuild_backup_vacuum', names, target));
        const now = Number((await client.query(rsql('rebuild_blocks', names), [b.oid])).rows[0].blocks);
        if (now >= blocks) {
          // VACUUM could not truncate (an old snapshot still sees the rows): wait a little, then drop the rest.
          if (++stuck >= 5) break;
        } else stuck = 0;
        blocks = now;
        emit({ type: 'drop-progress', table: b.name, blocksLeft: blocks, blocksTotal: total, bytesFreed: (total - blocks) * 8192 });
        await sleep(pause);
      }
      await timed('drop table', () => shortLock(client, names, rsql('rebuild_drop_table', names, target), lockTimeoutMs));
      freed += b.bytes;
    }
    return { tables: backups.map((b) => b.name), bytesFreed: freed, seconds: Math.round((performance.now() - started) / 10) / 100 };
  } finally {
    await client.end().catch(() => {});
  }
}
