import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import pg from 'pg';
import { SQL_NAMES } from '../src/sql-names.js';
import { rawSql, sql, sqlDirectory } from '../src/sql.js';
import { rebuildNames } from '../src/rebuild/names.js';
// @ts-expect-error: a plain script, no types
import { render, sqlNames } from '../scripts/sql-names.mjs';
// @ts-expect-error: a plain script, no types
import { rewrite } from '../scripts/sql-rename.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

function walk(dir: string, acc: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, acc);
    else if (/\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) acc.push(full);
  }
  return acc;
}

const parsed = new Map<string, ts.SourceFile>();
function source(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
    parsed.set(file, sf);
  }
  return sf;
}

function visit(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node);
  ts.forEachChild(node, (child) => visit(child, fn));
}

/** The text of a string or template literal (a template's expressions as `_x_`), or undefined. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => `_x_${s.literal.text}`).join('');
  return undefined;
}

const line = (node: ts.Node) => node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;

const GENERATED = path.join(ROOT, 'src', 'sql-names.ts');
/** Where a statement may be named: the code and its tests. */
const CODE = [
  ...['src', 'components', 'bench', 'test'].flatMap((d) => walk(path.join(ROOT, d))),
  path.join(ROOT, 'cli.ts'),
  path.join(ROOT, 'main.ts'),
].filter((f) => f !== GENERATED);
/** Where no statement may be written inline: the tool itself (tests and benchmarks set up what they need). */
const TOOL = CODE.filter((f) => /^(src|components)\//.test(rel(f)) && !/\.test\.tsx?$/.test(f));

describe('names', () => {
  test('src/sql-names.ts is current (npm run build writes it)', () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(render(sqlNames(ROOT)));
    expect([...SQL_NAMES]).toEqual(sqlNames(ROOT));
  });

  test('sql/ is the one next to package.json, and every name reads its file', () => {
    expect(sqlDirectory()).toBe(path.join(ROOT, 'sql'));
    for (const name of SQL_NAMES) expect(rawSql(name).length).toBeGreaterThan(0);
  });

  test('every name given to sql() or rawSql() anywhere is a file (tests included, which tsc does not check)', () => {
    const unknown: string[] = [];
    const known = new Set<string>(SQL_NAMES);
    for (const file of CODE) {
      visit(source(file), (n) => {
        if (!ts.isCallExpression(n) || !ts.isIdentifier(n.expression) || !['sql', 'rawSql'].includes(n.expression.text))
          return;
        const first = n.arguments[0];
        if (!first) return;
        // The name, or each name a condition picks.
        const names = (e: ts.Expression): void => {
          while (ts.isParenthesizedExpression(e)) e = e.expression;
          if (ts.isConditionalExpression(e)) return [e.whenTrue, e.whenFalse].forEach(names);
          const text = ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : undefined;
          if (text !== undefined && !known.has(text)) unknown.push(`${rel(file)}:${line(e)} '${text}'`);
        };
        names(first);
      });
    }
    expect(unknown).toEqual([]);
  });

  test('every file in sql/ is used: named in the code or its tests, or filled in by a placeholder ({{rule}})', () => {
    const named = new Set<string>();
    for (const file of CODE) {
      visit(source(file), (n) => {
        const text = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined;
        if (text !== undefined) named.add(text);
      });
    }
    for (const name of SQL_NAMES) for (const [, key] of rawSql(name).matchAll(/\{\{(\w+)\}\}/g)) named.add(key!);
    expect(SQL_NAMES.filter((n) => !named.has(n))).toEqual([]);
  });

  test('the rename script maps the old flat names and paths, and leaves plain words alone', () => {
    const file = path.join(ROOT, 'src', 'x.ts');
    expect(rewrite(`c.query(rsql('rebuild_drop_table', names)); // sql/rebuild_drop_table.sql\n`, file)).toBe(
      `c.query(sql('rebuild/drop_table', names)); // sql/rebuild/drop_table.sql\n`,
    );
    expect(rewrite(`sql('analyze', t); step: 'analyze'; files: ['analyze', 'rebuild_set_local']`, file)).toBe(
      `sql('table/analyze', t); step: 'analyze'; files: ['table/analyze', 'session/set_local']`,
    );
    expect(rewrite('the statements in `sql/bench_*.sql` and sql/bench_load_*.sql', path.join(ROOT, 'README.md'))).toBe(
      'the statements in `sql/bench/*.sql` and sql/bench/load_*.sql',
    );
    const imports = `import type pg from 'pg';\nimport { literal, rsql, type RebuildNames } from './names.js';\nimport type { TableRef } from '../sql.js';\n\nrsql('rebuild_grant', n);\n`;
    expect(rewrite(imports, path.join(ROOT, 'src', 'rebuild', 'steps', 'grant.ts'))).toBe(
      `import type pg from 'pg';\nimport { literal, type RebuildNames } from './names.js';\nimport type { TableRef } from '../sql.js';\nimport { sql } from '../../sql.js';\n\nsql('rebuild/grant', n);\n`,
    );
    expect(
      rewrite(
        `import { rsql, type RebuildNames } from './names.js';\nimport type { TableRef } from '../sql.js';\n`,
        path.join(ROOT, 'src', 'rebuild', 'x.ts'),
      ),
    ).toBe(`import type { RebuildNames } from './names.js';\nimport { sql, type TableRef } from '../sql.js';\n`);
  });
});

