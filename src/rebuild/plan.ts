import { rawSql } from '../sql.js';
import { backupName, fitName, type RebuildNames } from './names.js';
import type { TableDefinition } from './definition.js';
import { STEPS } from './steps/index.js';

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
      backupConstraint[c.name] =
        backupIndex[c.name] ?? fitName(`${backupTable}_${suffix(c.name)}`, `${backupTable}_c${k + 1}`);
    });
  const rebuildId = `${now.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
  return { rebuildId, startedAt: now.toISOString(), backupTable, definition, tempIndex, backupIndex, backupConstraint };
}

/** The plan as text: each step, its lock and its SQL (the files as they are, placeholders unfilled). */
export function planText(plan?: RebuildPlan): string {
  const lines: string[] = [];
  if (plan) lines.push(`Backup table: "${plan.backupTable}"`, '');
  STEPS.forEach((s, k) => {
    lines.push(`${k + 1}. ${s.label}`, `   lock: ${s.lock}`);
    for (const f of s.files) {
      lines.push(`   -- sql/${f}.sql`);
      for (const l of rawSql(f).split('\n')) if (!l.startsWith('--')) lines.push(`   ${l}`);
    }
    lines.push('');
  });
  return lines.join('\n');
}
