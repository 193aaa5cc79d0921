import type pg from 'pg';
import type { RebuildNames } from './names.js';
import { sql } from '../sql.js';

export interface AutovacuumWorker {
  pid: number;
  relation: string;
  query: string | null;
  ageSeconds: number | null;
}

/**
 * Autovacuum workers (never client sessions, never anti-wraparound vacuums) holding a lock on one of `relations`
 * (in the rebuild's schema). `activity` replaces pg_stat_activity (tests only).
 */
export async function autovacuumBlockers(
  client: pg.ClientBase,
  names: RebuildNames,
  relations: string[],
  activity = 'pg_catalog.pg_stat_activity',
): Promise<AutovacuumWorker[]> {
  const { rows } = await client.query(sql('rebuild/autovacuum_blockers', names, { raw: { activity } }), [
    names.schema,
    relations,
  ]);
  return rows.map((r) => ({ pid: r.pid, relation: r.relation, query: r.query, ageSeconds: r.age_seconds }));
}

/** pg_cancel_backend on an autovacuum worker, checked again by the statement itself; true when a signal was sent. */
export async function cancelAutovacuum(client: pg.ClientBase, names: RebuildNames, pid: number): Promise<boolean> {
  const { rows } = await client.query(sql('rebuild/cancel_autovacuum', names), [pid]);
  return rows[0]?.cancelled === true;
}

/** Cancel every autovacuum worker that holds a lock on one of `relations`; returns the ones cancelled. */
export async function cancelAutovacuumBlockers(
  client: pg.ClientBase,
  names: RebuildNames,
  relations: string[],
): Promise<AutovacuumWorker[]> {
  const cancelled: AutovacuumWorker[] = [];
  for (const w of await autovacuumBlockers(client, names, relations)) {
    if (await cancelAutovacuum(client, names, w.pid)) cancelled.push(w);
  }
  return cancelled;
}
