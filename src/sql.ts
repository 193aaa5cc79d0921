import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

// sql/ sits at the package root; this file runs from src/ (tests) or dist/src/ (built).
const here = path.dirname(fileURLToPath(import.meta.url));
const SQL_DIR = [path.resolve(here, '..', 'sql'), path.resolve(here, '..', '..', 'sql')].find((dir) => {
  try {
    readFileSync(path.join(dir, 'rule.sql'));
    return true;
  } catch {
    return false;
  }
})!;

const cache = new Map<string, string>();

/** The raw text of sql/<name>.sql. */
export function rawSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(SQL_DIR, `${name}.sql`), 'utf8').trim();
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

export function qualified(table: TableRef): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * sql/<name>.sql ready to run. Placeholders are names, never values (values are $n parameters):
 * {{table}} the qualified table, {{schema}} the schema, {{rule}} Hatchet's deletable rule (sql/rule.sql),
 * and any extra identifier given in `idents`.
 */
export function sql(name: string, table: TableRef, idents: Record<string, string> = {}): string {
  const names: Record<string, string> = {
    table: qualified(table),
    schema: quoteIdent(table.schema),
    rule: rawSql('rule').replace(/^--.*$/gm, '').trim(),
  };
  for (const [key, value] of Object.entries(idents)) names[key] = quoteIdent(value);
  return rawSql(name).replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = names[key];
    if (value === undefined) throw new Error(`sql/${name}.sql: unknown placeholder ${whole}`);
    return value;
  });
}