describe('the template engine', () => {
  const table = { schema: 'my "schema"', name: 'User"Session' };

  test('names are escaped identifiers, the rule is filled in, values stay $n parameters', () => {
    const text = sql('drain/batch', table);
    expect(text).toContain('"my ""schema"""."User""Session"');
    expect(text).not.toContain('{{');
    expect(text).toContain('$1');
  });

  test('a rebuild scope adds its objects; tables, idents, literals are escaped; an unknown placeholder throws', () => {
    const names = rebuildNames(table);
    expect(sql('rebuild/drop_table', names, { tables: { target: names.newTable } })).toContain(
      '"my ""schema"""."User""Session_rebuild_new"',
    );
    expect(sql('demo/create_role', null, { idents: { role: 'a"b' }, literals: { password: "it's" } })).toMatch(
      /ROLE "a""b" LOGIN PASSWORD 'it''s'/,
    );
    expect(() => sql('demo/create_role', null, { idents: { role: 'r' } })).toThrow(
      /unknown placeholder \{\{password\}\}/,
    );
    expect(() => sql('drain/batch', null)).toThrow(/unknown placeholder \{\{table\}\}/);
    expect(() => sql('rebuild/drop_table', names, { idents: { table: 'x' } })).toThrow(/given twice/);
  });

  test('every placeholder in sql/ is one the engine fills, from its scope or a caller', () => {
    const scope = ['table', 'schema', 'rule', 'new', 'log', 'copied', 'func', 'journal', 'trigger', 'log_pending'];
    const byCallers = new Set<string>();
    // Keys callers give in `tables`, `idents`, `literals`, `raw` anywhere in the code.
    for (const file of CODE) {
      visit(source(file), (n) => {
        if (
          !ts.isPropertyAssignment(n) ||
          !ts.isIdentifier(n.name) ||
          !['tables', 'idents', 'literals', 'raw'].includes(n.name.text)
        )
          return;
        if (ts.isObjectLiteralExpression(n.initializer)) {
          for (const p of n.initializer.properties)
            if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) byCallers.add(p.name.text);
        }
      });
      // `const idents = { role, database }` given as { idents }.
      visit(source(file), (n) => {
        if (
          ts.isVariableDeclaration(n) &&
          ts.isIdentifier(n.name) &&
          ['tables', 'idents', 'literals', 'raw'].includes(n.name.text) &&
          n.initializer &&
          ts.isObjectLiteralExpression(n.initializer)
        ) {
          for (const p of n.initializer.properties) if (p.name && ts.isIdentifier(p.name)) byCallers.add(p.name.text);
        }
      });
    }
    const unfilled: string[] = [];
    for (const name of SQL_NAMES) {
      for (const [, key] of rawSql(name).matchAll(/\{\{(\w+)\}\}/g))
        if (!scope.includes(key!) && !byCallers.has(key!)) unfilled.push(`${name}: {{${key}}}`);
    }
    expect(unfilled).toEqual([]);
  });
});

