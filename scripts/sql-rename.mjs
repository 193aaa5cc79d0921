#!/usr/bin/env node
// Renames the statements of sql/ at their call sites: from the flat names (sql/drain_batch.sql, 'drain_batch') to
// the folders per area (sql/drain/batch.sql, 'drain/batch'). It only rewrites text, it never moves a file (the files
// were moved with `git mv`); run it again after merging a branch written against the old names, then `npm run build`:
// a name it could not see (one built at run time) fails tsc, since every name is a SqlName (src/sql-names.ts).
//
//   node scripts/sql-rename.mjs            rewrite, listing each file changed
//   node scripts/sql-rename.mjs --dry-run  only list what it would change
//
// What it rewrites, in .ts/.tsx files under src/, components/, bench/, test/ and cli.ts, main.ts:
// - a string literal that is exactly an old name ('drain_batch', "drain_batch") when the name carries its area
//   ('drain_', 'rebuild_', ...); names that are or could be ordinary words ('analyze', a rebuild step; 'replica_lag')
//   only as the first argument of sql(/rawSql(/rsql( or inside a `files: [...]` list, and it lists those left
//   elsewhere (`left: file:line`) to be checked by hand;
// - the paths sql/<old>.sql (comments, messages, also sql/bench_*.sql style globs), here and in README.md and docs/*.md;
// - rsql(...) (the rebuild's template engine, folded into sql()) to sql(...), and its import from rebuild/names.js to
//   an import of sql from src/sql.js.
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Old flat name -> new name (sql/<new>.sql). */
export const RENAMES = {
  // drain/: the drain's batches, its plan and its throttle's reads
  drain_after: 'drain/after',
  drain_batch: 'drain/batch',
  drain_batch_settings: 'drain/batch_settings',
  drain_batch_skip_locked: 'drain/batch_skip_locked',
  drain_estimate: 'drain/estimate',
  drain_prune: 'drain/prune',
  drain_remaining: 'drain/remaining',
  drain_session_settings: 'drain/session_settings',
  drain_table_blocks: 'drain/table_blocks',
  drain_xact_status: 'drain/xact_status',
  active_backends: 'drain/active_backends',
  replica_lag: 'drain/replica_lag',
  wal_lsn: 'drain/wal_lsn',
  // table/: maintenance of the table itself, shared by drain, rebuild, demo and bench
  analyze: 'table/analyze',
  vacuum: 'table/vacuum',
  // session/: this connection and its settings
  backend_pid: 'session/backend_pid',
  cancel_backend: 'session/cancel_backend',
  wal_compression_current: 'session/wal_compression_current',
  wal_compression_set: 'session/wal_compression_set',
  rebuild_set_local: 'session/set_local',
  rebuild_set_session: 'session/set_session',
  // inspect/: read-only looks at the server and the table (inspect, status, growth, dashboard)
  inspect_index: 'inspect/index',
  inspect_server: 'inspect/server',
  inspect_table: 'inspect/table',
  goose_exists: 'inspect/goose_exists',
  goose_latest: 'inspect/goose_latest',
  status_counts: 'inspect/status_counts',
  table_sizes: 'inspect/table_sizes',
  recent_created: 'inspect/recent_created',
  growth_daily: 'inspect/growth_daily',
  growth_hourly: 'inspect/growth_hourly',
  growth_rates: 'inspect/growth_rates',
  // index/: create-index (Hatchet's late createdAt index)
  create_index_hatchet: 'index/create',
  create_index_progress: 'index/progress',
  drop_index_hatchet_invalid: 'index/drop_invalid',
  // schedule/: the runner lock
  runner_lock_holder: 'schedule/runner_lock_holder',
  runner_lock_release: 'schedule/runner_lock_release',
  runner_lock_try: 'schedule/runner_lock_try',
  // demo/
  demo_schema: 'demo/schema',
  demo_seed_anonymous: 'demo/seed_anonymous',
  demo_seed_authenticated: 'demo/seed_authenticated',
  demo_traffic_login: 'demo/traffic_login',
  demo_traffic_logout: 'demo/traffic_logout',
  demo_traffic_visit: 'demo/traffic_visit',
  demo_users: 'demo/users',
};
// bench_<x> -> bench/<x>, rebuild_<x> -> rebuild/<x> (after the exceptions above).
const PREFIXES = [
  ['bench_', 'bench/'],
  ['rebuild_', 'rebuild/'],
  ['drain_', 'drain/'],
  ['demo_', 'demo/'],
];

