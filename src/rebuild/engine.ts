import type pg from 'pg';
import { quoteIdent, sql } from '../sql.js';
import { EXIT, ToolError } from '../errors.js';
import { compareDefinitions, readDefinition, type TableDefinition } from './definition.js';
import { ensureJournal, journalState, readLatestRebuild, writeJournal } from './journal.js';
import { literal, checkedPrivilege, reloptionsText, rebuildNames, type RebuildNames } from './names.js';
import { makePlan, STEPS, type RebuildPlan, type StepName } from './plan.js';
import { cancelAutovacuumBlockers, type AutovacuumWorker } from './autovacuum.js';

export interface Blocker {
  pid: number;
  ageSeconds: number;
  state: string | null;
  mode: string;
  granted: boolean;
  query: string | null;
}

export type RebuildEvent =
  | { type: 'step'; step: StepName; status: 'start' | 'done' | 'skipped'; ms?: number; detail?: Record<string, unknown> }
  | { type: 'progress'; step: StepName; done: number; total: number; unit: string }
  | {
      type: 'lock-retry';
      step: StepName;
      attempt: number;
      waitMs: number;
      error: string;
      blockers: Blocker[];
      terminated: number[];
      /** Autovacuum workers that held a lock on our tables, cancelled before this retry (see cancelAutovacuum). */
      autovacuumCancelled: AutovacuumWorker[];
    };

export interface RebuildStats {
  rebuildId: string;
  backupTable: string;
  rowsKept: number;
  rowsCaptured: number;
  rowsReplayed: number;
  lockHoldMs: number;
  swapAttempts: number;
  /** Autovacuum workers cancelled because they blocked a lock the rebuild needed. */
  autovacuumCancelled: number;
  totalSeconds: number;
  bytesBefore: number;
  bytesAfter: number;
  verify?: VerifyRows;
}

export interface VerifyRows {
  /** Kept rows never written during the rebuild that the new table lacks. */
  missing: number;
  /** Rows of the new table, never written during the rebuild, that are not kept rows. */
  extra: number;
  /** Rows present on both sides whose content differs (by hash); 0 when only sums were compared (scan). */
  differ?: number;
  untouched: number;
  newRows: number;
  touchedIds: number;
  hashesEqual: boolean;
  /** 'ledger': against the copy's ledger (two small tables); 'scan': one scan of "UserSession" (old rebuilds). */
  method?: 'ledger' | 'scan';
}

export interface RebuildOptions {
  /** Heap blocks per copy batch. */
  copyBlocks?: number;
  /** Captured changes per replay batch. */
  replayBatch?: number;
  /** lock_timeout of each attempt to take a lock on "UserSession" (ms). */
  lockTimeoutMs?: number;
  /** Give up taking the swap lock after this long (ms); the rebuild then stays resumable. */
  swapTimeoutMs?: number;
  terminateBlockers?: boolean;
  /**
   * Cancel an autovacuum worker (never an anti-wraparound one, never a client session) that holds a lock on our
   * tables when a lock we need times out, as PostgreSQL does itself after deadlock_timeout (default true).
   */
  cancelAutovacuum?: boolean;
  /** work_mem of the verification's one scan (default 128MB). */
  verifyWorkMem?: string;
  /** maintenance_work_mem for the index builds (default 256MB). */
  maintenanceWorkMem?: string;
  onEvent?: (e: RebuildEvent) => void;
  /** Set `stopped` to stop at the next safe point. */
  stop?: { stopped: boolean };
  /** Tests only: called at named points with the work connection's backend pid (to kill it, or throw). */
  testHook?: (point: string, pid: number) => Promise<void> | void;
}

export class RebuildInterrupted extends ToolError {
  constructor(step: string) {
    super(`rebuild stopped during "${step}"; "hatchet-sessions recover" finishes or undoes it`, EXIT.failure);
    this.name = 'RebuildInterrupted';
  }
}

const LOCK_NOT_AVAILABLE = '55P03';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The rebuild's advisory lock on this connection; false when another session holds it. */
export async function tryRebuildLock(client: pg.ClientBase, names: RebuildNames): Promise<boolean> {
  return (await client.query(sql('rebuild/lock_try', names), [names.schema])).rows[0].locked;
}

export async function rebuildLockHolder(db: pg.ClientBase | pg.Pool, names: RebuildNames): Promise<number | null> {
  const { rows } = await db.query(sql('rebuild/lock_holder', names), [names.schema]);
  return rows[0]?.pid ?? null;
}

