/**
 * The drain's throttle controller: pure functions and a small state object, no I/O, no clock.
 * Every random draw comes from an injected `random()` so tests are exact.
 */

export interface ThrottleSettings {
  /** Time each batch should take; blocks per batch are tuned toward it. */
  targetBatchMs: number;
  /** Pause after each batch, as a multiple of its duration (0 = no pause). */
  nice: number;
  /** Pause while any replica's replay lag exceeds this (seconds); null = off. */
  maxLagS: number | null;
  /** Pause while more than this many other backends are active; null = off. */
  maxActive: number | null;
  minBlocks: number;
  maxBlocks: number;
  initialBlocks: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  targetBatchMs: 50,
  nice: 0.5,
  maxLagS: 10,
  maxActive: null,
  minBlocks: 1,
  maxBlocks: 20_000,
  initialBlocks: 64,
};

/** Bounds of the live controls (+ / -). */
export const TARGET_BOUNDS = { min: 5, max: 2000 } as const;
export const NICE_BOUNDS = { min: 0, max: 20 } as const;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Blocks for the next batch: scale the last size by target / measured time, with the step limited to
 * halving or growing by half (one slow batch must not collapse the size, one fast empty range must not explode it).
 */
export function nextBlocks(current: number, batchMs: number, settings: Pick<ThrottleSettings, 'targetBatchMs' | 'minBlocks' | 'maxBlocks'>): number {
  const ratio = clamp(settings.targetBatchMs / Math.max(batchMs, 0.1), 0.5, 1.5);
  return Math.round(clamp(current * ratio, settings.minBlocks, settings.maxBlocks));
}

/** Pause after a batch: nice × batch time, ±20 % jitter (so parallel tools do not fall in step). */
export function nicePauseMs(batchMs: number, nice: number, random: () => number = Math.random): number {
  if (nice <= 0) return 0;
  const base = nice * batchMs;
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}

/** Backoff after the n-th consecutive error (n from 1): exponential, capped, with "equal jitter". */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 200, capMs = 10_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export type ThrottleReason = 'paused' | 'replica-lag' | 'active-backends';

export interface LoadSample {
  /** Highest replay lag of any replica in seconds (null: no replica or unknown). */
  replicaLagS: number | null;
  /** Other active client backends. */
  activeBackends: number | null;
}

/** Why the drain must wait now, or null. Any reason wins; the operator's pause is named first. */
export function throttleReason(
  sample: LoadSample,
  settings: Pick<ThrottleSettings, 'maxLagS' | 'maxActive'>,
  paused = false,
): ThrottleReason | null {
  if (paused) return 'paused';
  if (settings.maxLagS !== null && sample.replicaLagS !== null && sample.replicaLagS > settings.maxLagS) return 'replica-lag';
  if (settings.maxActive !== null && sample.activeBackends !== null && sample.activeBackends > settings.maxActive) return 'active-backends';
  return null;
}

/** Words for a reason, for the screen and the text output. */
export function describeReason(reason: ThrottleReason | null, sample?: LoadSample, settings?: ThrottleSettings): string {
  switch (reason) {
    case null:
      return 'running';
    case 'paused':
      return 'paused by the operator';
    case 'replica-lag':
      return `replica lag ${sample?.replicaLagS?.toFixed(1) ?? '?'}s > ${settings?.maxLagS ?? '?'}s`;
    case 'active-backends':
      return `${sample?.activeBackends ?? '?'} active backends > ${settings?.maxActive ?? '?'}`;
  }
}

/** `+`: longer batches, shorter pauses. */
export function faster(s: ThrottleSettings): ThrottleSettings {
  const nice = s.nice / 1.5 < 0.05 ? 0 : s.nice / 1.5;
  return { ...s, targetBatchMs: Math.round(clamp(s.targetBatchMs * 1.5, TARGET_BOUNDS.min, TARGET_BOUNDS.max)), nice: round2(nice) };
}

/** `-`: shorter batches, longer pauses (a nice of 0 becomes 0.25). */
export function slower(s: ThrottleSettings): ThrottleSettings {
  const nice = s.nice === 0 ? 0.25 : clamp(s.nice * 1.5, NICE_BOUNDS.min, NICE_BOUNDS.max);
  return { ...s, targetBatchMs: Math.round(clamp(s.targetBatchMs / 1.5, TARGET_BOUNDS.min, TARGET_BOUNDS.max)), nice: round2(nice) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of unsorted values (0 when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[clamp(rank - 1, 0, sorted.length - 1)]!;
}