export function renamed(old) {
  if (Object.hasOwn(RENAMES, old)) return RENAMES[old];
  for (const [from, to] of PREFIXES) if (old.startsWith(from)) return to + old.slice(from.length);
  return undefined;
}

/** Every old name, from the files the old layout had (kept here so the script runs after the move). */
const OLD_NAMES = new Set([
  ...Object.keys(RENAMES),
  ...`bench_count_deletable bench_ctid_loop bench_drop_backup bench_drop_index bench_hatchet_loop bench_load_login
  bench_load_read bench_load_visit bench_rebuild_fresh bench_rebuild_one_tx bench_rebuild_one_tx_index
  bench_seed_anonymous bench_single_delete rebuild_add_foreign_key rebuild_add_primary_key rebuild_add_unique
  rebuild_autovacuum_blockers rebuild_autovacuum_off rebuild_backlog rebuild_backup_autovacuum_off
  rebuild_backup_delete_tail rebuild_backup_lock_share rebuild_backup_truncating rebuild_backup_vacuum rebuild_blocks
  rebuild_cancel_autovacuum rebuild_capture_function rebuild_capture_trigger rebuild_comment_table rebuild_constraints
  rebuild_copied_create rebuild_copy_batch rebuild_create_index rebuild_create_table rebuild_dependents
  rebuild_drop_constraint rebuild_drop_function rebuild_drop_index rebuild_drop_table rebuild_drop_trigger
  rebuild_estimate rebuild_find_backups rebuild_function_exists rebuild_grant rebuild_grant_with_option
  rebuild_indexes rebuild_journal_create rebuild_journal_latest rebuild_journal_write rebuild_lock_holder
  rebuild_lock_holders rebuild_lock_tables rebuild_lock_try rebuild_log_create rebuild_log_index
  rebuild_long_transactions rebuild_relation_bytes rebuild_relation_exists rebuild_rename_constraint
  rebuild_rename_index rebuild_rename_table rebuild_replay_claim rebuild_replay_delete rebuild_replay_insert
  rebuild_reset_reloptions rebuild_set_owner rebuild_set_reloptions rebuild_table_info rebuild_terminate_backend
  rebuild_trigger_exists rebuild_validate_constraint rebuild_verify_rows rebuild_verify_rows_scan`.split(/\s+/),
]);
/**
 * Names that are also ordinary words in the code ('analyze' is a rebuild step) or could be (a metric, a JSON key):
 * only rewritten where a statement's name goes. The others carry their area's prefix and are rewritten everywhere.
 */
const PLAIN = new Set([
  ...[...OLD_NAMES].filter((n) => !n.includes('_')),
  ...'active_backends replica_lag wal_lsn backend_pid cancel_backend status_counts table_sizes recent_created'.split(
    ' ',
  ),
]);

