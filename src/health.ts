import type { Inspection } from './inspect.js';
import type { Counts, Sizes } from './status.js';

export interface HealthFlag {
  level: 'warn' | 'bad' | 'info';
  text: string;
}

/** Anonymous sessions per hour above which the old leak (one session per API call) is still running. */
export const LEAK_PER_HOUR = 300;

/** Space estimates from exact counts and catalog sizes: what a drain frees for reuse, what a rebuild returns. */
export function spaceEstimate(counts: Counts, sizes: Sizes): { drainReusable: number; rebuildReturns: number } {
  const tuples = Math.max(1, counts.total + sizes.deadTuples);
  const drainReusable = Math.round((sizes.totalBytes * counts.deletable) / tuples);
  const afterRebuild = Math.round((sizes.totalBytes * counts.kept) / tuples);
  return { drainReusable, rebuildReturns: Math.max(0, sizes.totalBytes - afterRebuild) };
}

/** Health flags with one line of advice each, most important first. */
export function healthFlags(inspection: Inspection, counts?: Counts): HealthFlag[] {
  const flags: HealthFlag[] = [];
  if (inspection.unfinishedRebuild) {
    flags.push({
      level: 'bad',
      text: `unfinished rebuild (${inspection.unfinishedRebuild}): press b to finish or undo it, or run "hatchet-sessions recover".`,
    });
  }
  if (inspection.inRecovery)
    flags.push({
      level: 'bad',
      text: 'read-only replica: only inspection is possible. Connect to the primary to clean up.',
    });
  else if (inspection.readOnly) flags.push({ level: 'info', text: 'read-only mode: nothing will be written.' });
  if (!inspection.canDelete && !inspection.inRecovery) {
    flags.push({
      level: 'bad',
      text: `role "${inspection.role}" cannot delete sessions: GRANT DELETE ON "UserSession" TO "${inspection.role}".`,
    });
  }
  if (inspection.createdAtIndex === 'missing') {
    flags.push({
      level: 'warn',
      text: `Hatchet's createdAt index is missing: its hourly cleanup will time out on a big table. Create it.`,
    });
  } else if (inspection.createdAtIndex === 'invalid') {
    flags.push({
      level: 'bad',
      text: `Hatchet's createdAt index is INVALID (an interrupted build): drop and create it again.`,
    });
  }
  if (counts) {
    if (counts.anonymousLastHour > LEAK_PER_HOUR) {
      flags.push({
        level: 'bad',
        text: `${counts.anonymousLastHour.toLocaleString('en-US')} anonymous sessions in the last hour: the old leak still runs. Upgrade Hatchet.`,
      });
    }
    if (counts.total > 0 && counts.deletable / counts.total > 0.5) {
      flags.push({
        level: 'warn',
        text: `${Math.round((100 * counts.deletable) / counts.total)}% of the table is deletable: drain it, then rebuild to return the disk.`,
      });
    }
  }
  return flags;
}
