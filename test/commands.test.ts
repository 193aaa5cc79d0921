// The commands table (src/commands/table.ts) against what the parser accepts, what --help prints and what README.md
// documents: one source, checked from every side. Pure: no database.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../src/config.js';
import { CONNECTION_FLAGS, GLOBAL_FLAGS, type FlagDef } from '../src/commands/flags.js';
import { allFlags, COMMAND_TABLE, COMMANDS, flagsOf, type Command } from '../src/commands/table.js';
import { EXIT, ToolError } from '../src/errors.js';
import { commandHelp, usage } from '../src/help.js';
import { sampleArgs } from './flag-samples.js';
import { ROOT } from './helpers.js';

const argvFor = (command: Command, extra: string[]) => (command === 'console' ? extra : [command, ...extra]);

function usageErrorOf(argv: string[]): ToolError {
  try {
    parseConfig(argv, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return err as ToolError;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the parser takes exactly the flags each command declares', () => {
  const every = [...allFlags().values()];

  test.each(COMMANDS.map((c) => [c]))(
    '%s: every flag it owns is accepted, every other one refused (exit 2) naming its flags',
    (command) => {
      const own = new Set(flagsOf(command).map((f) => f.name));
      expect(own.size).toBeGreaterThan(1);
      for (const f of every) {
        const argv = argvFor(command, sampleArgs(f));
        if (own.has(f.name)) {
          expect(parseConfig(argv, {}).command, argv.join(' ')).toBe(command);
          continue;
        }
        const err = usageErrorOf(argv);
        expect(err.exitCode, argv.join(' ')).toBe(EXIT.usage);
        expect(err.message).toMatch(new RegExp(`^${command} does not take --${f.name} \\(`));
        // One line, naming every flag the command does take.
        expect(err.message).not.toContain('\n');
        const listed = /Flags of (\S+): (.*)\.$/.exec(err.message);
        expect(listed?.[1]).toBe(command);
        expect(listed![2]!.split(', ').map((x) => x.replace(/^-h\//, '').replace(/^--/, ''))).toEqual(
          flagsOf(command).map((x) => x.name),
        );
      }
    },
  );

  test('the examples of the issue are refused', () => {
    expect(usageErrorOf(['status', '--every', '1h']).message).toMatch(
      /^status does not take --every \(schedule does\)\. Flags of status: --json, /,
    );
    expect(usageErrorOf(['schedule', '--max-rows', '5']).message).toMatch(
      /^schedule does not take --max-rows \(drain does\)/,
    );
    expect(usageErrorOf(['create-index', '--every', '1h', '--yes']).exitCode).toBe(EXIT.usage);
    expect(usageErrorOf(['help', '--json']).message).toMatch(/^help does not take --json/);
  });

  test('a flag no command knows keeps the "Unknown option" line, with the command\'s flags', () => {
    const err = usageErrorOf(['drain', '--frobnicate']);
    expect(err.message).toMatch(/^Unknown option '--frobnicate'\. Flags of drain: --yes, --dry-run, --json, /);
  });

  test("values are checked by the flag's kind before anything runs", () => {
    expect(usageErrorOf(['drain', '--nice', 'fast']).message).toMatch(/--nice "fast" is not a number/);
    expect(usageErrorOf(['rebuild', '--swap-timeout', 'soon']).message).toMatch(
      /--swap-timeout "soon" is not a duration/,
    );
    expect(usageErrorOf(['schedule', '--metrics-port', '70000']).message).toMatch(/between 0 and 65535/);
    expect(usageErrorOf(['drain', '--wal-compression', 'zip']).message).toMatch(/auto, zstd, lz4, pglz, server/);
    expect(
      parseConfig(['drain', '--max-lag', 'off', '--max-active', 'off', '--max-wal-rate', 'off'], {}).flags['max-lag'],
    ).toBe('off');
  });

  test('a flag keeps its name, kind and default wherever it appears', () => {
    const seen = new Map<string, FlagDef>();
    for (const c of COMMANDS) {
      for (const f of flagsOf(c)) {
        const first = seen.get(f.name);
        if (first)
          expect({ name: f.name, type: f.type, value: f.value, default: f.default, short: f.short }).toEqual({
            name: first.name,
            type: first.type,
            value: first.value,
            default: first.default,
            short: first.short,
          });
        else seen.set(f.name, f);
      }
    }
  });

  test('every command that writes has a --dry-run; the read-only ones have none', () => {
    for (const c of COMMAND_TABLE)
      expect({ command: c.name, dryRun: flagsOf(c.name).some((f) => f.name === 'dry-run') }).toEqual({
        command: c.name,
        dryRun: c.writes,
      });
  });

  test('help <command> names the command; help <unknown> is refused', () => {
    expect(parseConfig(['help', 'drain'], {})).toMatchObject({ command: 'help', helpTopic: 'drain' });
    expect(usageErrorOf(['help', 'nope']).message).toMatch(/unknown command "nope"/);
    expect(usageErrorOf(['help', 'drain', 'more']).message).toMatch(/unexpected argument "more"/);
  });
});

describe('help comes from the table', () => {
  test.each(COMMANDS.map((c) => [c]))(
    '%s --help lists every flag it takes, with its help text, and no other',
    (command) => {
      const text = commandHelp(command);
      const listed = [...text.matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map((m) => m[1]);
      expect(listed).toEqual(flagsOf(command).map((f) => f.name));
      for (const f of flagsOf(command)) expect(text).toContain(f.help);
    },
  );

  test('the list names every command with its own flags', () => {
    const text = usage();
    for (const c of COMMAND_TABLE) {
      expect(text).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[()*+?.[\]^$|\\]/g, '\\$&')}$`, 'm'));
      for (const f of c.own) expect(text).toContain(`[--${f.name}`);
    }
  });
});

// ------------------------------------------------------------------------------------------------ README

/** Every `Flags of ...:` table in README.md: the commands it names and the flags in its first column. */
function readmeFlagTables(): Array<{ heading: string; commands: string[]; flags: string[] }> {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const tables: Array<{ heading: string; commands: string[]; flags: string[] }> = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = lines[i]!;
    if (!/^Flags of /.test(heading)) continue;
    let j = i + 1;
    while (lines[j] === '') j++;
    expect(lines[j], `a table follows "${heading}"`).toMatch(/^\| flag \| meaning \|$/);
    const flags: string[] = [];
    for (j += 2; lines[j]?.startsWith('|'); j++) {
      const first = lines[j]!.split('|')[1]!;
      flags.push(...[...first.matchAll(/`(?:-h`, `)?--([a-z-]+)/g)].map((m) => m[1]!));
      if (/`-h`/.test(first)) expect(first).toContain('--help');
    }
    const commands = heading.startsWith('Flags of every command that connects')
      ? ['*']
      : [...heading.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);
    tables.push({ heading, commands, flags });
  }
  return tables;
}

describe('README.md documents the flags the table declares', () => {
  const tables = readmeFlagTables();
  const shared = tables.filter((t) => t.commands[0] === '*');
  const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

  test('one table of the shared flags: the connection and demo flags, --help and --version', () => {
    expect(shared).toHaveLength(1);
    expect(sorted(shared[0]!.flags)).toEqual(sorted([...CONNECTION_FLAGS, ...GLOBAL_FLAGS].map((f) => f.name)));
  });

  test.each(COMMANDS.map((c) => [c]))('%s: the flags documented are the flags declared', (command) => {
    const def = COMMAND_TABLE.find((c) => c.name === command)!;
    const own = tables.filter((t) => t.commands.includes(command));
    // A command with flags of its own has exactly one table of them; one without, none.
    expect(own.length).toBe(def.own.length > 0 ? 1 : 0);
    const documented = [
      ...(own[0]?.flags ?? []),
      ...(def.connects ? shared[0]!.flags : GLOBAL_FLAGS.map((f) => f.name)),
    ];
    expect(sorted(documented)).toEqual(sorted(flagsOf(command).map((f) => f.name)));
  });

  test('no table documents a command that does not exist', () => {
    for (const t of tables)
      for (const c of t.commands) if (c !== '*') expect(COMMANDS as readonly string[]).toContain(c);
  });

  test('the commands table of the README names only flags each command takes', () => {
    const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const rows = [...text.matchAll(/^\| `hatchet-sessions ?([a-z-]*)([^`]*)`/gm)];
    expect(rows.length).toBe(COMMANDS.length);
    for (const [, name, rest] of rows) {
      const command = (name || 'console') as Command;
      expect(COMMANDS).toContain(command);
      const flags = new Set(flagsOf(command).map((f) => f.name));
      for (const m of rest!.matchAll(/--([a-z-]+)/g)) expect(flags, `${command} --${m[1]}`).toContain(m[1]);
    }
  });
});
