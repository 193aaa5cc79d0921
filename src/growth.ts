import type pg from 'pg';
import { sql, type TableRef } from './sql.js';
import { readSizes } from './status.js';
import { withTransaction } from './db.js';

export interface Bucket {
  /** Start of the hour or day, in the server's time zone (as "createdAt" is stored). */
  start: Date;
  anonymous: number;
  authenticated: number;
}

export interface Growth {
  hourly: Bucket[];
  daily: Bucket[];
  /** Sessions created in the last 60 minutes. */
  perHourNow: number;
  anonymousPerHourNow: number;
  /** Sessions created in the same hour a day ago. */
  perHour24hAgo: number;
  projectedRowsPerDay: number;
  projectedBytesPerDay: number;
  /** Average bytes per row (table + indexes), from the catalog. */
  bytesPerRow: number;
  asOf: Date;
}

const bucket = (row: Record<string, unknown>): Bucket => ({
  start: row.bucket as Date,
  anonymous: Number(row.anonymous),
  authenticated: Number(row.authenticated),
});

/** The growth view's figures. Reads the last 30 days of "createdAt": on demand, under its own timeout. */
export async function readGrowth(pool: pg.Pool, table: TableRef, timeoutMs = 30_000): Promise<Growth> {
  const { hourly, daily, rates, sizes } = await withTransaction(
    pool,
    async (client) => ({
      hourly: (await client.query(sql('inspect/growth_hourly', table))).rows.map(bucket),
      daily: (await client.query(sql('inspect/growth_daily', table))).rows.map(bucket),
      rates: (await client.query(sql('inspect/growth_rates', table))).rows[0],
      sizes: await readSizes(client, table),
    }),
    { isolation: 'repeatable read', readOnly: true, statementTimeoutMs: timeoutMs },
  );
  const perHourNow = Number(rates.last_hour);
  const rows = Math.max(1, sizes.liveTuples + sizes.deadTuples, sizes.estimatedRows);
  const bytesPerRow = sizes.totalBytes / rows;
  return {
    hourly,
    daily,
    perHourNow,
    anonymousPerHourNow: Number(rates.last_hour_anonymous),
    perHour24hAgo: Number(rates.day_ago_hour),
    projectedRowsPerDay: perHourNow * 24,
    projectedBytesPerDay: Math.round(perHourNow * 24 * bytesPerRow),
    bytesPerRow: Math.round(bytesPerRow),
    asOf: rates.as_of,
  };
}
