import type { Config } from '../config.js';
import { formatBytes, formatCount, sparkline } from '../format.js';
import { readGrowth, type Bucket, type Growth } from '../growth.js';
import { openSession } from '../session.js';
import { writeJson, writeLine } from './shell.js';

const total = (b: Bucket) => b.anonymous + b.authenticated;

export function growthText(g: Growth): string {
  const series = (label: string, buckets: Bucket[]) => [
    `${label} (${buckets.length} buckets, oldest first; · = none)`,
    `  all            ${sparkline(buckets.map(total))}  max ${formatCount(Math.max(0, ...buckets.map(total)))}`,
    `  anonymous      ${sparkline(buckets.map((b) => b.anonymous))}`,
    `  authenticated  ${sparkline(buckets.map((b) => b.authenticated))}`,
  ];
  return [
    ...series('Created per hour, last 48 h', g.hourly),
    '',
    ...series('Created per day, last 30 days', g.daily),
    '',
    `Rate now: ${formatCount(g.perHourNow)}/h (${formatCount(g.anonymousPerHourNow)} anonymous); 24 h ago: ${formatCount(g.perHour24hAgo)}/h`,
    `Projected at this rate: ${formatCount(g.projectedRowsPerDay)} rows/day, ${formatBytes(g.projectedBytesPerDay)}/day (${formatCount(g.bytesPerRow)} bytes per row)`,
  ].join('\n');
}

/** The JSON `growth --json` prints: buckets with ISO start times. */
export function growthJson(g: Growth) {
  const buckets = (list: Bucket[]) =>
    list.map((b) => ({ start: b.start.toISOString(), anonymous: b.anonymous, authenticated: b.authenticated }));
  return { ...g, hourly: buckets(g.hourly), daily: buckets(g.daily), asOf: g.asOf.toISOString() };
}

export async function runGrowth(config: Config): Promise<number> {
  const session = await openSession(config);
  try {
    const growth = await readGrowth(session.pool, session.table);
    if (config.json) writeJson(growthJson(growth));
    else writeLine(growthText(growth));
    return 0;
  } finally {
    await session.close();
  }
}
