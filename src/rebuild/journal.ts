import type pg from 'pg';
import type { RebuildNames } from './names.js';
import type { RebuildPlan } from './plan.js';
import { sql } from '../sql.js';

export type JournalStatus = 'start' | 'done' | 'failed' | 'interrupted' | 'finished' | 'undone';

export interface JournalEvent {
  seq: number;
  rebuildId: string;
  step: string;
  status: JournalStatus;
  detail: Record<string, unknown> | null;
  pid: number;
  at: Date;
}

export async function ensureJournal(db: pg.ClientBase, names: RebuildNames): Promise<void> {
  await db.query(sql('rebuild/journal_create', names));
}

export async function journalExists(db: pg.ClientBase | pg.Pool, names: RebuildNames): Promise<boolean> {
  const { rows } = await db.query(sql('rebuild/relation_exists', names), [names.schema, names.journal]);
  return rows.length > 0;
}

export async function writeJournal(
  db: pg.ClientBase,
  names: RebuildNames,
  rebuildId: string,
  step: string,
  status: JournalStatus,
  detail?: unknown,
): Promise<void> {
  await db.query(sql('rebuild/journal_write', names), [
    rebuildId,
    step,
    status,
    detail === undefined ? null : JSON.stringify(detail),
  ]);
}

/** The latest rebuild's events, oldest first; empty when there is no journal or no rebuild yet. */
export async function readLatestRebuild(db: pg.ClientBase | pg.Pool, names: RebuildNames): Promise<JournalEvent[]> {
  if (!(await journalExists(db, names))) return [];
  const { rows } = await db.query(sql('rebuild/journal_latest', names));
  return rows.map((r) => ({
    seq: Number(r.seq),
    rebuildId: r.rebuild_id,
    step: r.step,
    status: r.status,
    detail: r.detail,
    pid: r.pid,
    at: r.at,
  }));
}

export interface JournalState {
  rebuildId: string;
  plan: RebuildPlan | null;
  done: Set<string>;
  /** Finished or undone: nothing left to do. */
  closed: boolean;
  swapped: boolean;
  lastStep: string;
  lastStatus: JournalStatus;
  events: JournalEvent[];
}

export function journalState(events: JournalEvent[]): JournalState | null {
  if (events.length === 0) return null;
  const done = new Set(events.filter((e) => e.status === 'done').map((e) => e.step));
  const begin = events.find((e) => e.step === 'begin');
  const last = events[events.length - 1]!;
  return {
    rebuildId: last.rebuildId,
    plan: (begin?.detail as unknown as RebuildPlan | undefined) ?? null,
    done,
    closed: events.some((e) => e.status === 'finished' || e.status === 'undone'),
    swapped: done.has('swap'),
    lastStep: last.step,
    lastStatus: last.status,
    events,
  };
}