/** Run `fn` in one transaction; on a lock timeout, roll back and retry with backoff until `deadlineMs`. */
export async function withLockRetry<T>(
  ctx: Ctx,
  step: StepName,
  fn: (attempt: number) => Promise<T>,
  deadlineMs: number,
): Promise<{ value: T; attempts: number }> {
  const start = Date.now();
  let wait = 50;
  for (let attempt = 1; ; attempt++) {
    await ctx.client.query('BEGIN');
    try {
      await ctx.client.query(sql('session/set_local', ctx.names), ['lock_timeout', `${ctx.lockTimeoutMs}ms`]);
      const value = await fn(attempt);
      await ctx.client.query('COMMIT');
      return { value, attempts: attempt };
    } catch (err) {
      await ctx.client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      let cancelled: AutovacuumWorker[] = [];
      if (ctx.opts.cancelAutovacuum !== false) {
        cancelled = await cancelAutovacuumBlockers(ctx.client, ctx.names, [ctx.names.table, ctx.names.newTable, ctx.names.log]);
        ctx.stats.autovacuumCancelled += cancelled.length;
      }
      const blockers = (await readBlockers(ctx)).filter((b) => !cancelled.some((w) => w.pid === b.pid));
      const terminated: number[] = [];
      if (ctx.opts.terminateBlockers && attempt >= 3) {
        for (const b of blockers) {
          if (b.granted && b.ageSeconds >= 1) {
            await ctx.client.query(sql('rebuild/terminate_backend', ctx.names), [b.pid]);
            terminated.push(b.pid);
          }
        }
      }
      // An autovacuum worker just cancelled lets go within milliseconds: retry soon, without growing the backoff.
      if (!cancelled.length) wait = Math.min(2000, wait * 2);
      const waitMs = cancelled.length ? 20 : Math.round(wait * (0.75 + Math.random() * 0.5));
      ctx.emit({ type: 'lock-retry', step, attempt, waitMs, error: (err as Error).message, blockers, terminated, autovacuumCancelled: cancelled });
      if (Date.now() - start + waitMs > deadlineMs) {
        const who = blockers
          .filter((b) => b.granted)
          .slice(0, 3)
          .map((b) => `pid ${b.pid} (${Math.round(b.ageSeconds)}s, ${b.state ?? '?'}: ${b.query ?? ''})`)
          .join(', ');
        throw new ToolError(
          `could not take the lock for "${step}" in ${Math.round((Date.now() - start) / 1000)}s after ${attempt} attempts of ${ctx.lockTimeoutMs} ms` +
            `${who ? `; blocked by ${who}` : ''}. Nothing was changed by this step; end those transactions (or use --terminate-blockers) and run "hatchet-sessions recover" to go on, or "recover --undo"`,
          EXIT.failure,
        );
      }
      ctx.checkStop(step);
      await sleep(waitMs);
    }
  }
}

async function readBlockers(ctx: Ctx): Promise<Blocker[]> {
  const oid = ctx.plan.definition.oid;
  const { rows } = await ctx.client.query(sql('rebuild/lock_holders', ctx.names), [oid]);
  return rows.map((r) => ({ pid: r.pid, ageSeconds: r.age_seconds, state: r.state, mode: r.mode, granted: r.granted, query: r.query }));
}

export interface Ctx {
  client: pg.Client;
  pid: number;
  names: RebuildNames;
  plan: RebuildPlan;
  opts: RebuildOptions;
  lockTimeoutMs: number;
  stats: RebuildStats;
  emit: (e: RebuildEvent) => void;
  checkStop: (step: string) => void;
  hook: (point: string) => Promise<void>;
}

function makeCtx(client: pg.Client, pid: number, names: RebuildNames, plan: RebuildPlan, opts: RebuildOptions): Ctx {
  return {
    client,
    pid,
    names,
    plan,
    opts,
    lockTimeoutMs: opts.lockTimeoutMs ?? 100,
    stats: {
      rebuildId: plan.rebuildId,
      backupTable: plan.backupTable,
      rowsKept: 0,
      rowsCaptured: 0,
      rowsReplayed: 0,
      lockHoldMs: 0,
      swapAttempts: 0,
      autovacuumCancelled: 0,
      totalSeconds: 0,
      bytesBefore: 0,
      bytesAfter: 0,
    },
    emit: (e) => opts.onEvent?.(e),
    checkStop: (step) => {
      if (opts.stop?.stopped) throw new RebuildInterrupted(step);
    },
    hook: async (point) => {
      await opts.testHook?.(point, pid);
    },
  };
}

