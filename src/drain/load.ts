import type pg from 'pg';
import { rawSql } from '../sql.js';
import type { LoadSample, ThrottleSettings } from './throttle.js';

/** What the throttle controller reads of the server between batches: only what a limit is set for. */
export async function readLoad(
  c: pg.ClientBase,
  settings: Pick<ThrottleSettings, 'maxLagS' | 'maxActive'>,
): Promise<LoadSample> {
  const sample: LoadSample = { replicaLagS: null, activeBackends: null };
  if (settings.maxLagS !== null) {
    const row = (await c.query(rawSql('drain/replica_lag'))).rows[0];
    sample.replicaLagS = row.lag_s === null ? null : Number(row.lag_s);
  }
  if (settings.maxActive !== null)
    sample.activeBackends = Number((await c.query(rawSql('drain/active_backends'))).rows[0].active);
  return sample;
}
