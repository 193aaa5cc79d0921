import { withTransaction } from '../db.js';
import { EXIT, ToolError } from '../errors.js';
import { sql, type TableRef } from '../sql.js';
import { makeCtx } from './context.js';
import { readDefinition } from './definition.js';
import type { Connect, RebuildOptions } from './events.js';
import { journalState, readLatestRebuild, writeJournal } from './journal.js';
import { detectLeftovers, dropCaptureObjects } from './leftovers.js';
import { takeRebuildLock, withLockRetry } from './lock.js';
import { makePlan } from './plan.js';
import { rebuildNames } from './names.js';

/**
 * Undo an interrupted rebuild that has not swapped: remove the capture trigger (short lock_timeout, retried),
 * the function, the log and the new table. "UserSession" was never changed; it stays in use, complete.
 * (Finishing one instead is the runner's: finishRebuild in runner.ts.)
 */
export async function undoRebuild(
  connect: Connect,
  table: TableRef,
  opts: RebuildOptions = {},
): Promise<{ removed: string[] }> {
  const names = rebuildNames(table);
  const client = await connect();
  try {
    await takeRebuildLock(
      client,
      names,
      10_000,
      (pid) => `a rebuild is running (backend pid ${pid}); refusing to undo it under its feet`,
    );
    const state = journalState(await readLatestRebuild(client, names));
    if (state && !state.closed && state.swapped) {
      throw new ToolError(
        `the swap of rebuild ${state.rebuildId} is committed: "${names.table}" is the rebuilt table and takes writes; undoing would lose them. ` +
          `Run "hatchet-sessions recover" (without --undo) to finish it; the original rows stay in "${state.plan?.backupTable}"`,
        EXIT.failure,
      );
    }
    const before = await detectLeftovers(client, table);
    const definition = await readDefinition(client, names);
    if (!definition) throw new ToolError(`table "${names.schema}.${names.table}" not found`, EXIT.table);
    const plan = state?.plan ?? makePlan(names, definition, new Date());
    const ctx = makeCtx(client, 0, names, { ...plan, definition }, opts);
    // The trigger first: from its removal on, writes cost Hatchet nothing extra.
    await withLockRetry(ctx, 'capture', async () => {
      await client.query(sql('rebuild/drop_trigger', names));
    });
    await withTransaction(client, async () => {
      await dropCaptureObjects(client, names);
      await client.query(sql('rebuild/drop_table', names, { tables: { target: names.newTable } }));
      if (state && !state.closed)
        await writeJournal(client, names, state.rebuildId, 'rebuild', 'undone', { removed: before.objects });
    });
    return { removed: before.objects };
  } finally {
    await client.end().catch(() => {});
  }
}
