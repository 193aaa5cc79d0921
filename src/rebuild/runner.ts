import type pg from 'pg';
import { EXIT, ToolError } from '../errors.js';
import { sql, type TableRef } from '../sql.js';
import { makeCtx, type Ctx } from './context.js';
import { readDefinition } from './definition.js';
import type { Connect, RebuildOptions, RebuildStats } from './events.js';
import { ensureJournal, journalState, readLatestRebuild } from './journal.js';
import { takeRebuildLock } from './lock.js';
import { rebuildNames, type RebuildNames } from './names.js';
import { makePlan } from './plan.js';
import { STEPS } from './steps/index.js';

async function tableBytes(client: pg.ClientBase, names: RebuildNames, table: string): Promise<number> {
  const r = await client.query(sql('rebuild/relation_exists', names), [names.schema, table]);
  if (!r.rows.length) return 0;
  return Number((await client.query(sql('rebuild/relation_bytes', names), [r.rows[0].oid])).rows[0].bytes);
}

/**
 * Run the steps not done yet, in order. Each is journaled as started here and as done in its own transaction;
 * a stop asked for is honoured before each step (and at the safe points inside it). The caller holds the
 * advisory lock on `client`.
 */
async function runSteps(ctx: Ctx, done: Set<string>): Promise<RebuildStats> {
  const started = performance.now();
  for (const step of STEPS) {
    if (done.has(step.name)) {
      ctx.emit({ type: 'step', step: step.name, status: 'skipped' });
      continue;
    }
    ctx.checkStop(step.name);
    await ctx.hook(`before:${step.name}`);
    ctx.emit({ type: 'step', step: step.name, status: 'start' });
    const t = performance.now();
    await ctx.journal(step.name, 'start');
    await step.run(ctx);
    ctx.emit({
      type: 'step',
      step: step.name,
      status: 'done',
      ms: Math.round(performance.now() - t),
      detail: step.detail?.(ctx),
    });
    await ctx.hook(`after:${step.name}`);
  }
  ctx.stats.bytesAfter = await tableBytes(ctx.client, ctx.names, ctx.names.table);
  ctx.stats.totalSeconds = Math.round((performance.now() - started) / 10) / 100;
  await ctx.journal('rebuild', 'finished', ctx.stats);
  return ctx.stats;
}

/** `fn` on a new connection holding the rebuild's advisory lock (waiting up to `waitForLockMs` for it), then closed. */
async function withWorkConnection<T>(
  connect: Connect,
  names: RebuildNames,
  fn: (client: pg.Client, pid: number) => Promise<T>,
  waitForLockMs = 0,
): Promise<T> {
  const client = await connect();
  try {
    const pid = (await client.query(sql('session/backend_pid', names))).rows[0].pid as number;
    await takeRebuildLock(
      client,
      names,
      waitForLockMs,
      (holder) => `another rebuild is running on this table (backend pid ${holder}); refusing to start a second one`,
    );
    return await fn(client, pid);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The online rebuild, from the start. Preflight is the caller's (see preflight.ts); this refuses anyway when
 * another rebuild runs or an earlier one left something behind.
 */
export async function runRebuild(connect: Connect, table: TableRef, opts: RebuildOptions = {}): Promise<RebuildStats> {
  const names = rebuildNames(table);
  return withWorkConnection(connect, names, async (client, pid) => {
    await ensureJournal(client, names);
    const state = journalState(await readLatestRebuild(client, names));
    if (state && !state.closed) {
      throw new ToolError(
        `an earlier rebuild (${state.rebuildId}) was interrupted at "${state.lastStep}": run "hatchet-sessions recover" first`,
        EXIT.failure,
      );
    }
    const leftover = (await client.query(sql('rebuild/relation_exists', names), [names.schema, names.newTable])).rows
      .length;
    if (leftover)
      throw new ToolError(
        `table "${names.newTable}" already exists: run "hatchet-sessions recover" first`,
        EXIT.failure,
      );
    const definition = await readDefinition(client, names);
    if (!definition) throw new ToolError(`table "${names.schema}.${names.table}" not found`, EXIT.table);
    const now = (await client.query(sql('session/clock_timestamp', names))).rows[0].now as Date;
    const plan = makePlan(names, definition, now);
    const ctx = makeCtx(client, pid, names, plan, opts);
    ctx.stats.bytesBefore = await tableBytes(client, names, names.table);
    await ctx.journal('begin', 'done', { ...plan, bytesBefore: ctx.stats.bytesBefore });
    return runSteps(ctx, new Set());
  });
}

/** Go on with an interrupted rebuild from the journal: every step not done yet, in order. */
export async function finishRebuild(
  connect: Connect,
  table: TableRef,
  opts: RebuildOptions = {},
): Promise<RebuildStats> {
  const names = rebuildNames(table);
  return withWorkConnection(
    connect,
    names,
    async (client, pid) => {
      const state = journalState(await readLatestRebuild(client, names));
      if (!state || state.closed || !state.plan)
        throw new ToolError('there is no unfinished rebuild to finish', EXIT.failure);
      const plan = state.plan;
      const ctx = makeCtx(client, pid, names, plan, opts);
      const begin = state.events.find((e) => e.step === 'begin');
      ctx.stats.bytesBefore = Number((begin?.detail as { bytesBefore?: number })?.bytesBefore ?? 0);
      const copy = state.events.find((e) => e.step === 'copy' && e.status === 'done');
      ctx.stats.rowsKept = Number((copy?.detail as { rows?: number })?.rows ?? 0);
      if (!state.swapped) {
        const current = await readDefinition(client, names);
        if (!current || current.oid !== plan.definition.oid) {
          throw new ToolError(
            `"${names.table}" is not the table the interrupted rebuild started from; run "hatchet-sessions recover --undo"`,
            EXIT.failure,
          );
        }
        // A step that was not journaled as done left nothing behind except in these cases.
        if (!state.done.has('create_table'))
          await client.query(sql('rebuild/drop_table', names, { tables: { target: names.newTable } }));
      } else {
        const swap = state.events.find((e) => e.step === 'swap' && e.status === 'done');
        ctx.stats.lockHoldMs = Number(
          (swap?.detail as { lockHoldMsBeforeCommit?: number })?.lockHoldMsBeforeCommit ?? 0,
        );
        ctx.stats.rowsCaptured = Number((swap?.detail as { captured?: number })?.captured ?? 0);
      }
      await ctx.journal('recover', 'start', { action: 'finish' });
      return runSteps(ctx, state.done);
    },
    10_000,
  );
}
