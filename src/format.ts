/** Number formatting shared by the console and the text output. */

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '-';
  const p = (100 * part) / whole;
  if (p > 0 && p < 0.1) return '<0.1%';
  if (p > 99.9 && p < 100) return '>99.9%';
  // One decimal near the ends, where the difference matters (99.9 % anonymous is not 100 %).
  return `${(p < 10 || p > 90) && !Number.isInteger(p) ? p.toFixed(1) : Math.round(p)}%`;
}

/** "12s", "5m", "3h", "2d" ago-style durations. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

export function formatAgo(when: Date | null, now: Date): string {
  if (!when) return 'never';
  const ms = now.getTime() - when.getTime();
  // The server's clock may run a little ahead of ours: under a second is "just now" either way.
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest; zero shows as '·' so empty hours stay visible. */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) =>
      v <= 0 || max === 0 ? '·' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))],
    )
    .join('');
}
