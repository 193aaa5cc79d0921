import type { Ctx } from '../context.js';
import { withLockRetry } from '../lock.js';
import { reloptionsText } from '../names.js';
import { backlog, replayBatch, replayUntilCaughtUp } from '../replay.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/**
 * Under one short ACCESS EXCLUSIVE lock: the last captured changes, the trigger dropped, the old table and its
 * indexes and constraints renamed to the backup's names, the new one to the original names, the foreign key added.
 */
export const swap = defineStep({
  name: 'swap',
  label: 'swap (short lock)',
  lock: 'ACCESS EXCLUSIVE on "UserSession" for milliseconds, lock_timeout 100 ms retried with backoff; SHARE ROW EXCLUSIVE on "User" while the foreign key is added NOT VALID',
  files: [
    'session/set_local',
    'rebuild/lock_tables',
    'rebuild/autovacuum_blockers',
    'rebuild/cancel_autovacuum',
    'rebuild/replay_claim',
    'rebuild/replay_delete',
    'rebuild/replay_insert',
    'rebuild/drop_trigger',
    'rebuild/reset_reloptions',
    'rebuild/set_reloptions',
    'rebuild/rename_constraint',
    'rebuild/rename_index',
    'rebuild/rename_table',
    'rebuild/add_foreign_key',
    'rebuild/journal_write',
  ],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const def = plan.definition;
    const backup = plan.backupTable;
    await replayUntilCaughtUp(ctx, 'swap');
    let holdMs = 0;
    let swapStats = { captured: 0 };
    const { attempts } = await withLockRetry(ctx, 'swap', async () => {
      await client.query(sql('rebuild/lock_tables', names));
      const t0 = performance.now();
      // Everything written before the lock is committed now: replay the rest.
      while ((await replayBatch(ctx, 10_000)) > 0);
      swapStats = await backlog(ctx);
      await client.query(sql('rebuild/drop_trigger', names));
      await restoreReloptions(ctx);
      // Old table: constraints (with their indexes) and other indexes get backup names.
      for (const c of def.constraints.filter((c) => plan.backupConstraint[c.name])) {
        await client.query(
          sql('rebuild/rename_constraint', names, {
            tables: { target: names.table },
            idents: { from: c.name, to: plan.backupConstraint[c.name]! },
          }),
        );
      }
      for (const ix of def.indexes.filter((i) => !i.constraintName)) {
        await client.query(
          sql('rebuild/rename_index', names, {
            tables: { index: ix.name },
            idents: { to: plan.backupIndex[ix.name]! },
          }),
        );
      }
      await client.query(
        sql('rebuild/rename_table', names, { tables: { target: names.table }, idents: { to: backup } }),
      );
      await client.query(
        sql('rebuild/rename_table', names, { tables: { target: names.newTable }, idents: { to: names.table } }),
      );
      // New table: every index and constraint gets its original name.
      for (const ix of def.indexes) {
        const temp = plan.tempIndex[ix.name]!;
        if (ix.constraintName) {
          await client.query(
            sql('rebuild/rename_constraint', names, {
              tables: { target: names.table },
              idents: { from: temp, to: ix.constraintName },
            }),
          );
        } else {
          await client.query(sql('rebuild/rename_index', names, { tables: { index: temp }, idents: { to: ix.name } }));
        }
      }
      for (const fk of def.constraints.filter((c) => c.type === 'f')) {
        await client.query(
          sql('rebuild/add_foreign_key', names, {
            tables: { target: names.table },
            idents: { constraint: fk.name },
            raw: { definition: fk.definition.replace(/\s+NOT VALID$/, '') },
          }),
        );
      }
      await ctx.hook('mid:swap');
      holdMs = performance.now() - t0;
      await ctx.journal('swap', 'done', {
        lockHoldMsBeforeCommit: Math.round(holdMs),
        captured: swapStats.captured,
        backupTable: backup,
      });
      return t0;
    }).then((r) => {
      holdMs = performance.now() - r.value; // after COMMIT returned
      return r;
    });
    ctx.stats.lockHoldMs = Math.round(holdMs * 10) / 10;
    ctx.stats.swapAttempts = attempts;
    ctx.stats.rowsCaptured = swapStats.captured;
  },
  detail: (ctx) => ({
    lockHoldMs: ctx.stats.lockHoldMs,
    attempts: ctx.stats.swapAttempts,
    captured: ctx.stats.rowsCaptured,
  }),
});

/**
 * The new table's storage parameters back to exactly the original's (autovacuum_enabled was turned off for the
 * copy): every key removed, then the original list set again in its original order.
 */
async function restoreReloptions(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const def = plan.definition;
  const key = (o: string) => o.slice(0, o.indexOf('='));
  const keys = [...new Set(['autovacuum_enabled', ...def.reloptions.map(key)])];
  for (const k of keys) if (!/^[a-z_]+$/.test(k)) throw new Error(`unexpected storage parameter "${k}"`);
  await client.query(sql('rebuild/reset_reloptions', names, { raw: { keys: keys.join(', ') } }));
  if (def.reloptions.length) {
    await client.query(
      sql('rebuild/set_reloptions', names, { raw: { reloptions: reloptionsText(def.reloptions, []) } }),
    );
  }
}
