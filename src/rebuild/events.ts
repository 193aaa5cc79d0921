import type pg from 'pg';
import { EXIT, ToolError } from '../errors.js';
import type { AutovacuumWorker } from './autovacuum.js';
import type { StepName } from './steps/index.js';

export interface Blocker {
  pid: number;
  ageSeconds: number;
  state: string | null;
  mode: string;
  granted: boolean;
  query: string | null;
}

export type RebuildEvent =
  | {
      type: 'step';
      step: StepName;
      status: 'start' | 'done' | 'skipped';
      ms?: number;
      detail?: Record<string, unknown>;
    }
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
  /** Aborted: stop at the next safe point (before a step, at a lock retry, at a safe point inside a step). */
  signal?: AbortSignal;
  /** Tests only: called at named points with the work connection's backend pid (to kill it, or throw). */
  testHook?: (point: string, pid: number) => Promise<void> | void;
}

export class RebuildInterrupted extends ToolError {
  constructor(step: string) {
    super(`rebuild stopped during "${step}"; "hatchet-sessions recover" finishes or undoes it`, EXIT.failure);
    this.name = 'RebuildInterrupted';
  }
}

/** A new connection for a rebuild's, a recovery's or a drop's work (the caller ends it). */
export type Connect = () => Promise<pg.Client>;
