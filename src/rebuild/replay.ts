import { withTransaction } from '../db.js';
import type { Ctx } from './context.js';
import type { StepName } from './steps/index.js';
import { sql } from '../sql.js';

/** Apply one batch of captured changes inside the current transaction; returns the changes taken. */
export async function replayBatch(ctx: Ctx, limit: number): Promise<number> {
  const { client, names } = ctx;
  const claimed = await client.query(sql('rebuild/replay_claim', names), [limit]);
  const n = claimed.rowCount ?? 0;
  if (n === 0) return 0;
  const ids = [...new Set(claimed.rows.map((r) => r.id as string))];
  await client.query(sql('rebuild/replay_delete', names), [ids]);
  await client.query(sql('rebuild/replay_insert', names), [ids]);
  ctx.stats.rowsReplayed += n;
  return n;
}

/** Captured changes not replayed yet, and all captured so far. */
export async function backlog(ctx: Ctx): Promise<{ pending: number; captured: number }> {
  const r = (await ctx.client.query(sql('rebuild/backlog', ctx.names))).rows[0];
  return { pending: Number(r.pending), captured: Number(r.captured) };
}

/** Replay in batches, one transaction each, until a batch comes back short (caught up). */
export async function replayUntilCaughtUp(ctx: Ctx, step: StepName): Promise<void> {
  const limit = ctx.opts.replayBatch ?? 1000;
  let total = (await backlog(ctx)).pending;
  let done = 0;
  for (let round = 0; ; round++) {
    const n = await withTransaction(ctx.client, async () => {
      const taken = await replayBatch(ctx, limit);
      if (round === 0 && step === 'replay') await ctx.hook('mid:replay');
      return taken;
    });
    done += n;
    total = Math.max(total, done);
    ctx.emit({ type: 'progress', step, done, total, unit: 'changes' });
    if (n < limit) return;
    ctx.checkStop(step);
  }
}
