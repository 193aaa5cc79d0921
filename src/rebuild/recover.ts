import type pg from 'pg';
import { withTransaction } from '../db.js';
import { EXIT, ToolError } from '../errors.js';
import { sql, type TableRef } from '../sql.js';
import { readDefinition } from './definition.js';
import { _makeCtx, dropCaptureObjects, rebuildLockHolder, withLockRetry, type Connect, type RebuildOptions } from './engine.js';
import { journalState, readLatestRebuild, writeJournal } from './journal.js';
import { makePlan } from './plan.js';
import { rebuildNames, type RebuildNames } from './names.js';

export interface Leftovers {
  /** Something to recover: an unfinished journal entry or our objects in the schema. */
  found: boolean;
  /** The backend holding the rebuild lock (a rebuild running now), or null. */
  runningPid: number | null;
  rebuildId: string | null;
  lastStep: string | null;
  /** The swap committed: "UserSession" is already the rebuilt table; only finishing is possible. */
  swapped: boolean;
  backupTable: string | null;
  /** Our objects present: new table, log, copy ledger, trigger, function. */
  objects: string[];
  /** One line for the operator. */
  summary: string;
}

async function exists(db: pg.ClientBase | pg.Pool, names: RebuildNames, relation: string): Promise<boolean> {
  return (await db.query(sql('rebuild/relation_exists', names), [names.schema, relation])).rows.length > 0;
}

/** What an earlier rebuild left behind, for the console, preflight and `recover`. Read-only. */
export async function detectLeftovers(db: pg.ClientBase | pg.Pool, table: TableRef): Promise<Leftovers> {
  const names = rebuildNames(table);
  // A role that may not read the journal (not the owner: a monitoring role) still sees our objects below.
  const events = await readLatestRebuild(db, names).catch((err) => ((err as { code?: string }).code === '42501' ? [] : Promise.reject(err)));
  const state = journalState(events);
  const objects: string[] = [];
  if (await exists(db, names, names.newTable)) objects.push(`table "${names.newTable}"`);
  if (await exists(db, names, names.log)) objects.push(`table "${names.log}"`);
  if (await exists(db, names, names.copied)) objects.push(`table "${names.copied}"`);
  if ((await db.query(sql('rebuild/trigger_exists', names), [names.schema, names.table, names.trigger])).rows.length) {
    objects.push(`trigger "${names.trigger}" on "${names.table}"`);
  }
  if ((await db.query(sql('rebuild/function_exists', names), [names.schema, names.func])).rows.length) objects.push(`function "${names.func}"`);
  const open = state !== null && !state.closed;
  const found = open || objects.length > 0;
  const runningPid = await rebuildLockHolder(db, names);
  let summary = 'no unfinished rebuild';
  if (found) {
    summary = open
      ? `rebuild ${state!.rebuildId} stopped at "${state!.lastStep}" (${state!.lastStatus})${state!.swapped ? ', after the swap' : ', before the swap'}`
      : `leftovers of a rebuild: ${objects.join(', ')}`;
  }
  return {
    found,
    runningPid,
    rebuildId: state?.rebuildId ?? null,
    lastStep: state?.lastStep ?? null,
    swapped: open && state!.swapped,
    backupTable: state?.plan?.backupTable ?? null,
    objects,
    summary,
  };
}

/**
 * Undo an interrupted rebuild that has not swapped: remove the capture trigger (short lock_timeout, retried),
 * the function, the log and the new table. "UserSession" was never changed; it stays in use, complete.
 */
export async function undoRebuild(connect: Connect, table: TableRef, opts: RebuildOptions = {}): Promise<{ removed: string[] }> {
  const names = rebuildNames(table);
  const client = await connect();
  try {
    const until = Date.now() + 10_000;
    while (!(await client.query(sql('rebuild/lock_try', names), [names.schema])).rows[0].locked) {
      if (Date.now() > until) {
        throw new ToolError(`a rebuild is running (backend pid ${(await rebuildLockHolder(client, names)) ?? '?'}); refusing to undo it under its feet`, EXIT.failure);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const state = journalState(await readLatestRebuild(client, names));
    if (state && !state.closed && state.swapped) {
      throw new ToolError(
        `the swap of rebuild ${state.rebuildId} is committed: "${names.table}" is the rebuilt table and takes writes; undoing would lose them. ` +
          `Run "hatchet-sessions recover" (without --undo) to finish it; the original rows stay in "${state.plan?.backupTable}"`,
        EXIT.failure,
      );
    }
    const before = await detectLeftovers(client, table);
    const definition = await readDefinition(client, names);
    if (!definition) throw new ToolError(`table "${names.schema}.${names.table}" not found`, EXIT.table);
    const plan = state?.plan ?? makePlan(names, definition, new Date());
    const ctx = _makeCtx(client, 0, names, { ...plan, definition }, opts);
    // The trigger first: from its removal on, writes cost Hatchet nothing extra.
    await withLockRetry(
      ctx,
      'capture',
      async () => {
        await client.query(sql('rebuild/drop_trigger', names));
      },
      opts.swapTimeoutMs ?? 60_000,
    );
    await withTransaction(client, async () => {
      await dropCaptureObjects(client, names);
      await client.query(sql('rebuild/drop_table', names, { tables: { target: names.newTable } }));
      if (state && !state.closed) await writeJournal(client, names, state.rebuildId, 'rebuild', 'undone', { removed: before.objects });
    });
    return { removed: before.objects };
  } finally {
    await client.end().catch(() => {});
  }
}
