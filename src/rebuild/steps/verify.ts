import { EXIT, ToolError } from '../../errors.js';
import { withTransaction } from '../../db.js';
import type { VerifyRows } from '../events.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** The new table against the rows kept, before anything is swapped: a difference stops the rebuild, nothing touched. */
export const verify = defineStep({
  name: 'verify',
  label: 'verify rows',
  lock: 'none on "UserSession" (one read-only snapshot of the new table, the log and the copy\'s ledger)',
  files: ['rebuild/verify_rows'],
  async run(ctx) {
    const { client, names } = ctx;
    // The copy's ledger is there unless the copy was made by an earlier version: then the old one-scan verification.
    const ledger =
      (await client.query(sql('rebuild/relation_exists', names), [names.schema, names.copied])).rows.length > 0;
    const r = await withTransaction(
      client,
      async () => {
        // Ledger: two small tables in one in-memory hash join. Scan: the new table's ids in one in-memory hash (a
        // batched hash join would spill every old row to disk).
        await client.query(sql('session/set_local', names), ['work_mem', ctx.opts.verifyWorkMem ?? '128MB']);
        await ctx.hook('mid:verify');
        return (await client.query(sql(ledger ? 'rebuild/verify_rows' : 'rebuild/verify_rows_scan', names))).rows[0];
      },
      { isolation: 'repeatable read', readOnly: true },
    );
    const v: VerifyRows = ledger
      ? {
          missing: Number(r.missing),
          extra: Number(r.extra),
          differ: Number(r.differ),
          untouched: Number(r.untouched),
          newRows: Number(r.new_rows),
          touchedIds: Number(r.touched_ids),
          hashesEqual: Number(r.differ) === 0,
          method: 'ledger',
        }
      : {
          missing: Number(r.missing),
          extra: Number(r.extra),
          untouched: Number(r.untouched),
          newRows: Number(r.new_rows),
          touchedIds: Number(r.touched_ids),
          hashesEqual: r.new_hash === r.old_hash,
          method: 'scan',
        };
    ctx.stats.verify = v;
    // The ledger holds one entry per row copied: a different count means the copy's record is not the copy.
    const ledgerShort = ledger && ctx.stats.rowsKept > 0 && Number(r.copied_rows) !== ctx.stats.rowsKept;
    if (v.missing || v.extra || !v.hashesEqual || ledgerShort) {
      const differ =
        v.differ !== undefined ? `${v.differ} rows differ` : `hashes ${v.hashesEqual ? 'equal' : 'differ'}`;
      const short = ledgerShort
        ? `, the copy's ledger holds ${r.copied_rows} rows for ${ctx.stats.rowsKept} copied`
        : '';
      throw new ToolError(
        `verification failed before the swap: ${v.missing} kept rows missing, ${v.extra} extra rows, ${differ}${short}. ` +
          `"UserSession" was not touched; run "hatchet-sessions recover --undo" to remove the new table`,
        EXIT.failure,
      );
    }
    await ctx.journal('verify', 'done', v);
  },
  detail: (ctx) => ({ ...ctx.stats.verify }),
});