/**
 * A statement written in a string: the shapes of every kind of statement, upper case as the tool writes SQL, each
 * with what makes it a statement rather than a word in a message ('ANALYZE' the step label, 'SELECT' the privilege,
 * `CREATE INDEX CONCURRENTLY <name>` the progress message are not).
 */
const STATEMENT = new RegExp(
  [
    String.raw`SELECT\s[\s\S]*\bFROM\s`,
    String.raw`SELECT\s+[\w.]+\s*\(`,
    String.raw`INSERT\s+INTO\s`,
    String.raw`UPDATE\s+\S+\s+SET\s`,
    String.raw`DELETE\s+FROM\s`,
    String.raw`(CREATE|DROP|ALTER)\s+(UNIQUE\s+)?INDEX\s[\s\S]*\bON\s`,
    String.raw`DROP\s+INDEX\s+(CONCURRENTLY\s+)?IF\s+EXISTS\s`,
    String.raw`(CREATE|DROP|ALTER)\s+(TABLE|ROLE|USER|DATABASE|SCHEMA|EXTENSION|VIEW|SEQUENCE|TRIGGER|FUNCTION|PROCEDURE|TYPE|POLICY|SYSTEM|OR\s+REPLACE)\s`,
    String.raw`LOCK\s+(TABLE\s+)?\S+\s+IN\s`,
    String.raw`TRUNCATE\s+(TABLE\s+)?\S`,
    String.raw`(VACUUM|ANALYZE|REINDEX|CLUSTER)\s*(\(|\s+["\w])`,
    String.raw`(BEGIN|START\s+TRANSACTION)(\s+(ISOLATION|READ|TRANSACTION|WORK|DEFERRABLE)\b[\s\S]*)?\s*;?\s*$`,
    String.raw`(COMMIT|ROLLBACK|CHECKPOINT)(\s+(WORK|TRANSACTION|PREPARED\s+\S+|TO\s+\S+))?\s*;?\s*$`,
    String.raw`(SAVEPOINT|RELEASE\s+SAVEPOINT)\s+\w+`,
    String.raw`SET\s+(LOCAL\s+|SESSION\s+)?[\w.]+\s*(=|TO\s)`,
    String.raw`(RESET|SHOW)\s+[\w.]+\s*;?\s*$`,
    String.raw`WITH\s+(RECURSIVE\s+)?\w+\s+AS\s*(NOT\s+)?(MATERIALIZED\s+)?\(`,
    String.raw`(EXPLAIN|PREPARE|EXECUTE|DEALLOCATE|DISCARD|NOTIFY|LISTEN|UNLISTEN)\s+\S`,
    String.raw`(GRANT|REVOKE)\s+[\w\s,]+\s+ON\s`,
    String.raw`COMMENT\s+ON\s`,
    String.raw`COPY\s+\S+[\s\S]*\b(FROM|TO)\s`,
    String.raw`DO\s+(\$|')`,
    String.raw`CALL\s+[\w.]+\s*\(`,
    String.raw`MERGE\s+INTO\s`,
    String.raw`REFRESH\s+MATERIALIZED\s`,
  ]
    .map((s) => `(?:${s})`)
    .join('|')
    .replace(/^/, String.raw`^\s*(?:--[^\n]*\n\s*)*(?:`)
    .concat(')'),
);

/** The transaction helper writes BEGIN, COMMIT, ROLLBACK: the only statements that are not files. */
function inTransactionHelper(node: ts.Node): boolean {
  if (rel(node.getSourceFile().fileName) !== 'src/db.ts') return false;
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name && ['withTransaction', 'inTransaction'].includes(n.name.text))
      return true;
  }
  return false;
}

