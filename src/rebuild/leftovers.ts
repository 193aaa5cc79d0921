import type pg from 'pg';
import { sql, type TableRef } from '../sql.js';
import { journalState, readLatestRebuild } from './journal.js';
import { rebuildLockHolder } from './lock.js';
import { rebuildNames, type RebuildNames } from './names.js';

/** What an interrupted rebuild may leave behind, found (for the console, preflight, status and `recover`) and removed. */
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
  const events = await readLatestRebuild(db, names).catch((err) =>
    (err as { code?: string }).code === '42501' ? [] : Promise.reject(err),
  );
  const state = journalState(events);
  const objects: string[] = [];
  if (await exists(db, names, names.newTable)) objects.push(`table "${names.newTable}"`);
  if (await exists(db, names, names.log)) objects.push(`table "${names.log}"`);
  if (await exists(db, names, names.copied)) objects.push(`table "${names.copied}"`);
  if ((await db.query(sql('rebuild/trigger_exists', names), [names.schema, names.table, names.trigger])).rows.length) {
    objects.push(`trigger "${names.trigger}" on "${names.table}"`);
  }
  if ((await db.query(sql('rebuild/function_exists', names), [names.schema, names.func])).rows.length)
    objects.push(`function "${names.func}"`);
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

/** The capture's log, the copy's ledger and the capture function (the trigger is dropped under its own lock). */
export async function dropCaptureObjects(client: pg.ClientBase, names: RebuildNames): Promise<void> {
  await client.query(sql('rebuild/drop_table', names, { tables: { target: names.log } }));
  await client.query(sql('rebuild/drop_table', names, { tables: { target: names.copied } }));
  await client.query(sql('rebuild/drop_function', names));
}
