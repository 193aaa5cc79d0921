import { withTransaction } from '../../db.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** The kept rows, from one snapshot, in batches of heap blocks; each row's id and hash go into the copy's ledger. */
export const copy = defineStep({
  name: 'copy',
  label: 'copy the rows the rule keeps',
  lock: 'ACCESS SHARE on "UserSession" (reads and writes go on); one snapshot, batches of blocks',
  files: ['rebuild/blocks', 'rebuild/copied_create', 'rebuild/copy_batch'],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const per = ctx.opts.copyBlocks ?? 4096;
    await withTransaction(
      client,
      async () => {
        const blocks = Number((await client.query(sql('rebuild/blocks', names), [plan.definition.oid])).rows[0].blocks);
        // The ledger (id, hash of each row written) is created in this transaction: it exists only with a committed copy.
        await client.query(sql('rebuild/copied_create', names));
        let rows = 0;
        // Contiguous block ranges from 0, the last one open-ended: every row of the snapshot is read exactly once.
        let lower = 0;
        for (let b = 0; b < blocks || b === 0; b += per) {
          const last = b + per >= blocks;
          const upper = last ? '(4294967294,0)' : `(${b + per},0)`;
          if (b !== lower) throw new Error(`copy: block range starts at ${b}, expected ${lower}`);
          lower = b + per;
          const r = await client.query(sql('rebuild/copy_batch', names), [`(${b},0)`, upper]);
          rows += r.rowCount ?? 0;
          ctx.emit({ type: 'progress', step: 'copy', done: Math.min(b + per, blocks), total: blocks, unit: 'blocks' });
          if (b === 0) await ctx.hook('mid:copy');
          ctx.checkStop('copy');
          if (last) break;
        }
        ctx.stats.rowsKept = rows;
        await ctx.journal('copy', 'done', { rows, blocks });
      },
      { isolation: 'repeatable read' },
    );
  },
  detail: (ctx) => ({ rows: ctx.stats.rowsKept }),
});