interface Inline {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** A literal (or a const holding one) given as the statement of .query(...): whatever its text, it is inline SQL. */
function queryArgumentLiterals(file: string): Inline[] {
  const sf = source(file);
  const consts = new Map<string, ts.Expression>();
  visit(sf, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
  });
  const found: Inline[] = [];
  const check = (arg: ts.Expression, seen: Set<string>): void => {
    while (ts.isParenthesizedExpression(arg) || ts.isAsExpression(arg) || ts.isNonNullExpression(arg))
      arg = arg.expression;
    const text = literalText(arg);
    if (text !== undefined) found.push({ file: rel(file), line: line(arg), text, why: 'a literal given to .query()' });
    else if (ts.isConditionalExpression(arg)) [arg.whenTrue, arg.whenFalse].forEach((a) => check(a, seen));
    else if (ts.isBinaryExpression(arg) && arg.operatorToken.kind === ts.SyntaxKind.PlusToken)
      [arg.left, arg.right].forEach((a) => check(a, seen));
    else if (ts.isObjectLiteralExpression(arg)) {
      for (const p of arg.properties)
        if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'text') check(p.initializer, seen);
    } else if (ts.isIdentifier(arg) && consts.has(arg.text) && !seen.has(arg.text))
      check(consts.get(arg.text)!, new Set([...seen, arg.text]));
  };
  visit(sf, (n) => {
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'query' &&
      n.arguments[0] &&
      !inTransactionHelper(n)
    ) {
      check(n.arguments[0], new Set());
    }
  });
  return found;
}

/** Any string anywhere in the tool that reads as a statement. */
function statementLiterals(file: string): Inline[] {
  const found: Inline[] = [];
  visit(source(file), (n) => {
    const text = literalText(n);
    if (text !== undefined && STATEMENT.test(text) && !inTransactionHelper(n))
      found.push({ file: rel(file), line: line(n), text, why: 'a string that reads as SQL' });
  });
  return found;
}

function inlineStatements(files: string[]): Inline[] {
  const all = new Map<string, Inline>();
  for (const f of files)
    for (const i of [...queryArgumentLiterals(f), ...statementLiterals(f)]) all.set(`${i.file}:${i.line}:${i.text}`, i);
  return [...all.values()];
}

