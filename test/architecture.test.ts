// The layering rules of docs/architecture.md, checked on the source: the engine (src/) never imports the console
// (components/); only the command shell (cli.ts, main.ts, src/commands/) imports a command's module; no source file
// is over 400 lines.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
}

/** Every relative import of `file`, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    path.normalize(path.join(path.dirname(file), m[1])),
  );
}

const ENGINE = sources('src');
const CONSOLE = sources('components');

describe('layers', () => {
  test('src/ never imports components/', () => {
    const wrong = ENGINE.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('components/'))
        .map((i) => `${f} -> ${i}`),
    );
    expect(wrong).toEqual([]);
  });

  test("only the command shell imports a command's module", () => {
    // The shell: cli.ts, main.ts and src/commands/ itself; its own parts (the table, flags, parser, shell) serve
    // config.ts and help.ts too. A command's module is one of the others (drain.ts, schedule.ts, ...).
    const SHELL_PARTS = ['table', 'flags', 'parse', 'shell'].map((n) => `src/commands/${n}.js`);
    const shell = (f: string) => f === 'cli.ts' || f === 'main.ts' || f.startsWith('src/commands/');
    const wrong = [...ENGINE, ...CONSOLE, ...sources('bench')]
      .filter((f) => !shell(f))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('src/commands/') && !SHELL_PARTS.includes(i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(wrong).toEqual([]);
  });
});

describe('size', () => {
  test('no source file of src/ or components/ is over 400 lines (tests and the generated src/sql-names.ts aside)', () => {
    const MAX_LINES = 400;
    const long = [...ENGINE, ...CONSOLE]
      .filter((f) => f !== path.join('src', 'sql-names.ts'))
      .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(ENGINE.length).toBeGreaterThan(0);
    expect(long).toEqual([]);
  });
});
