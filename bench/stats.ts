/** Small statistics helpers for the benchmark (pure, no I/O). */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (values: readonly number[]) => percentile(values, 50);

export interface Spread {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

/**
 * Growth of batch time over a run: median of the last tenth of batches over the median of the first tenth
 * (in run order). Undefined with fewer than 10 batches.
 */
export function growth(batchMs: readonly number[]): number | undefined {
  if (batchMs.length < 10) return undefined;
  const tenth = Math.max(1, Math.floor(batchMs.length / 10));
  const first = median(batchMs.slice(0, tenth));
  const last = median(batchMs.slice(batchMs.length - tenth));
  return first > 0 ? last / first : undefined;
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return 'n/a';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function fmtS(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return 'n/a';
  const s = ms / 1000;
  return s >= 100 ? s.toFixed(0) : s.toFixed(1);
}

export function fmtInt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${units[i]}`;
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || Number.isNaN(r) || !Number.isFinite(r)) return 'n/a';
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x`;
}
