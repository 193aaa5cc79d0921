import type { TableRef } from '../sql.js';

/** Names of everything a rebuild creates next to "UserSession" (all in the same schema). */
export interface RebuildNames {
  schema: string;
  /** The live table's name ("UserSession"). */
  table: string;
  newTable: string;
  log: string;
  logPending: string;
  /** The copy's ledger: (id, row hash) of every row the copy wrote, for the verification. */
  copied: string;
  func: string;
  trigger: string;
  journal: string;
}

export const JOURNAL_TABLE = 'hatchet_sessions_rebuild_journal';
export const BACKUP_PREFIX = (table: string) => `${table}_before_rebuild_`;

export function rebuildNames(table: TableRef): RebuildNames {
  return {
    schema: table.schema,
    table: table.name,
    newTable: `${table.name}_rebuild_new`,
    log: `${table.name}_rebuild_log`,
    logPending: `${table.name}_rebuild_log_pending`,
    copied: `${table.name}_rebuild_copied`,
    func: `${table.name}_rebuild_capture`,
    trigger: `${table.name}_rebuild_capture`,
    journal: JOURNAL_TABLE,
  };
}

/** "UserSession_before_rebuild_20260101T120000Z" for a time. */
export function backupName(table: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${BACKUP_PREFIX(table)}${stamp}`;
}

/** PostgreSQL truncates names to 63 bytes; we never let it do so silently. */
export function fitName(name: string, fallback: string): string {
  return Buffer.byteLength(name) <= 63 ? name : fallback;
}

/** A string literal, for the DDL that takes no parameter (COMMENT ON); the template engine is sql() in src/sql.ts. */
export { quoteLiteral as literal } from '../sql.js';

const PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN']);

export function checkedPrivilege(p: string): string {
  if (!PRIVILEGES.has(p)) throw new Error(`unexpected privilege "${p}"`);
  return p;
}

/** "fillfactor=90" style storage parameters, checked, as the text of a SET (...) list. */
export function reloptionsText(heap: string[], toast: string[]): string {
  const all = [...heap, ...toast.map((o) => `toast.${o}`)];
  for (const o of all) {
    if (!/^[a-z_.]+=[A-Za-z0-9_.-]+$/.test(o)) throw new Error(`unexpected storage parameter "${o}"`);
  }
  return all.join(', ');
}