describe('every statement the tool runs is a file in sql/', () => {
  test('the check sees statements in every form it can take', () => {
    const yes = [
      'SELECT 1 FROM t',
      'SELECT pg_backend_pid() AS pid',
      '  SELECT\n  count(*) FROM x',
      '-- why\nDELETE FROM t WHERE x',
      'BEGIN',
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      'COMMIT',
      'ROLLBACK',
      'CHECKPOINT',
      'SET statement_timeout = 0',
      'SET LOCAL lock_timeout TO 1000',
      'SHOW server_version_num',
      'LOCK TABLE "x" IN ACCESS EXCLUSIVE MODE',
      'CREATE ROLE _x_ LOGIN PASSWORD _x_',
      'DROP DATABASE IF EXISTS _x_',
      'CREATE INDEX CONCURRENTLY i ON t (c)',
      'VACUUM (ANALYZE) _x_',
      'ANALYZE "t"',
      'WITH moved AS (DELETE FROM t RETURNING *) SELECT 1',
      'UPDATE t SET a = 1',
      'INSERT INTO t VALUES (1)',
      'TRUNCATE t',
      'EXPLAIN _x_',
      'GRANT SELECT ON t TO r',
      'COMMENT ON TABLE t IS _x_',
    ];
    const no = [
      'ANALYZE',
      'SELECT',
      'DELETE',
      'CREATE INDEX CONCURRENTLY _x_',
      'show or hide this help',
      'drop the backups of earlier rebuilds',
      'the rows Hatchet would delete from the table',
      'BEGINNER',
      'SET',
    ];
    expect(yes.filter((s) => !STATEMENT.test(s))).toEqual([]);
    expect(no.filter((s) => STATEMENT.test(s))).toEqual([]);
    const probe = path.join(ROOT, 'test', 'sql.test.ts');
    const sf = ts.createSourceFile(
      probe,
      "const q = 'select 1';\nc.query(q); c.query(`x ${y}`); c.query(a ? sql('rule', t) : 'lower case');\n",
      ts.ScriptTarget.Latest,
      true,
    );
    parsed.set(probe, sf);
    expect(queryArgumentLiterals(probe).map((i) => i.text)).toEqual(['select 1', 'x _x_', 'lower case']);
    parsed.delete(probe);
  });

  test("no statement is written inline in src/ or components/ (transaction control is withTransaction's)", () => {
    const found = inlineStatements(TOOL).map((i) => `${i.file}:${i.line} ${i.why}: ${i.text}`);
    expect(found, 'write it as a file in sql/ (a transaction with withTransaction from src/db.ts)').toEqual([]);
  });

  test('withTransaction: commits, rolls back and rethrows, gives a pool its connection back', async () => {
    // Checked without a server: a recording client and a pool that hands it out.
    const { withTransaction } = await import('../src/db.js');
    const calls: string[] = [];
    let released: unknown = 'no';
    const client = {
      query: async (text: string, values?: unknown[]) => {
        calls.push(values ? `${text.split('\n').pop()} ${values.join(',')}` : text);
        if (text === 'FAIL') throw new Error('boom');
        return { rows: [] };
      },
      release: (err?: unknown) => (released = err ?? false),
    };
    const pool = Object.create(pg.Pool.prototype) as pg.Pool;
    pool.connect = (async () => client) as unknown as pg.Pool['connect'];
    await withTransaction(pool, async (c) => c.query('X'), {
      isolation: 'repeatable read',
      readOnly: true,
      statementTimeoutMs: 5,
    });
    expect(calls).toEqual([
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      'SELECT set_config($1, $2, true) statement_timeout,5',
      'X',
      'COMMIT',
    ]);
    expect(released).toBe(false);
    calls.length = 0;
    await expect(
      withTransaction(client as unknown as pg.ClientBase, async (c) => c.query('FAIL'), { lockTimeoutMs: 7 }),
    ).rejects.toThrow('boom');
    expect(calls).toEqual(['BEGIN', 'SELECT set_config($1, $2, true) lock_timeout,7', 'FAIL', 'ROLLBACK']);
    calls.length = 0;
    await expect(
      withTransaction(client as unknown as pg.ClientBase, async (c) => c.query('FAIL'), { skipRollback: () => true }),
    ).rejects.toThrow('boom');
    expect(calls).toEqual(['BEGIN', 'FAIL']);
  });

  test('withTransaction: fn returning rollback(value) rolls back on purpose and returns the value; a failed ROLLBACK is then the error', async () => {
    const { rollback, withTransaction } = await import('../src/db.js');
    const calls: string[] = [];
    const failing = new Set<string>();
    let released: unknown = 'no';
    const client = {
      query: async (text: string, values?: unknown[]) => {
        calls.push(values ? `${text.split('\n').pop()} ${values.join(',')}` : text);
        if (failing.has(text))
          throw Object.assign(new Error(`${text} failed`), { code: text === 'LOCKED' ? '55P03' : undefined });
        return { rows: [{ n: 1 }] };
      },
      release: (err?: unknown) => (released = err ?? false),
    };
    const pool = Object.create(pg.Pool.prototype) as pg.Pool;
    pool.connect = (async () => client) as unknown as pg.Pool['connect'];
    // The drain's fast path: a statement's expected error looked at, the transaction undone, the caller told.
    failing.add('LOCKED');
    const tried = async (c: pg.ClientBase) => {
      try {
        return (await c.query('LOCKED')).rows[0].n as number;
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
        return rollback(null);
      }
    };
    const fast: number | null = await withTransaction(client as unknown as pg.ClientBase, tried, {
      lockTimeoutMs: 7,
      skipRollback: () => true,
    });
    expect(fast).toBeNull();
    expect(calls).toEqual(['BEGIN', 'SELECT set_config($1, $2, true) lock_timeout,7', 'LOCKED', 'ROLLBACK']);
    // A result looked at: rolled back, the value returned, the pool's connection reused.
    calls.length = 0;
    expect(
      await withTransaction(pool, async (c) => rollback((await c.query('X')).rows.length), { readOnly: true }),
    ).toBe(1);
    expect(calls).toEqual(['BEGIN READ ONLY', 'X', 'ROLLBACK']);
    expect(released).toBe(false);
    // The ROLLBACK itself fails (the connection went): that error is thrown, and the pool's connection destroyed.
    calls.length = 0;
    failing.add('ROLLBACK');
    await expect(withTransaction(pool, async () => rollback(0))).rejects.toThrow('ROLLBACK failed');
    expect(calls).toEqual(['BEGIN', 'ROLLBACK']);
    expect(released).toBe(true);
  });
});
