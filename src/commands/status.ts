import type { Config } from '../config.js';
import { formatAgo, formatBytes, formatCount, formatPercent } from '../format.js';
import { openSession, type Session } from '../session.js';
import { exactStatus, statusReport } from '../status.js';
import { writeJson, writeLine } from './shell.js';

type Report = ReturnType<typeof statusReport>;

export function statusText(
  session: Pick<Session, 'description' | 'demo'>,
  report: Report,
  lastVacuum: Date | null,
): string {
  const row = (label: string, value: string, share = '') => `  ${label.padEnd(16)}${value.padStart(14)}  ${share}`;
  const asOf = new Date(report.asOf);
  return [
    `${session.demo ? 'DEMO DATABASE ' : ''}${session.description}  PostgreSQL ${report.serverVersion}${report.inRecovery ? '  read-only replica' : report.readOnly ? '  read-only' : ''}`,
    ...(report.inRecovery
      ? ['A read-only replica: only inspection is possible. Connect to the primary to drain, schedule or rebuild.']
      : []),
    ...(report.unfinishedRebuild
      ? [
          `UNFINISHED REBUILD: ${report.unfinishedRebuild}. Run "hatchet-sessions recover" to finish it, or "recover --undo".`,
        ]
      : []),
    `Hatchet migration: ${report.hatchetMigration ?? 'unknown'}   createdAt index: ${report.createdAtIndex}   owner: ${report.ownsTable ? 'yes' : 'no'}   may delete: ${report.canDelete ? 'yes' : 'no'}`,
    '',
    `Sessions (exact, as of ${asOf.toISOString()}):`,
    row('total', formatCount(report.total)),
    row('anonymous', formatCount(report.anonymous), formatPercent(report.anonymous, report.total)),
    row('authenticated', formatCount(report.authenticated), formatPercent(report.authenticated, report.total)),
    row('expired', formatCount(report.expired), formatPercent(report.expired, report.total)),
    row('deletable', formatCount(report.deletable), formatPercent(report.deletable, report.total)),
    row('kept', formatCount(report.kept), formatPercent(report.kept, report.total)),
    row('created 1h', formatCount(report.createdLastHour)),
    row('created 24h', formatCount(report.createdLast24h)),
    '',
    'Size:',
    row('table', formatBytes(report.tableBytes)),
    row('indexes', formatBytes(report.indexBytes)),
    row('total', formatBytes(report.totalBytes)),
    row('dead tuples', formatCount(report.deadTuples)),
    row('last vacuum', formatAgo(lastVacuum, asOf)),
  ].join('\n');
}

export async function runStatus(config: Config): Promise<number> {
  const session = await openSession(config);
  try {
    const { counts, sizes } = await exactStatus(session.pool, session.table);
    const report = statusReport(session.inspection, counts, sizes);
    if (config.json) writeJson(report);
    else {
      const lastVacuum =
        [sizes.lastVacuum, sizes.lastAutovacuum].filter(Boolean).sort((a, b) => b!.getTime() - a!.getTime())[0] ?? null;
      writeLine(statusText(session, report, lastVacuum));
    }
    return 0;
  } finally {
    await session.close();
  }
}
