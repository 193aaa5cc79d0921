import { withTransaction } from '../../db.js';
import { dropCaptureObjects } from '../leftovers.js';
import { backlog } from '../replay.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** The capture function, the log and the copy's ledger removed (the trigger went with the swap). */
export const cleanup = defineStep({
  name: 'cleanup',
  label: 'remove trigger function, log and copy ledger',
  lock: 'our own objects only',
  files: ['rebuild/drop_table', 'rebuild/drop_function'],
  async run(ctx) {
    const { client, names } = ctx;
    const log = await client.query(sql('rebuild/relation_exists', names), [names.schema, names.log]);
    if (log.rows.length) ctx.stats.rowsCaptured = Math.max(ctx.stats.rowsCaptured, (await backlog(ctx)).captured);
    await withTransaction(client, async () => {
      await dropCaptureObjects(client, names);
      await ctx.journal('cleanup', 'done');
    });
  },
});