// ---------------------------------------------------------------- steps

async function stepCreateTable(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const def = plan.definition;
  await client.query('BEGIN');
  await client.query(sql('rebuild/create_table', names));
  if (def.reloptions.length || def.toastReloptions.length) {
    await client.query(sql('rebuild/set_reloptions', names, { raw: { reloptions: reloptionsText(def.reloptions, def.toastReloptions) } }));
  }
  await client.query(sql('rebuild/autovacuum_off', names));
  await client.query(sql('rebuild/set_owner', names, { idents: { owner: def.owner } }));
  for (const g of def.grants) {
    const file = g.grantable ? 'rebuild/grant_with_option' : 'rebuild/grant';
    const grantee = g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee);
    await client.query(sql(file, names, { raw: { privilege: checkedPrivilege(g.privilege), grantee } }));
  }
  if (def.comment !== null) await client.query(sql('rebuild/comment_table', names, { raw: { comment: literal(def.comment) } }));
  await ctx.hook('mid:create_table');
  await writeJournal(client, names, plan.rebuildId, 'create_table', 'done');
  await client.query('COMMIT');
}

async function stepCapture(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  await withLockRetry(
    ctx,
    'capture',
    async () => {
      await client.query(sql('rebuild/log_create', names));
      await client.query(sql('rebuild/log_index', names));
      await client.query(sql('rebuild/capture_function', names));
      await client.query(sql('rebuild/capture_trigger', names));
      await ctx.hook('mid:capture');
      await writeJournal(client, names, plan.rebuildId, 'capture', 'done');
    },
    ctx.opts.swapTimeoutMs ?? 60_000,
  );
}

