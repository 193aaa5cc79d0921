import type pg from 'pg';
import { EXIT, ToolError } from './errors.js';
import { sql, type TableRef } from './sql.js';
import { detectLeftovers } from './rebuild/leftovers.js';

export const CREATED_AT_INDEX = 'ix_user_session_cre_at_exp_at';

export interface Column {
  name: string;
  type: string;
  notNull: boolean;
}

export interface Inspection {
  serverVersion: string;
  serverVersionNum: number;
  database: string;
  role: string;
  /** A streaming replica (pg_is_in_recovery). */
  inRecovery: boolean;
  /** Nothing may be written: a replica, or default_transaction_read_only (for instance --read-only). */
  readOnly: boolean;
  tableOwner: string;
  isOwner: boolean;
  canDelete: boolean;
  createdAtIndex: 'valid' | 'invalid' | 'missing';
  /** Hatchet's latest applied migration from goose_db_version, when that table exists. */
  hatchetMigration: string | null;
  /** Why writes are not offered, in words; empty when they are. */
  writeBlockers: string[];
  /** An interrupted rebuild found in the journal or as leftover objects, in words; null when there is none. */
  unfinishedRebuild: string | null;
}

// What Hatchet's first migration creates. Timestamps may be of any precision; the rest must match.
const EXPECTED: Array<{ name: string; type: RegExp; label: string; notNull?: boolean }> = [
  { name: 'id', type: /^uuid$/, label: 'uuid', notNull: true },
  { name: 'createdAt', type: /^timestamp(\(\d\))? without time zone$/, label: 'timestamp(3)', notNull: true },
  { name: 'updatedAt', type: /^timestamp(\(\d\))? without time zone$/, label: 'timestamp(3)', notNull: true },
  { name: 'userId', type: /^uuid$/, label: 'uuid' },
  { name: 'data', type: /^jsonb$/, label: 'jsonb' },
  { name: 'expiresAt', type: /^timestamp(\(\d\))? without time zone$/, label: 'timestamp(3)', notNull: true },
];

/** Differences between the table's columns and Hatchet's, in words; empty when it matches. */
export function shapeProblems(columns: Column[]): string[] {
  const problems: string[] = [];
  for (const want of EXPECTED) {
    const have = columns.find((c) => c.name === want.name);
    if (!have) problems.push(`column "${want.name}" is missing`);
    else if (!want.type.test(have.type)) problems.push(`column "${want.name}" is ${have.type}, expected ${want.label}`);
    else if (want.notNull && !have.notNull) problems.push(`column "${want.name}" allows NULL, expected NOT NULL`);
  }
  return problems;
}

/** Check the server and the table; refuse (exit 4) when the table is missing or not Hatchet's shape. */
export async function inspect(pool: pg.Pool | pg.Client, table: TableRef): Promise<Inspection> {
  const server = (await pool.query(sql('inspect/server', table))).rows[0];
  const where = `${table.schema}.${table.name}`;
  const found = (await pool.query(sql('inspect/table', table), [table.schema, table.name])).rows[0];
  if (!found) {
    throw new ToolError(
      `table "${where}" not found in database "${server.database_name}". Check the database name and --schema (Hatchet uses public).`,
      EXIT.table,
    );
  }
  if (!['r', 'p'].includes(found.kind)) {
    throw new ToolError(
      `"${where}" is not a table (relkind ${found.kind}). Point the tool at Hatchet's database.`,
      EXIT.table,
    );
  }
  const problems = shapeProblems(found.columns ?? []);
  if (problems.length > 0) {
    throw new ToolError(`table "${where}" is not Hatchet's session table: ${problems.join('; ')}.`, EXIT.table);
  }
  if (!found.can_select) {
    throw new ToolError(
      `role "${server.role_name}" may not read "${where}". Grant it: GRANT SELECT ON "${table.name}" TO "${server.role_name}".`,
      EXIT.table,
    );
  }
  const index = (await pool.query(sql('inspect/index', table), [table.schema, CREATED_AT_INDEX])).rows[0];
  let hatchetMigration: string | null = null;
  if ((await pool.query(sql('inspect/goose_exists', table), [table.schema])).rows[0].present) {
    try {
      hatchetMigration = (await pool.query(sql('inspect/goose_latest', table))).rows[0]?.version ?? null;
    } catch {
      hatchetMigration = null; // unreadable for this role: not worth refusing over
    }
  }
  const readOnly = server.in_recovery || server.read_only_session;
  const writeBlockers: string[] = [];
  if (server.in_recovery) writeBlockers.push('the server is a read-only replica: connect to the primary');
  else if (server.read_only_session)
    writeBlockers.push('connections are read-only (--read-only or default_transaction_read_only)');
  if (!found.can_delete) {
    writeBlockers.push(
      `role "${server.role_name}" may not delete: GRANT DELETE ON "${table.name}" TO "${server.role_name}"`,
    );
  }
  // A rebuild killed half-way is found at every start, so the operator is offered to finish or undo it.
  const leftovers = await detectLeftovers(pool, table).catch(() => null);
  const unfinishedRebuild = leftovers?.found && leftovers.runningPid === null ? leftovers.summary : null;
  return {
    serverVersion: server.server_version,
    serverVersionNum: server.server_version_num,
    database: server.database_name,
    role: server.role_name,
    inRecovery: server.in_recovery,
    readOnly,
    tableOwner: found.owner,
    isOwner: found.is_owner,
    canDelete: found.can_delete,
    createdAtIndex: index ? (index.valid ? 'valid' : 'invalid') : 'missing',
    hatchetMigration,
    writeBlockers,
    unfinishedRebuild,
  };
}
