import { sql } from '../../sql.js';
import { withLockRetry } from '../lock.js';
import { defineStep } from './step.js';

/** Fresh planner statistics for the rebuilt table. */
export const analyze = defineStep({
  name: 'analyze',
  label: 'ANALYZE',
  lock: 'SHARE UPDATE EXCLUSIVE on "UserSession" (reads and writes go on)',
  files: ['table/analyze'],
  async run(ctx) {
    await withLockRetry(ctx, 'analyze', async () => {
      await ctx.client.query(sql('table/analyze', { schema: ctx.names.schema, name: ctx.names.table }));
    });
    await ctx.journal('analyze', 'done');
  },
});
