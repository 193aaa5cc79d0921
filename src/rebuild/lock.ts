import type pg from 'pg';
import { withTransaction } from '../db.js';
import { EXIT, ToolError } from '../errors.js';
import { cancelAutovacuumBlockers, type AutovacuumWorker } from './autovacuum.js';
import type { Ctx } from './context.js';
import type { Blocker } from './events.js';
import type { RebuildNames } from './names.js';
import type { StepName } from './steps/index.js';
import { sleep } from '../sleep.js';
import { sql } from '../sql.js';

/** lock_not_available: a lock_timeout ran out. */
export const isLockTimeout = (err: unknown) => (err as { code?: string }).code === '55P03';

// ---------------------------------------------------------------- the advisory lock (one rebuild, recovery or drop at a time)

/** The rebuild's advisory lock on this connection; false when another session holds it. */
export async function tryRebuildLock(client: pg.ClientBase, names: RebuildNames): Promise<boolean> {
  return (await client.query(sql('rebuild/lock_try', names), [names.schema])).rows[0].locked;
}

export async function rebuildLockHolder(db: pg.ClientBase | pg.Pool, names: RebuildNames): Promise<number | null> {
  const { rows } = await db.query(sql('rebuild/lock_holder', names), [names.schema]);
  return rows[0]?.pid ?? null;
}

/**
 * Take the rebuild's advisory lock on `client`, trying again every 250 ms for `waitMs` (0: once). When another
 * session keeps it, fails with `refusal` of the holder's pid ('?' when it let go meanwhile).
 */
export async function takeRebuildLock(
  client: pg.ClientBase,
  names: RebuildNames,
  waitMs: number,
  refusal: (holder: string) => string,
): Promise<void> {
  const until = Date.now() + waitMs;
  while (!(await tryRebuildLock(client, names))) {
    if (Date.now() >= until)
      throw new ToolError(refusal(String((await rebuildLockHolder(client, names)) ?? '?')), EXIT.failure);
    await sleep(250);
  }
}

// ---------------------------------------------------------------- short lock_timeout, retried

export interface LockTimedOut {
  attempt: number;
  error: Error;
  /** Date.now() when the first attempt began. */
  startedAt: number;
  /** The pause before the next attempt. */
  waitMs: number;
  /** Autovacuum workers cancelled because they held a lock on one of the relations. */
  cancelled: AutovacuumWorker[];
}

export interface ShortLockOptions {
  lockTimeoutMs: number;
  /** Cancel the autovacuum workers (never anti-wraparound ones) holding a lock on these relations; none when empty. */
  cancelAutovacuumOn: string[];
  /** Each pause ±25%, so that sessions retrying together fall out of step. */
  jitter: boolean;
  /** After each timed-out attempt, before its pause: report it, or throw to give up or stop. */
  onTimeout: (t: LockTimedOut) => Promise<void> | void;
}

/**
 * `fn` in one transaction under a short lock_timeout; when a lock times out, roll back and try again with backoff
 * (50 ms doubling to 2 s; 20 ms after an autovacuum worker was cancelled: it lets go within milliseconds), so a
 * queued lock request never stalls the live API.
 */
export async function withShortLock<T>(
  client: pg.ClientBase,
  names: RebuildNames,
  fn: (attempt: number) => Promise<T>,
  o: ShortLockOptions,
): Promise<{ value: T; attempts: number }> {
  const startedAt = Date.now();
  let wait = 50;
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await withTransaction(client, () => fn(attempt), { lockTimeoutMs: o.lockTimeoutMs });
      return { value, attempts: attempt };
    } catch (err) {
      if (!isLockTimeout(err)) throw err;
      const cancelled = o.cancelAutovacuumOn.length
        ? await cancelAutovacuumBlockers(client, names, o.cancelAutovacuumOn)
        : [];
      if (!cancelled.length) wait = Math.min(2000, wait * 2);
      const waitMs = cancelled.length ? 20 : o.jitter ? Math.round(wait * (0.75 + Math.random() * 0.5)) : wait;
      await o.onTimeout({ attempt, error: err as Error, startedAt, waitMs, cancelled });
      await sleep(waitMs);
    }
  }
}

/**
 * A rebuild step's locked transaction: withShortLock on our tables, each retry reported as a 'lock-retry' event
 * with the sessions holding locks on "UserSession" (terminated from the third attempt with --terminate-blockers);
 * past swapTimeoutMs (default 60 s) it gives up with the blockers named, the step undone and the rebuild resumable.
 */
export async function withLockRetry<T>(
  ctx: Ctx,
  step: StepName,
  fn: (attempt: number) => Promise<T>,
): Promise<{ value: T; attempts: number }> {
  const { client, names } = ctx;
  const deadlineMs = ctx.opts.swapTimeoutMs ?? 60_000;
  return withShortLock(client, names, fn, {
    lockTimeoutMs: ctx.lockTimeoutMs,
    cancelAutovacuumOn: ctx.opts.cancelAutovacuum !== false ? [names.table, names.newTable, names.log] : [],
    jitter: true,
    onTimeout: async ({ attempt, error, startedAt, waitMs, cancelled }) => {
      ctx.stats.autovacuumCancelled += cancelled.length;
      const blockers = (await readBlockers(ctx)).filter((b) => !cancelled.some((w) => w.pid === b.pid));
      const terminated: number[] = [];
      if (ctx.opts.terminateBlockers && attempt >= 3) {
        for (const b of blockers) {
          if (b.granted && b.ageSeconds >= 1) {
            await client.query(sql('rebuild/terminate_backend', names), [b.pid]);
            terminated.push(b.pid);
          }
        }
      }
      ctx.emit({
        type: 'lock-retry',
        step,
        attempt,
        waitMs,
        error: error.message,
        blockers,
        terminated,
        autovacuumCancelled: cancelled,
      });
      if (Date.now() - startedAt + waitMs > deadlineMs) {
        const who = blockers
          .filter((b) => b.granted)
          .slice(0, 3)
          .map((b) => `pid ${b.pid} (${Math.round(b.ageSeconds)}s, ${b.state ?? '?'}: ${b.query ?? ''})`)
          .join(', ');
        throw new ToolError(
          `could not take the lock for "${step}" in ${Math.round((Date.now() - startedAt) / 1000)}s after ${attempt} attempts of ${ctx.lockTimeoutMs} ms` +
            `${who ? `; blocked by ${who}` : ''}. Nothing was changed by this step; end those transactions (or use --terminate-blockers) and run "hatchet-sessions recover" to go on, or "recover --undo"`,
          EXIT.failure,
        );
      }
      ctx.checkStop(step);
    },
  });
}

async function readBlockers(ctx: Ctx): Promise<Blocker[]> {
  const { rows } = await ctx.client.query(sql('rebuild/lock_holders', ctx.names), [ctx.plan.definition.oid]);
  return rows.map((r) => ({
    pid: r.pid,
    ageSeconds: r.age_seconds,
    state: r.state,
    mode: r.mode,
    granted: r.granted,
    query: r.query,
  }));
}
