import { withLockRetry } from '../lock.js';
import { rsql } from '../names.js';
import { defineStep } from './step.js';

/** The log table and the trigger that writes every change of "UserSession" into it, from this commit on. */
export const capture = defineStep({
  name: 'capture',
  label: 'capture writes (trigger into a log)',
  lock: 'SHARE ROW EXCLUSIVE on "UserSession", lock_timeout 100 ms, retried (waits only for writes in flight)',
  files: ['rebuild_log_create', 'rebuild_log_index', 'rebuild_capture_function', 'rebuild_capture_trigger', 'rebuild_autovacuum_blockers', 'rebuild_cancel_autovacuum'],
  async run(ctx) {
    const { client, names } = ctx;
    await withLockRetry(ctx, 'capture', async () => {
      await client.query(rsql('rebuild_log_create', names));
      await client.query(rsql('rebuild_log_index', names));
      await client.query(rsql('rebuild_capture_function', names));
      await client.query(rsql('rebuild_capture_trigger', names));
      await ctx.hook('mid:capture');
      await ctx.journal('capture', 'done');
    });
  },
});
