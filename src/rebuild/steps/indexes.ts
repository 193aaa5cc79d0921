import { withTransaction } from '../../db.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** Every index of the original on the new table, under temporary names, with its primary key and unique constraints. */
export const indexes = defineStep({
  name: 'indexes',
  label: 'build the indexes',
  lock: 'new table only',
  files: ['rebuild/create_index', 'rebuild/add_primary_key', 'rebuild/add_unique'],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const all = plan.definition.indexes;
    await withTransaction(client, async () => {
      await client.query(sql('session/set_local', names), [
        'maintenance_work_mem',
        ctx.opts.maintenanceWorkMem ?? '256MB',
      ]);
      let done = 0;
      for (const ix of all) {
        const temp = plan.tempIndex[ix.name]!;
        await client.query(
          sql('rebuild/create_index', names, {
            idents: { index: temp },
            raw: { unique: ix.unique ? 'UNIQUE ' : '', tail: ix.tail },
          }),
        );
        if (ix.constraintType === 'p' || ix.constraintType === 'u') {
          const deferrable = ix.deferrable ? (ix.deferred ? 'DEFERRABLE INITIALLY DEFERRED' : 'DEFERRABLE') : '';
          await client.query(
            sql(ix.constraintType === 'p' ? 'rebuild/add_primary_key' : 'rebuild/add_unique', names, {
              idents: { constraint: temp, index: temp },
              raw: { deferrable },
            }),
          );
        }
        done += 1;
        ctx.emit({ type: 'progress', step: 'indexes', done, total: all.length, unit: 'indexes' });
        if (done === 1) await ctx.hook('mid:indexes');
        ctx.checkStop('indexes');
      }
      await ctx.journal('indexes', 'done');
    });
  },
});
