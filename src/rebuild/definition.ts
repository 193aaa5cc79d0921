import type pg from 'pg';
import type { RebuildNames } from './names.js';
import { sql } from '../sql.js';

type Db = pg.ClientBase | pg.Pool;

export interface IndexDef {
  name: string;
  /** pg_get_indexdef as the server gives it. */
  definition: string;
  /** The definition from "USING" on: the same index on any table. */
  tail: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  constraintName: string | null;
  constraintType: 'p' | 'u' | 'x' | null;
  deferrable: boolean;
  deferred: boolean;
}

export interface ConstraintDef {
  name: string;
  /** p primary key, u unique, f foreign key, c check, x exclusion, t trigger. */
  type: string;
  definition: string;
  validated: boolean;
}

export interface Grant {
  grantee: string | null;
  privilege: string;
  grantable: boolean;
}

/** What the new table must reproduce of the old one. */
export interface TableDefinition {
  oid: number;
  kind: string;
  owner: string;
  isOwner: boolean;
  reloptions: string[];
  toastReloptions: string[];
  comment: string | null;
  persistence: string;
  rowSecurity: boolean;
  inherits: boolean;
  ownTablespace: boolean;
  grants: Grant[];
  columnGrants: number;
  indexes: IndexDef[];
  constraints: ConstraintDef[];
}

export async function readIndexes(db: Db, names: RebuildNames, table: string): Promise<IndexDef[]> {
  const { rows } = await db.query(sql('rebuild/indexes', names), [names.schema, table]);
  return rows.map((r) => {
    const definition: string = r.definition;
    if (!definition.startsWith(r.head)) throw new Error(`index "${r.name}": unexpected definition "${definition}"`);
    return {
      name: r.name,
      definition,
      tail: definition.slice(r.head.length),
      unique: r.is_unique,
      primary: r.is_primary,
      valid: r.is_valid,
      constraintName: r.constraint_name,
      constraintType: r.constraint_type,
      deferrable: r.deferrable,
      deferred: r.deferred,
    };
  });
}

export async function readConstraints(db: Db, names: RebuildNames, table: string): Promise<ConstraintDef[]> {
  const { rows } = await db.query(sql('rebuild/constraints', names), [names.schema, table]);
  return rows.map((r) => ({ name: r.name, type: r.type, definition: r.definition, validated: r.validated }));
}

export async function readDefinition(
  db: Db,
  names: RebuildNames,
  table = names.table,
): Promise<TableDefinition | null> {
  const { rows } = await db.query(sql('rebuild/table_info', names), [names.schema, table]);
  const r = rows[0];
  if (!r) return null;
  return {
    oid: Number(r.oid),
    kind: r.kind,
    owner: r.owner,
    isOwner: r.is_owner,
    reloptions: r.reloptions,
    toastReloptions: r.toast_reloptions,
    comment: r.comment,
    persistence: r.persistence,
    rowSecurity: r.row_security,
    inherits: r.inherits,
    ownTablespace: r.own_tablespace,
    grants: r.grants ?? [],
    columnGrants: r.column_grants,
    indexes: await readIndexes(db, names, table),
    constraints: await readConstraints(db, names, table),
  };
}

/** Differences between two tables' indexes and constraints, name for name; empty when equal. */
export function compareDefinitions(
  before: Pick<TableDefinition, 'indexes' | 'constraints'>,
  after: Pick<TableDefinition, 'indexes' | 'constraints'>,
): string[] {
  const problems: string[] = [];
  const idx = (d: IndexDef) =>
    `${d.unique ? 'UNIQUE ' : ''}${d.tail}${d.primary ? ' PRIMARY' : ''}${d.constraintName ? ` constraint ${d.constraintName}` : ''}`;
  const byName = <T extends { name: string }>(list: T[]) => new Map(list.map((x) => [x.name, x]));
  const a = byName(before.indexes);
  const b = byName(after.indexes);
  for (const [name, d] of a) {
    const e = b.get(name);
    if (!e) problems.push(`index "${name}" is missing`);
    else if (idx(d) !== idx(e)) problems.push(`index "${name}" differs: "${idx(d)}" became "${idx(e)}"`);
  }
  for (const name of b.keys()) if (!a.has(name)) problems.push(`index "${name}" is new`);
  const ca = byName(before.constraints);
  const cb = byName(after.constraints);
  for (const [name, d] of ca) {
    const e = cb.get(name);
    if (!e) problems.push(`constraint "${name}" is missing`);
    else if (d.type !== e.type || d.definition !== e.definition)
      problems.push(`constraint "${name}" differs: "${d.definition}" became "${e.definition}"`);
    else if (d.validated && !e.validated) problems.push(`constraint "${name}" is not validated`);
  }
  for (const name of cb.keys()) if (!ca.has(name)) problems.push(`constraint "${name}" is new`);
  return problems;
}