const lit = /(['"])([a-z][a-z0-9_]*)\1/g;

function rewriteLiterals(text) {
  // Distinctive names: any string literal that is exactly one.
  let out = text.replace(lit, (whole, q, name) =>
    OLD_NAMES.has(name) && !PLAIN.has(name) ? q + renamed(name) + q : whole,
  );
  // Plain words: the first argument of the engine, or an item of a `files: [...]` list.
  out = out.replace(/\b((?:r?sql|rawSql)\(\s*)(['"])([a-z][a-z0-9_]*)\2/g, (whole, pre, q, name) =>
    PLAIN.has(name) ? pre + q + renamed(name) + q : whole,
  );
  out = out.replace(/\bfiles:\s*\[[^\]]*\]/g, (list) =>
    list.replace(lit, (whole, q, name) => (PLAIN.has(name) ? q + renamed(name) + q : whole)),
  );
  return out;
}

/** sql/drain_batch.sql -> sql/drain/batch.sql; sql/bench_load_*.sql -> sql/bench/load_*.sql. */
function rewritePaths(text) {
  return text.replace(/\bsql\/([a-z][a-z0-9_]*)(\*?)(\.sql)?\b/g, (whole, name, star, ext) => {
    if (!star && !ext) return whole;
    const to = star ? PREFIXES.find(([p]) => name.startsWith(p)) : undefined;
    if (star && to) return `sql/${to[1]}${name.slice(to[0].length)}${star}${ext ?? ''}`;
    if (!star && OLD_NAMES.has(name)) return `sql/${renamed(name)}${ext}`;
    return whole;
  });
}

/** rsql( -> sql(, and its import from rebuild/names.js -> an import of sql from src/sql.js. */
function rewriteRsql(text, file) {
  if (!/\brsql\b/.test(text)) return text;
  let out = text.replace(/(?<!function\s+)\brsql\(/g, 'sql(');
  let needsImport = false;
  const items = (list) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const importLine = (names, q, from) =>
    names.every((n) => n.startsWith('type '))
      ? `import type { ${names.map((n) => n.slice(5)).join(', ')} } from ${q}${from}${q};`
      : `import { ${names.join(', ')} } from ${q}${from}${q};`;
  out = out.replace(/^import\s*\{([^}]*)\}\s*from\s*(['"])([^'"]*names\.js)\2;?[ \t]*\n/gm, (whole, list, q, from) => {
    if (!items(list).includes('rsql')) return whole;
    needsImport = true;
    const rest = items(list).filter((s) => s !== 'rsql');
    return rest.length ? `${importLine(rest, q, from)}\n` : '';
  });
  if (!needsImport) return out;
  const spec = path
    .relative(path.dirname(file), path.join(ROOT, 'src', 'sql.js'))
    .split(path.sep)
    .join('/');
  const from = spec.startsWith('.') ? spec : `./${spec}`;
  const quoted = from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const existing = new RegExp(`^import(\\s+type)?\\s*\\{([^}]*)\\}\\s*from\\s*(['"])${quoted}\\3;?`, 'm').exec(out);
  if (existing) {
    const names = items(existing[2]).map((n) => (existing[1] && !n.startsWith('type ') ? `type ${n}` : n));
    if (!names.includes('sql')) out = out.replace(existing[0], importLine(['sql', ...names], "'", from));
  } else {
    const imports = [...out.matchAll(/^import[^;]*;[ \t]*$/gm)];
    const last = imports[imports.length - 1];
    const at = last ? last.index + last[0].length : 0;
    out = `${out.slice(0, at)}\nimport { sql } from '${from}';${out.slice(at)}`;
  }
  return out;
}

function walk(dir, test, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, test, acc);
    else if (test(full)) acc.push(full);
  }
  return acc;
}

const isTs = (f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts');
/** Not rewritten: the generated names, and the test of this script (its examples are the old names). */
const KEEP = [path.join('src', 'sql-names.ts'), path.join('test', 'sql.test.ts')].map((f) => path.join(ROOT, f));

/** One file's text after the rename. */
export function rewrite(text, file) {
  const after = rewritePaths(text);
  return isTs(file) ? rewriteRsql(rewriteLiterals(after), file) : after;
}

/** Rewrite every file (with dryRun only list them); returns the files changed, relative to the root. */
export function renameAll({ dryRun = false, log = console.log } = {}) {
  const code = [
    ...['src', 'components', 'bench', 'test'].flatMap((d) => walk(path.join(ROOT, d), isTs)),
    ...['cli.ts', 'main.ts'].map((f) => path.join(ROOT, f)).filter(existsSync),
  ].filter((f) => !KEEP.includes(f));
  const docs = [path.join(ROOT, 'README.md'), ...walk(path.join(ROOT, 'docs'), (f) => f.endsWith('.md'))].filter(
    existsSync,
  );
  const changed = [];
  for (const file of [...code, ...docs]) {
    const before = readFileSync(file, 'utf8');
    const after = rewrite(before, file);
    if (isTs(file)) {
      // An old name left where the script does not rewrite it (one that could be an ordinary word, outside the
      // engine's calls): shown, to be checked by hand ('analyze' and 'vacuum' are also step names: not shown).
      after.split('\n').forEach((text, i) => {
        for (const [, , name] of text.matchAll(lit)) {
          if (OLD_NAMES.has(name) && name.includes('_'))
            log(
              `left: ${path.relative(ROOT, file)}:${i + 1} '${name}' (a statement's name would be '${renamed(name)}')`,
            );
        }
      });
    }
    if (after === before) continue;
    changed.push(path.relative(ROOT, file));
    log(`${dryRun ? 'would rewrite' : 'rewrote'} ${path.relative(ROOT, file)}`);
    if (!dryRun) writeFileSync(file, after);
  }
  const flat = readdirSync(path.join(ROOT, 'sql')).filter((f) => f.endsWith('.sql') && f !== 'rule.sql');
  for (const f of flat) log(`note: sql/${f} is still flat: move it into its area with git mv (and add it to RENAMES)`);
  log(`${changed.length} file(s) ${dryRun ? 'to rewrite' : 'rewritten'}`);
  return changed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  renameAll({ dryRun: process.argv.includes('--dry-run') });
}
