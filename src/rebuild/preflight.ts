import type pg from 'pg';
import { inspect } from '../inspect.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { readSizes } from '../status.js';
import { sql, type TableRef } from '../sql.js';
import { readDefinition, type TableDefinition } from './definition.js';
import { rebuildNames, BACKUP_PREFIX, type RebuildNames } from './names.js';
import { detectLeftovers, type Leftovers } from './leftovers.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  id: string;
  label: string;
  status: CheckStatus;
  detail: string;
}

export interface LongTransaction {
  pid: number;
  ageSeconds: number;
  state: string | null;
  user: string | null;
  application: string | null;
  query: string | null;
}

export interface Preflight {
  checks: Check[];
  ok: boolean;
  definition: TableDefinition | null;
  leftovers: Leftovers;
  keptRows: number;
  totalRows: number;
  bytesBefore: number;
  estimatedBytes: number;
  longTransactions: LongTransaction[];
  backups: Array<{ name: string; bytes: number }>;
}

export const LONG_TRANSACTION_SECONDS = 30;

export async function readLongTransactions(
  db: pg.ClientBase | pg.Pool,
  names: RebuildNames,
  seconds = LONG_TRANSACTION_SECONDS,
): Promise<LongTransaction[]> {
  const { rows } = await db.query(sql('rebuild/long_transactions', names), [seconds]);
  return rows.map((r) => ({
    pid: r.pid,
    ageSeconds: r.age_seconds,
    state: r.state,
    user: r.usename,
    application: r.application_name,
    query: r.query,
  }));
}

export async function findBackups(
  db: pg.ClientBase | pg.Pool,
  names: RebuildNames,
): Promise<Array<{ name: string; oid: number; bytes: number }>> {
  const { rows } = await db.query(sql('rebuild/find_backups', names), [names.schema, BACKUP_PREFIX(names.table)]);
  return rows.map((r) => ({ name: r.name, oid: Number(r.oid), bytes: Number(r.bytes) }));
}

