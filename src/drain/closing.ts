import type pg from 'pg';
import { describeError } from '../errors.js';
import { sql, type TableRef } from '../sql.js';
import { countDeletable } from './plan.js';
import type { ClosingFigures } from './summary.js';
import type { DrainPhase } from './types.js';

/** The figures of a drain that ran no closing step (it failed before it knew the table). */
export const noClosing = (): ClosingFigures => ({
  remainingDeletable: null,
  analyzed: false,
  vacuumed: false,
  heapBytes: 0,
  liveRowsAfter: 0,
});

/** What the closing steps need of the drain: its connection (made again when lost) and its phase. */
export interface ClosingContext {
  table: TableRef;
  /** Count the deletable rows left (a full scan); default true. */
  countRemaining?: boolean;
  /** VACUUM instead of ANALYZE. */
  vacuum?: boolean;
  setPhase(phase: DrainPhase): void;
  connect(): Promise<pg.Client>;
  dropClient(): Promise<void>;
}

/**
 * The drain's closing steps, after the sweep: the final count, ANALYZE (or VACUUM), the table's size after. Each
 * gets two tries on a new connection if it must, so a drain stopped by a lost connection still reports; the first
 * step that fails twice gives the error the summary shows.
 */
export async function closingSteps(ctx: ClosingContext): Promise<{ closing: ClosingFigures; error?: string }> {
  const closing = noClosing();
  let error: string | undefined;
  const step = async (phase: DrainPhase, fn: (c: pg.Client) => Promise<void>) => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        ctx.setPhase(phase);
        return await fn(await ctx.connect());
      } catch (err) {
        await ctx.dropClient();
        if (attempt === 2) error ??= `${phase}: ${describeError(err)}`;
      }
    }
  };
  const { table } = ctx;
  if (ctx.countRemaining !== false) {
    await step('counting', async (c) => {
      closing.remainingDeletable = await countDeletable(c, table);
    });
  }
  if (ctx.vacuum) {
    await step('vacuuming', async (c) => {
      await c.query(sql('table/vacuum', table));
      closing.vacuumed = true;
      closing.analyzed = true;
    });
  } else {
    await step('analyzing', async (c) => {
      await c.query(sql('table/analyze', table));
      closing.analyzed = true;
    });
  }
  await step('analyzing', async (c) => {
    const row = (await c.query(sql('drain/after', table), [table.schema, table.name])).rows[0];
    closing.heapBytes = Number(row?.heap_bytes ?? 0);
    closing.liveRowsAfter = Number(row?.live_rows ?? 0);
  });
  return { closing, error };
}
