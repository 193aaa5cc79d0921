import { Cron } from 'croner';
import { parseDuration } from '../commands/flags.js';
import { usageError } from '../errors.js';

/** When runs happen: every fixed interval, or on a cron expression (evaluated in local time). */
export type ScheduleSpec = { kind: 'every'; everyMs: number } | { kind: 'cron'; expression: string; cron: Cron };

export const DEFAULT_EVERY_MS = 3_600_000;

export function parseSchedule(every: string | undefined, cron: string | undefined): ScheduleSpec {
  if (every !== undefined && cron !== undefined) throw usageError('give --every or --cron, not both.');
  if (cron !== undefined) {
    try {
      // paused: we only ask it for times; the loop runs the work itself.
      return { kind: 'cron', expression: cron, cron: new Cron(cron, { paused: true }) };
    } catch {
      // (the library's own words name its internals, not the fix)
      throw usageError(
        `--cron "${cron}" is not a cron expression: five fields, minute hour day-of-month month day-of-week, e.g. "5 * * * *" (five past every hour) or "0 3 * * *" (03:00 every day).`,
      );
    }
  }
  if (every === undefined) return { kind: 'every', everyMs: DEFAULT_EVERY_MS };
  const everyMs = parseDuration(every, 'every');
  if (everyMs < 1000) throw usageError('--every must be at least 1s.');
  return { kind: 'every', everyMs };
}

/**
 * The next run after `from` (the end of the previous run, or the start), plus a random delay in
 * [0, jitterMs) so that many instances do not all hit the database in the same second.
 */
export function nextRunAt(spec: ScheduleSpec, from: Date, jitterMs = 0, random: () => number = Math.random): Date {
  const base = spec.kind === 'every' ? new Date(from.getTime() + spec.everyMs) : spec.cron.nextRun(from);
  if (!base) throw new Error(`cron expression "${(spec as { expression: string }).expression}" has no next run`);
  return new Date(base.getTime() + Math.floor(jitterMs * random()));
}

export function describeSchedule(spec: ScheduleSpec): string {
  if (spec.kind === 'cron') return `cron "${spec.expression}"`;
  const s = spec.everyMs / 1000;
  return `every ${s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`}`;
}
