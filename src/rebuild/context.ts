import type pg from 'pg';
import { writeJournal, type JournalStatus } from './journal.js';
import type { RebuildNames } from './names.js';
import type { RebuildPlan } from './plan.js';
import { RebuildInterrupted, type RebuildEvent, type RebuildOptions, type RebuildStats } from './events.js';
import type { StepName } from './steps/index.js';

/** What every step of one rebuild (or recovery) works with: its connection, plan, options and running figures. */
export interface Ctx {
  client: pg.Client;
  pid: number;
  names: RebuildNames;
  plan: RebuildPlan;
  opts: RebuildOptions;
  lockTimeoutMs: number;
  stats: RebuildStats;
  emit: (e: RebuildEvent) => void;
  /** Throws RebuildInterrupted when a stop was asked for: called at the safe points only. */
  checkStop: (step: string) => void;
  hook: (point: string) => Promise<void>;
  /** One journal entry of this rebuild, on the work connection (inside the step's transaction when it has one). */
  journal: (step: StepName | 'rebuild' | 'begin' | 'recover', status: JournalStatus, detail?: unknown) => Promise<void>;
}

export function makeCtx(
  client: pg.Client,
  pid: number,
  names: RebuildNames,
  plan: RebuildPlan,
  opts: RebuildOptions,
): Ctx {
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
      if (opts.signal?.aborted) throw new RebuildInterrupted(step);
    },
    hook: async (point) => {
      await opts.testHook?.(point, pid);
    },
    journal: (step, status, detail) => writeJournal(client, names, plan.rebuildId, step, status, detail),
  };
}
