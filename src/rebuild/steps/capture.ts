import { withLockRetry } from '../lock.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** The log table and the trigger that writes every change of "UserSession" into it, from this commit on. */
export const capture = defineStep({
  name: 'capture',
  label: 'capture writes (trigger into a log)',
  lock: 'SHARE ROW EXCLUSIVE on "UserSession", lock_timeout 100 ms, retried (waits only for writes in flight)',
  files: [
    'rebuild/log_create',
    'rebuild/log_index',
    'rebuild/capture_function',
    'rebuild/capture_trigger',
    'rebuild/autovacuum_blockers',
    'rebuild/cancel_autovacuum',
  ],
  async run(ctx) {
    const { client, names } = ctx;
    await withLockRetry(ctx, 'capture', async () => {
      await client.query(sql('rebuild/log_create', names));
      await client.query(sql('rebuild/log_index', names));
      await client.query(sql('rebuild/capture_function', names));
      await client.query(sql('rebuild/capture_trigger', names));
      await ctx.hook('mid:capture');
      await ctx.journal('capture', 'done');
    });
  },
});
