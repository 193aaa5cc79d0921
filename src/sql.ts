import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import type { RebuildNames } from './rebuild/names.js';
import type { SqlName } from './sql-names.js';

export type { SqlName } from './sql-names.js';

/**
 * The package's root: the nearest directory above this module that holds a package.json (the repository when run
 * from source, src/; the installed package when built, dist/src/), which must be ours. Found once, on first use.
 */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    let manifest: string | undefined;
    try {
      manifest = readFileSync(path.join(dir, 'package.json'), 'utf8');
    } catch {
      // none here: go up
    }
    if (manifest !== undefined) {
      if ((JSON.parse(manifest) as { name?: string }).name !== 'hatchet-sessions') {
        throw new Error(
          `${dir}/package.json is not hatchet-sessions: sql/ is found next to the package's own package.json`,
        );
      }
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}: sql/ is found next to it`);
    dir = up;
  }
}

let sqlDir: string | undefined;

/** The directory of every statement: sql/ at the package's root. */
export function sqlDirectory(): string {
  sqlDir ??= path.join(packageRoot(), 'sql');
  return sqlDir;
}

const cache = new Map<SqlName, string>();

/** The raw text of sql/<name>.sql (comments kept, placeholders unfilled). */
export function rawSql(name: SqlName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(sqlDirectory(), `${name}.sql`), 'utf8').trim();
    cache.set(name, text);
  }
  return text;
}

/** The table every statement works on, with both names escaped for SQL. */
export interface TableRef {
  schema: string;
  name: string;
}

export const quoteIdent = (name: string) => pg.escapeIdentifier(name);

/** A text as a SQL string literal, only where PostgreSQL takes no $n parameter (DDL: COMMENT ON, PASSWORD). */
export const quoteLiteral = (text: string) => pg.escapeLiteral(text);

export function qualified(table: TableRef): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** What a statement's placeholders are filled with, besides those of its scope. */
export interface SqlFill {
  /** Relations of the scope's schema, qualified and escaped ({{target}}, {{index}}). */
  tables?: Record<string, string>;
  /** Plain escaped identifiers ({{owner}}, {{constraint}}, {{to}}). */
  idents?: Record<string, string>;
  /** Escaped string literals, for DDL only (where PostgreSQL takes no parameter). */
  literals?: Record<string, string>;
  /** Text the caller built from server-given definitions or checked against a whitelist (names.ts's checkers). */
  raw?: Record<string, string>;
}

const isRebuild = (scope: TableRef | RebuildNames): scope is RebuildNames => 'newTable' in scope;

/**
 * sql/<name>.sql ready to run: the one template engine. Placeholders are names, never values (values are always $n
 * parameters); every name is an escaped identifier. Filled from the scope:
 * - a table: {{table}} (qualified), {{schema}};
 * - a rebuild's names (src/rebuild/names.ts): the same for its live table, and its own objects {{new}}, {{log}},
 *   {{copied}}, {{func}}, {{journal}} (qualified), {{trigger}}, {{log_pending}};
 * - null: a statement on no table (the demo's role and database);
 * always {{rule}} (Hatchet's deletable rule, sql/rule.sql), then `fill` (see SqlFill). An unknown placeholder throws.
 */
export function sql(name: SqlName, scope: TableRef | RebuildNames | null, fill: SqlFill = {}): string {
  const values = new Map<string, string>([['rule', ruleText()]]);
  let q = (rel: string): string => {
    throw new Error(`sql/${name}.sql: {{tables}} need a schema: the statement was given no table (${rel})`);
  };
  if (scope) {
    const schema = scope.schema;
    q = (rel) => qualified({ schema, name: rel });
    values.set('table', q(isRebuild(scope) ? scope.table : scope.name));
    values.set('schema', quoteIdent(schema));
  }
  if (scope && isRebuild(scope)) {
    const objects = {
      new: scope.newTable,
      log: scope.log,
      copied: scope.copied,
      func: scope.func,
      journal: scope.journal,
    };
    for (const [key, rel] of Object.entries(objects)) values.set(key, q(rel));
    values.set('trigger', quoteIdent(scope.trigger));
    values.set('log_pending', quoteIdent(scope.logPending));
  }
  const add = (kind: string, entries: Record<string, string> | undefined, fillWith: (v: string) => string) => {
    for (const [key, value] of Object.entries(entries ?? {})) {
      if (values.has(key)) throw new Error(`sql/${name}.sql: {{${key}}} given twice (${kind})`);
      values.set(key, fillWith(value));
    }
  };
  add('tables', fill.tables, q);
  add('idents', fill.idents, quoteIdent);
  add('literals', fill.literals, quoteLiteral);
  add('raw', fill.raw, (v) => v);
  return rawSql(name).replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`sql/${name}.sql: unknown placeholder ${whole}`);
    return value;
  });
}

/** Hatchet's deletable rule (sql/rule.sql) without its comments, as {{rule}} fills it. */
export function ruleText(): string {
  return rawSql('rule')
    .replace(/^--.*$/gm, '')
    .trim();
}