async function stepCopy(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const per = ctx.opts.copyBlocks ?? 4096;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
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
    await writeJournal(client, names, plan.rebuildId, 'copy', 'done', { rows, blocks });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function stepIndexes(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const indexes = plan.definition.indexes;
  await client.query('BEGIN');
  try {
    await client.query(sql('session/set_local', names), ['maintenance_work_mem', ctx.opts.maintenanceWorkMem ?? '256MB']);
    let done = 0;
    for (const ix of indexes) {
      const temp = plan.tempIndex[ix.name]!;
      await client.query(sql('rebuild/create_index', names, { idents: { index: temp }, raw: { unique: ix.unique ? 'UNIQUE ' : '', tail: ix.tail } }));
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
      ctx.emit({ type: 'progress', step: 'indexes', done, total: indexes.length, unit: 'indexes' });
      if (done === 1) await ctx.hook('mid:indexes');
      ctx.checkStop('indexes');
    }
    await writeJournal(client, names, plan.rebuildId, 'indexes', 'done');
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Apply one batch of captured changes inside the current transaction; returns the changes taken. */
async function replayBatch(ctx: Ctx, limit: number): Promise<number> {
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

async function backlog(ctx: Ctx): Promise<{ pending: number; captured: number }> {
  const r = (await ctx.client.query(sql('rebuild/backlog', ctx.names))).rows[0];
  return { pending: Number(r.pending), captured: Number(r.captured) };
}

/** Replay in batches until a batch comes back short (caught up). */
async function replayUntilCaughtUp(ctx: Ctx, step: StepName): Promise<void> {
  const limit = ctx.opts.replayBatch ?? 1000;
  let total = (await backlog(ctx)).pending;
  let done = 0;
  for (let round = 0; ; round++) {
    await ctx.client.query('BEGIN');
    let n: number;
    try {
      n = await replayBatch(ctx, limit);
      if (round === 0 && step === 'replay') await ctx.hook('mid:replay');
      await ctx.client.query('COMMIT');
    } catch (err) {
      await ctx.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    done += n;
    total = Math.max(total, done);
    ctx.emit({ type: 'progress', step, done, total, unit: 'changes' });
    if (n < limit) return;
    ctx.checkStop(step);
  }
}

async function stepReplay(ctx: Ctx): Promise<void> {
  await replayUntilCaughtUp(ctx, 'replay');
  await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, 'replay', 'done');
}

async function stepVerify(ctx: Ctx): Promise<void> {
  const { client, names } = ctx;
  // The copy's ledger is there unless the copy was made by an earlier version: then the old one-scan verification.
  const ledger = (await client.query(sql('rebuild/relation_exists', names), [names.schema, names.copied])).rows.length > 0;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let r;
  try {
    // Ledger: two small tables in one in-memory hash join. Scan: the new table's ids in one in-memory hash (a
    // batched hash join would spill every old row to disk).
    await client.query(sql('session/set_local', names), ['work_mem', ctx.opts.verifyWorkMem ?? '128MB']);
    await ctx.hook('mid:verify');
    r = (await client.query(sql(ledger ? 'rebuild/verify_rows' : 'rebuild/verify_rows_scan', names))).rows[0];
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
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
    const differ = v.differ !== undefined ? `${v.differ} rows differ` : `hashes ${v.hashesEqual ? 'equal' : 'differ'}`;
    const short = ledgerShort ? `, the copy's ledger holds ${r.copied_rows} rows for ${ctx.stats.rowsKept} copied` : '';
    throw new ToolError(
      `verification failed before the swap: ${v.missing} kept rows missing, ${v.extra} extra rows, ${differ}${short}. ` +
        `"UserSession" was not touched; run "hatchet-sessions recover --undo" to remove the new table`,
      EXIT.failure,
    );
  }
  await writeJournal(client, names, ctx.plan.rebuildId, 'verify', 'done', v);
}

async function stepSwap(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const def = plan.definition;
  const backup = plan.backupTable;
  await replayUntilCaughtUp(ctx, 'swap');
  let holdMs = 0;
  let swapStats = { captured: 0 };
  const { attempts } = await withLockRetry(
    ctx,
    'swap',
    async () => {
      await client.query(sql('rebuild/lock_tables', names));
      const t0 = performance.now();
      // Everything written before the lock is committed now: replay the rest.
      while ((await replayBatch(ctx, 10_000)) > 0);
      swapStats = await backlog(ctx);
      await client.query(sql('rebuild/drop_trigger', names));
      await restoreReloptions(ctx);
      // Old table: constraints (with their indexes) and other indexes get backup names.
      for (const c of def.constraints.filter((c) => plan.backupConstraint[c.name])) {
        await client.query(sql('rebuild/rename_constraint', names, { tables: { target: names.table }, idents: { from: c.name, to: plan.backupConstraint[c.name]! } }));
      }
      for (const ix of def.indexes.filter((i) => !i.constraintName)) {
        await client.query(sql('rebuild/rename_index', names, { tables: { index: ix.name }, idents: { to: plan.backupIndex[ix.name]! } }));
      }
      await client.query(sql('rebuild/rename_table', names, { tables: { target: names.table }, idents: { to: backup } }));
      await client.query(sql('rebuild/rename_table', names, { tables: { target: names.newTable }, idents: { to: names.table } }));
      // New table: every index and constraint gets its original name.
      for (const ix of def.indexes) {
        const temp = plan.tempIndex[ix.name]!;
        if (ix.constraintName) {
          await client.query(sql('rebuild/rename_constraint', names, { tables: { target: names.table }, idents: { from: temp, to: ix.constraintName } }));
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
      await writeJournal(client, names, plan.rebuildId, 'swap', 'done', { lockHoldMsBeforeCommit: Math.round(holdMs), captured: swapStats.captured, backupTable: backup });
      return t0;
    },
    ctx.opts.swapTimeoutMs ?? 60_000,
  ).then((r) => {
    holdMs = performance.now() - r.value; // after COMMIT returned
    return r;
  });
  ctx.stats.lockHoldMs = Math.round(holdMs * 10) / 10;
  ctx.stats.swapAttempts = attempts;
  ctx.stats.rowsCaptured = swapStats.captured;
}

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
    await client.query(sql('rebuild/set_reloptions', names, { raw: { reloptions: reloptionsText(def.reloptions, []) } }));
  }
}

async function stepValidate(ctx: Ctx): Promise<void> {
  const { client, names, plan } = ctx;
  const current = await readDefinition(client, names);
  for (const fk of plan.definition.constraints.filter((c) => c.type === 'f' && c.validated)) {
    const now = current?.constraints.find((c) => c.name === fk.name);
    if (now?.validated) continue;
    await withLockRetry(
      ctx,
      'validate',
      async () => {
        await client.query(sql('session/set_local', names), ['statement_timeout', '0']);
        await client.query(sql('rebuild/validate_constraint', names, { tables: { target: names.table }, idents: { constraint: fk.name } }));
      },
      ctx.opts.swapTimeoutMs ?? 60_000,
    );
  }
  await writeJournal(client, names, plan.rebuildId, 'validate', 'done');
}

async function stepAnalyze(ctx: Ctx): Promise<void> {
  await withLockRetry(
    ctx,
    'analyze',
    async () => {
      await ctx.client.query(sql('table/analyze', { schema: ctx.names.schema, name: ctx.names.table }));
    },
    ctx.opts.swapTimeoutMs ?? 60_000,
  );
  await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, 'analyze', 'done');
}

async function stepVerifySchema(ctx: Ctx): Promise<void> {
  const after = await readDefinition(ctx.client, ctx.names);
  const problems = after ? compareDefinitions(ctx.plan.definition, after) : ['"UserSession" is missing'];
  if (problems.length) {
    await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, 'verify_schema', 'failed', { problems });
    throw new ToolError(`the rebuilt table differs from the original: ${problems.join('; ')}`, EXIT.failure);
  }
  await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, 'verify_schema', 'done');
}

export async function dropCaptureObjects(client: pg.ClientBase, names: RebuildNames): Promise<void> {
  await client.query(sql('rebuild/drop_table', names, { tables: { target: names.log } }));
  await client.query(sql('rebuild/drop_table', names, { tables: { target: names.copied } }));
  await client.query(sql('rebuild/drop_function', names));
}

async function stepCleanup(ctx: Ctx): Promise<void> {
  const { client, names } = ctx;
  const log = await client.query(sql('rebuild/relation_exists', names), [names.schema, names.log]);
  if (log.rows.length) ctx.stats.rowsCaptured = Math.max(ctx.stats.rowsCaptured, (await backlog(ctx)).captured);
  await client.query('BEGIN');
  await dropCaptureObjects(client, names);
  await writeJournal(client, names, ctx.plan.rebuildId, 'cleanup', 'done');
  await client.query('COMMIT');
}

const RUNNERS: Record<StepName, (ctx: Ctx) => Promise<void>> = {
  create_table: stepCreateTable,
  capture: stepCapture,
  copy: stepCopy,
  indexes: stepIndexes,
  replay: stepReplay,
  verify: stepVerify,
  swap: stepSwap,
  validate: stepValidate,
  analyze: stepAnalyze,
  verify_schema: stepVerifySchema,
  cleanup: stepCleanup,
};

async function tableBytes(client: pg.ClientBase, names: RebuildNames, table: string): Promise<number> {
  const r = await client.query(sql('rebuild/relation_exists', names), [names.schema, table]);
  if (!r.rows.length) return 0;
  return Number((await client.query(sql('rebuild/relation_bytes', names), [r.rows[0].oid])).rows[0].bytes);
}

/** Run the steps not done yet, in order. The caller holds the advisory lock on `client`. */
async function runSteps(ctx: Ctx, done: Set<string>): Promise<RebuildStats> {
  const started = performance.now();
  for (const step of STEPS) {
    if (done.has(step)) {
      ctx.emit({ type: 'step', step, status: 'skipped' });
      continue;
    }
    ctx.checkStop(step);
    await ctx.hook(`before:${step}`);
    ctx.emit({ type: 'step', step, status: 'start' });
    const t = performance.now();
    await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, step, 'start');
    await RUNNERS[step](ctx);
    ctx.emit({ type: 'step', step, status: 'done', ms: Math.round(performance.now() - t), detail: stepDetail(ctx, step) });
    await ctx.hook(`after:${step}`);
  }
  ctx.stats.bytesAfter = await tableBytes(ctx.client, ctx.names, ctx.names.table);
  ctx.stats.totalSeconds = Math.round((performance.now() - started) / 10) / 100;
  await writeJournal(ctx.client, ctx.names, ctx.plan.rebuildId, 'rebuild', 'finished', ctx.stats);
  return ctx.stats;
}