/** The read-only checklist before a rebuild. `ok` is false when any check fails. */
export async function preflight(db: pg.ClientBase | pg.Pool, table: TableRef): Promise<Preflight> {
  const names = rebuildNames(table);
  const checks: Check[] = [];
  const add = (id: string, label: string, status: CheckStatus, detail: string) =>
    checks.push({ id, label, status, detail });
  const ins = await inspect(db as pg.Pool, table);

  add(
    'server',
    'server version',
    ins.serverVersionNum >= 140000 ? 'pass' : 'fail',
    ins.serverVersionNum >= 140000
      ? `PostgreSQL ${ins.serverVersion}`
      : `PostgreSQL ${ins.serverVersion}: the rebuild needs 14 or newer (TID range scans)`,
  );
  add(
    'writable',
    'primary, writable',
    ins.readOnly ? 'fail' : 'pass',
    ins.readOnly ? (ins.writeBlockers[0] ?? 'read-only') : 'writes allowed',
  );
  add(
    'owner',
    'role owns the table',
    ins.isOwner ? 'pass' : 'fail',
    ins.isOwner
      ? `"${ins.role}" may act as owner "${ins.tableOwner}"`
      : `"${ins.role}" is not the owner ("${ins.tableOwner}"): connect as "${ins.tableOwner}" or GRANT "${ins.tableOwner}" TO "${ins.role}"`,
  );

  const leftovers = await detectLeftovers(db, table);
  if (leftovers.runningPid !== null) {
    add(
      'running',
      'no other rebuild',
      'fail',
      `another rebuild is running (backend pid ${leftovers.runningPid}); wait for it or stop it`,
    );
  } else add('running', 'no other rebuild', 'pass', 'the rebuild lock is free');
  add(
    'leftovers',
    'no unfinished rebuild',
    leftovers.found && leftovers.runningPid === null ? 'fail' : 'pass',
    leftovers.found && leftovers.runningPid === null
      ? `${leftovers.summary}: run "hatchet-sessions recover"`
      : 'nothing left by an earlier rebuild',
  );

  const definition = await readDefinition(db, names);
  let dependents: Array<{ kind: string; name: string }> = [];
  if (definition) {
    const { rows } = await db.query(sql('rebuild/dependents', names), [definition.oid, names.trigger]);
    dependents = rows;
  }
  add(
    'dependents',
    'nothing depends on the table',
    dependents.length ? 'fail' : 'pass',
    dependents.length
      ? `refusing: ${dependents.map((d) => `${d.kind} ${d.name}`).join(', ')} would keep pointing at the old table`
      : 'no views, rules, other triggers, policies, publications or foreign keys from other tables',
  );
  const shape: string[] = [];
  if (definition) {
    if (definition.kind !== 'r') shape.push('a partitioned table');
    if (definition.inherits) shape.push('part of an inheritance tree');
    if (definition.persistence !== 'p') shape.push('not a permanent (logged) table');
    if (definition.constraints.some((c) => c.type === 'x')) shape.push('has an exclusion constraint');
    if (definition.constraints.some((c) => c.type === 't')) shape.push('has a constraint trigger');
  }
  add(
    'shape',
    'plain table',
    shape.length ? 'fail' : 'pass',
    shape.length ? `refusing: the table is ${shape.join(', ')}` : 'a plain logged table',
  );
  const notes: string[] = [];
  if (definition?.columnGrants) notes.push('column-level grants are not copied');
  if (definition?.ownTablespace) notes.push('the new table goes to the default tablespace');
  if (definition?.indexes.some((i) => !i.valid))
    notes.push(
      `invalid index ${definition.indexes
        .filter((i) => !i.valid)
        .map((i) => `"${i.name}"`)
        .join(', ')} will be built valid`,
    );
  if (notes.length) add('copy', 'everything is copied', 'warn', notes.join('; '));

  const longTransactions = await readLongTransactions(db, names);
  add(
    'transactions',
    'no long transactions',
    longTransactions.length ? 'warn' : 'pass',
    longTransactions.length
      ? `${longTransactions.length} open longer than ${LONG_TRANSACTION_SECONDS}s; the swap waits for them (retrying, never queueing): ` +
          longTransactions
            .slice(0, 5)
            .map((t) => `pid ${t.pid} ${formatDuration(t.ageSeconds * 1000)} ${t.state ?? ''} "${t.query ?? ''}"`)
            .join('; ')
      : `none open longer than ${LONG_TRANSACTION_SECONDS}s`,
  );

  const sizes = await readSizes(db as pg.Pool, table);
  const est = (await db.query(sql('rebuild/estimate', names))).rows[0];
  const keptRows = Number(est.kept);
  const totalRows = Number(est.total);
  const tuple = Number(est.avg_width) + 28; // header and line pointer
  const heapBytes = Math.ceil((keptRows * tuple) / 8000) * 8192;
  const indexBytes = (definition?.indexes.length ?? 0) * Math.ceil((keptRows * 32) / 7000) * 8192;
  const estimatedBytes = heapBytes + indexBytes + 8192 * 4;
  add(
    'rows',
    'rows to keep',
    'pass',
    `${formatCount(keptRows)} of ${formatCount(totalRows)} rows kept; the table is ${formatBytes(sizes.totalBytes)} now, about ${formatBytes(estimatedBytes)} after`,
  );
  add(
    'disk',
    'free disk',
    'warn',
    `the rebuild needs about ${formatBytes(estimatedBytes * 2)} free on the database server (the new table and its WAL) while the old one stays as the backup; the old ${formatBytes(sizes.totalBytes)} come back only when the backup is dropped`,
  );
  const backups = await findBackups(db, names);
  if (backups.length) {
    add(
      'backups',
      'earlier backups',
      'warn',
      `${backups.map((b) => `"${b.name}" ${formatBytes(b.bytes)}`).join(', ')} still on disk: "hatchet-sessions rebuild --drop-backup --yes" gives it back`,
    );
  }
  return {
    checks,
    ok: !checks.some((c) => c.status === 'fail'),
    definition,
    leftovers,
    keptRows,
    totalRows,
    bytesBefore: sizes.totalBytes,
    estimatedBytes,
    longTransactions,
    backups,
  };
}

export function checklistText(p: Preflight): string {
  const mark = { pass: '[ok]  ', warn: '[warn]', fail: '[FAIL]' };
  return p.checks.map((c) => `${mark[c.status]} ${c.label}: ${c.detail}`).join('\n');
}
