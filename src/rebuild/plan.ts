import { rawSql, type SqlName } from '../sql.js';
import { backupName, fitName, type RebuildNames } from './names.js';
import type { TableDefinition } from './definition.js';

/** Everything a rebuild decides up front; stored in the journal so recovery can finish it. */
export interface RebuildPlan {
  rebuildId: string;
  startedAt: string;
  backupTable: string;
  /** The old table's definition when the rebuild began. */
  definition: TableDefinition;
  /** Original index name -> its temporary name on the new table. */
  tempIndex: Record<string, string>;
  /** Original index name -> its name on the backup. */
  backupIndex: Record<string, string>;
  /** Original constraint name (primary key, unique, foreign key) -> its name on the backup. */
  backupConstraint: Record<string, string>;
}

export const STEPS = [
  'create_table',
  'capture',
  'copy',
  'indexes',
  'replay',
  'verify',
  'swap',
  'validate',
  'analyze',
  'verify_schema',
  'cleanup',
] as const;
export type StepName = (typeof STEPS)[number];

export const STEP_LABELS: Record<StepName, string> = {
  create_table: 'create the new table',
  capture: 'capture writes (trigger into a log)',
  copy: 'copy the rows the rule keeps',
  indexes: 'build the indexes',
  replay: 'replay captured writes',
  verify: 'verify rows',
  swap: 'swap (short lock)',
  validate: 'validate the foreign key',
  analyze: 'ANALYZE',
  verify_schema: 'verify indexes and constraints',
  cleanup: 'remove trigger function, log and copy ledger',
};

export function makePlan(names: RebuildNames, definition: TableDefinition, now: Date): RebuildPlan {
  const backupTable = backupName(names.table, now);
  const tempIndex: Record<string, string> = {};
  const backupIndex: Record<string, string> = {};
  const backupConstraint: Record<string, string> = {};
  const suffix = (name: string) => (name.startsWith(`${names.table}_`) ? name.slice(names.table.length + 1) : name);
  definition.indexes.forEach((ix, k) => {
    tempIndex[ix.name] = `${names.newTable}_i${k + 1}`;
    backupIndex[ix.name] = fitName(`${backupTable}_${suffix(ix.name)}`, `${backupTable}_i${k + 1}`);
  });
  definition.constraints
    .filter((c) => ['p', 'u', 'f'].includes(c.type))
    .forEach((c, k) => {
      backupConstraint[c.name] = backupIndex[c.name] ?? fitName(`${backupTable}_${suffix(c.name)}`, `${backupTable}_c${k + 1}`);
    });
  const rebuildId = `${now.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
  return { rebuildId, startedAt: now.toISOString(), backupTable, definition, tempIndex, backupIndex, backupConstraint };
}

export interface PlanStep {
  step: StepName;
  label: string;
  lock: string;
  /** The sql/ files the step runs, in order. */
  files: SqlName[];
}

export const PLAN_STEPS: PlanStep[] = [
  {
    step: 'create_table',
    label: STEP_LABELS.create_table,
    lock: 'ACCESS SHARE on "UserSession" (catalog read only)',
    files: ['rebuild/journal_create', 'rebuild/create_table', 'rebuild/set_reloptions', 'rebuild/autovacuum_off', 'rebuild/set_owner', 'rebuild/grant', 'rebuild/comment_table'],
  },
  {
    step: 'capture',
    label: STEP_LABELS.capture,
    lock: 'SHARE ROW EXCLUSIVE on "UserSession", lock_timeout 100 ms, retried (waits only for writes in flight)',
    files: ['rebuild/log_create', 'rebuild/log_index', 'rebuild/capture_function', 'rebuild/capture_trigger', 'rebuild/autovacuum_blockers', 'rebuild/cancel_autovacuum'],
  },
  {
    step: 'copy',
    label: STEP_LABELS.copy,
    lock: 'ACCESS SHARE on "UserSession" (reads and writes go on); one snapshot, batches of blocks',
    files: ['rebuild/blocks', 'rebuild/copied_create', 'rebuild/copy_batch'],
  },
  {
    step: 'indexes',
    label: STEP_LABELS.indexes,
    lock: 'new table only',
    files: ['rebuild/create_index', 'rebuild/add_primary_key', 'rebuild/add_unique'],
  },
  {
    step: 'replay',
    label: STEP_LABELS.replay,
    lock: 'ACCESS SHARE on "UserSession"; new table and log only',
    files: ['rebuild/replay_claim', 'rebuild/replay_delete', 'rebuild/replay_insert', 'rebuild/backlog'],
  },
  {
    step: 'verify',
    label: STEP_LABELS.verify,
    lock: 'none on "UserSession" (one read-only snapshot of the new table, the log and the copy\'s ledger)',
    files: ['rebuild/verify_rows'],
  },
  {
    step: 'swap',
    label: STEP_LABELS.swap,
    lock: 'ACCESS EXCLUSIVE on "UserSession" for milliseconds, lock_timeout 100 ms retried with backoff; SHARE ROW EXCLUSIVE on "User" while the foreign key is added NOT VALID',
    files: [
      'session/set_local',
      'rebuild/lock_tables',
      'rebuild/autovacuum_blockers',
      'rebuild/cancel_autovacuum',
      'rebuild/replay_claim',
      'rebuild/replay_delete',
      'rebuild/replay_insert',
      'rebuild/drop_trigger',
      'rebuild/reset_reloptions',
      'rebuild/set_reloptions',
      'rebuild/rename_constraint',
      'rebuild/rename_index',
      'rebuild/rename_table',
      'rebuild/add_foreign_key',
      'rebuild/journal_write',
    ],
  },
  {
    step: 'validate',
    label: STEP_LABELS.validate,
    lock: 'SHARE UPDATE EXCLUSIVE on "UserSession", ROW SHARE on "User" (reads and writes go on)',
    files: ['rebuild/validate_constraint'],
  },
  { step: 'analyze', label: STEP_LABELS.analyze, lock: 'SHARE UPDATE EXCLUSIVE on "UserSession" (reads and writes go on)', files: ['table/analyze'] },
  { step: 'verify_schema', label: STEP_LABELS.verify_schema, lock: 'none (catalog reads)', files: ['rebuild/indexes', 'rebuild/constraints'] },
  { step: 'cleanup', label: STEP_LABELS.cleanup, lock: 'our own objects only', files: ['rebuild/drop_table', 'rebuild/drop_function'] },
];

/** The plan as text: each step, its lock and its SQL (the files as they are, placeholders unfilled). */
export function planText(plan?: RebuildPlan): string {
  const lines: string[] = [];
  if (plan) lines.push(`Backup table: "${plan.backupTable}"`, '');
  PLAN_STEPS.forEach((s, k) => {
    lines.push(`${k + 1}. ${s.label}`, `   lock: ${s.lock}`);
    for (const f of s.files) {
      lines.push(`   -- sql/${f}.sql`);
      for (const l of rawSql(f).split('\n')) if (!l.startsWith('--')) lines.push(`   ${l}`);
    }
    lines.push('');
  });
  return lines.join('\n');
}