function stepDetail(ctx: Ctx, step: StepName): Record<string, unknown> | undefined {
  switch (step) {
    case 'copy':
      return { rows: ctx.stats.rowsKept };
    case 'swap':
      return { lockHoldMs: ctx.stats.lockHoldMs, attempts: ctx.stats.swapAttempts, captured: ctx.stats.rowsCaptured };
    case 'verify':
      return { ...ctx.stats.verify };
    default:
      return undefined;
  }
}

export type Connect = () => Promise<pg.Client>;

async function withWorkConnection<T>(connect: Connect, names: RebuildNames, fn: (client: pg.Client, pid: number) => Promise<T>, waitForLockMs = 0): Promise<T> {
  const client = await connect();
  try {
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const until = Date.now() + waitForLockMs;
    while (!(await tryRebuildLock(client, names))) {
      if (Date.now() >= until) {
        const holder = await rebuildLockHolder(client, names);
        throw new ToolError(`another rebuild is running on this table (backend pid ${holder ?? '?'}); refusing to start a second one`, EXIT.failure);
      }
      await sleep(250);
    }
    return await fn(client, pid);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The online rebuild, from the start. Preflight is the caller's (see preflight.ts); this refuses anyway when
 * another rebuild runs or an earlier one left something behind.
 */
export async function runRebuild(connect: Connect, table: { schema: string; name: string }, opts: RebuildOptions = {}): Promise<RebuildStats> {
  const names = rebuildNames(table);
  return withWorkConnection(connect, names, async (client, pid) => {
    await ensureJournal(client, names);
    const state = journalState(await readLatestRebuild(client, names));
    if (state && !state.closed) {
      throw new ToolError(`an earlier rebuild (${state.rebuildId}) was interrupted at "${state.lastStep}": run "hatchet-sessions recover" first`, EXIT.failure);
    }
    const leftover = (await client.query(sql('rebuild/relation_exists', names), [names.schema, names.newTable])).rows.length;
    if (leftover) throw new ToolError(`table "${names.newTable}" already exists: run "hatchet-sessions recover" first`, EXIT.failure);
    const definition = await readDefinition(client, names);
    if (!definition) throw new ToolError(`table "${names.schema}.${names.table}" not found`, EXIT.table);
    const now = (await client.query('SELECT clock_timestamp() AS now')).rows[0].now as Date;
    const plan = makePlan(names, definition, now);
    const ctx = makeCtx(client, pid, names, plan, opts);
    ctx.stats.bytesBefore = await tableBytes(client, names, names.table);
    await writeJournal(client, names, plan.rebuildId, 'begin', 'done', { ...plan, bytesBefore: ctx.stats.bytesBefore });
    return runSteps(ctx, new Set());
  });
}

/** Go on with an interrupted rebuild from the journal: every step not done yet, in order. */
export async function finishRebuild(connect: Connect, table: { schema: string; name: string }, opts: RebuildOptions = {}): Promise<RebuildStats> {
  const names = rebuildNames(table);
  return withWorkConnection(
    connect,
    names,
    async (client, pid) => {
      const state = journalState(await readLatestRebuild(client, names));
      if (!state || state.closed || !state.plan) throw new ToolError('there is no unfinished rebuild to finish', EXIT.failure);
      const plan = state.plan;
      const ctx = makeCtx(client, pid, names, plan, opts);
      const begin = state.events.find((e) => e.step === 'begin');
      ctx.stats.bytesBefore = Number((begin?.detail as { bytesBefore?: number })?.bytesBefore ?? 0);
      const copy = state.events.find((e) => e.step === 'copy' && e.status === 'done');
      ctx.stats.rowsKept = Number((copy?.detail as { rows?: number })?.rows ?? 0);
      if (!state.swapped) {
        const current = await readDefinition(client, names);
        if (!current || current.oid !== plan.definition.oid) {
          throw new ToolError(`"${names.table}" is not the table the interrupted rebuild started from; run "hatchet-sessions recover --undo"`, EXIT.failure);
        }
        // A step that was not journaled as done left nothing behind except in these cases.
        if (!state.done.has('create_table')) await client.query(sql('rebuild/drop_table', names, { tables: { target: names.newTable } }));
      } else {
        const swap = state.events.find((e) => e.step === 'swap' && e.status === 'done');
        ctx.stats.lockHoldMs = Number((swap?.detail as { lockHoldMsBeforeCommit?: number })?.lockHoldMsBeforeCommit ?? 0);
        ctx.stats.rowsCaptured = Number((swap?.detail as { captured?: number })?.captured ?? 0);
      }
      await writeJournal(client, names, plan.rebuildId, 'recover', 'start', { action: 'finish' });
      return runSteps(ctx, state.done);
    },
    10_000,
  );
}

export { makeCtx as _makeCtx };
export type { TableDefinition };
