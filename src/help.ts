import { CONNECTION_FLAGS, FLAG, GLOBAL_FLAGS, type FlagDef } from './commands/flags.js';
import { COMMAND_TABLE, commandDef, type Command } from './commands/table.js';

// Every line of help comes from the commands table (src/commands/table.ts) and the flags (src/commands/flags.ts).

const EXIT_CODES = `Exit codes: 0 ok; 1 failure; 2 usage or configuration error; 3 cannot connect or authenticate;
4 table missing or of an unexpected shape; 128 + the signal's number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)
when a signal stopped status, growth, create-index, rebuild or recover (drain and schedule stop with 0).
`;

function flagLabel(f: FlagDef): string {
  return `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`;
}

function flagLines(flags: readonly FlagDef[]): string[] {
  const width = Math.max(20, ...flags.map((f) => flagLabel(f).length)) + 2;
  return flags.map(
    (f) => `  ${flagLabel(f).padEnd(width)}${f.help}${f.default !== undefined ? `; default ${f.default}` : ''}`,
  );
}

/** `--json [--dry-run] ...`: a command's own flags as one bracketed list, wrapped under its summary. */
function synopsis(flags: readonly FlagDef[], indent: string, width = 112): string[] {
  const lines: string[] = [];
  let line = '';
  for (const f of flags) {
    const part = `[--${f.name}${f.value ? ` ${f.value}` : ''}]`;
    if (line && indent.length + line.length + 1 + part.length > width) {
      lines.push(indent + line);
      line = part;
    } else line = line ? `${line} ${part}` : part;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** `hatchet-sessions help` and `--help` without a command: every command, its flags, the shared flags. */
export function usage(): string {
  const width = Math.max(...COMMAND_TABLE.map((c) => c.name.length)) + 4;
  const commands = COMMAND_TABLE.flatMap((c) => [
    `  ${c.name.padEnd(width)}${c.summary}`,
    ...synopsis(c.own, ' '.repeat(width + 2)),
  ]);
  const demo = new Set<string>([
    FLAG.demo.name,
    FLAG['demo-reset'].name,
    FLAG['demo-rows'].name,
    FLAG['demo-without-index'].name,
  ]);
  return [
    `hatchet-sessions: inspect, drain and rebuild Hatchet's "UserSession" table.`,
    '',
    'Usage: hatchet-sessions [command] [flags]     (no command: the console)',
    '       hatchet-sessions <command> --help      (that command and its flags)',
    '',
    'Commands:',
    ...commands,
    '',
    "Connection (every command but help; first that is set wins: --database-url, DATABASE_URL, Hatchet's",
    "DATABASE_POSTGRES_HOST/_PORT/_USERNAME/_PASSWORD/_DB_NAME/_SSL_MODE, libpq's PG* variables; else the demo):",
    ...flagLines(CONNECTION_FLAGS.filter((f) => !demo.has(f.name))),
    '',
    'Demo database (used when nothing is configured):',
    ...flagLines(CONNECTION_FLAGS.filter((f) => demo.has(f.name))),
    '',
    'Every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `hatchet-sessions <command> --help`: what it does, its own flags, then the shared ones. */
export function commandHelp(name: Command): string {
  const def = commandDef(name);
  const call =
    name === 'console'
      ? 'hatchet-sessions [console]'
      : name === 'help'
        ? 'hatchet-sessions help [command]'
        : `hatchet-sessions ${name}`;
  return [
    `Usage: ${call}${def.own.length || def.connects ? ' [flags]' : ''}`,
    '',
    `${def.summary.charAt(0).toUpperCase()}${def.summary.slice(1)}.`,
    ...(def.details ?? []),
    ...(def.own.length ? ['', 'Flags:', ...flagLines(def.own)] : []),
    ...(def.connects ? ['', 'Connection and demo database:', ...flagLines(CONNECTION_FLAGS)] : []),
    '',
    ...flagLines(GLOBAL_FLAGS),
    '',
    EXIT_CODES,
  ].join('\n');
}
