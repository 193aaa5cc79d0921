import pg from 'pg';
import { qualified, quoteIdent, rawSql, type TableRef } from '../sql.js';

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
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${BACKUP_PREFIX(table)}${stamp}`;
}

/** PostgreSQL truncates names to 63 bytes; we never let it do so silently. */
export function fitName(name: string, fallback: string): string {
  return Buffer.byteLength(name) <= 63 ? name : fallback;
}

/**
 * A rebuild statement from sql/<name>.sql. Placeholders: {{table}} the live table (qualified), {{schema}},
 * {{rule}}, and the rebuild's own objects {{new}}, {{log}}, {{copied}}, {{func}}, {{journal}} (qualified), {{trigger}},
 * {{log_pending}}; `tables` adds qualified names ({{target}}, {{index}}), `idents` plain escaped identifiers,
 * `raw` text the caller has built from server-given definitions or checked against a whitelist.
 */
export function rsql(
  name: string,
  names: RebuildNames,
  extra: { tables?: Record<string, string>; idents?: Record<string, string>; raw?: Record<string, string> } = {},
): string {
  const q = (rel: string) => qualified({ schema: names.schema, name: rel });
  const values: Record<string, string> = {
    table: q(names.table),
    schema: quoteIdent(names.schema),
    rule: rawSql('rule').replace(/^--.*$/gm, '').trim(),
    new: q(names.newTable),
    log: q(names.log),
    copied: q(names.copied),
    func: q(names.func),
    journal: q(names.journal),
    trigger: quoteIdent(names.trigger),
    log_pending: quoteIdent(names.logPending),
  };
  for (const [k, v] of Object.entries(extra.tables ?? {})) values[k] = q(v);
  for (const [k, v] of Object.entries(extra.idents ?? {})) values[k] = quoteIdent(v);
  for (const [k, v] of Object.entries(extra.raw ?? {})) values[k] = v;
  return rawSql(name).replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`sql/${name}.sql: unknown placeholder ${whole}`);
    return value;
  });
}

export const literal = (text: string) => pg.escapeLiteral(text);

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
