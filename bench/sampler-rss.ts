/**
 * Child process of the benchmark: runs the dashboard's Sampler loop (src/sampler.ts) alone against a database
 * for a bounded time and prints its resident memory as one JSON line. Usage: sampler-rss.js URL SECONDS TICK_MS EXACT_MS
 */
import pg from 'pg';
import { Sampler, DEFAULT_SAMPLER } from '../src/sampler.js';

const [url, secondsArg, tickArg, exactArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const tickMs = Number(tickArg);
const exactEveryMs = Number(exactArg);
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'hatchet-sessions-bench-sampler' });
pool.on('error', () => {});
const sampler = new Sampler(
  pool,
  { schema: 'public', name: 'UserSession' },
  { ...DEFAULT_SAMPLER, tickMs, exactEveryMs },
);
let ticks = 0;
let exacts = 0;
let lastSizes: unknown;
let lastExact: unknown;
sampler.subscribe(() => {
  const s = sampler.getSnapshot();
  if (s.sizes !== lastSizes) ticks += 1;
  if (s.exact !== lastExact) exacts += 1;
  lastSizes = s.sizes;
  lastExact = s.exact;
});
const rssStart = process.memoryUsage().rss;
let rssMax = rssStart;
const probe = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
sampler.start();
setTimeout(async () => {
  sampler.abort();
  clearInterval(probe);
  const m = process.memoryUsage();
  rssMax = Math.max(rssMax, m.rss);
  await pool.end().catch(() => {});
  process.stdout.write(
    `${JSON.stringify({ seconds, tickMs, exactEveryMs, ticks, exacts, rssStartMB: mb(rssStart), rssEndMB: mb(m.rss), rssMaxMB: mb(rssMax), heapEndMB: mb(m.heapUsed) })}\n`,
  );
  process.exit(0);
}, seconds * 1000);
