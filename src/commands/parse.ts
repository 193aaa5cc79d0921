import { parseArgs } from 'node:util';
import { usageError } from '../errors.js';
import { flagValue, type FlagDef } from './flags.js';
import { allFlags, COMMAND_TABLE, COMMANDS, flagsOf, isCommand, type Command } from './table.js';

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function optionsOf(flags: Iterable<FlagDef>): ParseArgsOptions {
  const options: ParseArgsOptions = {};
  for (const f of flags)
    options[f.name] = { type: f.type.kind === 'switch' ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}) };
  return options;
}

/** "--json, --schema NAME, ..." as one line. */
export function flagList(flags: readonly FlagDef[]): string {
  return flags.map((f) => `${f.short ? `-${f.short}/` : ''}--${f.name}`).join(', ');
}

export interface CommandLine {
  command: Command;
  /** The flags given, each checked against its kind (a bad value is a usage error). */
  values: Record<string, string | boolean | undefined>;
  helpTopic?: Command;
}

/**
 * The command line as the commands table defines it: the command (the first word; none is the console), then only
 * the flags that command takes. A flag of another command, or none at all, is a usage error (exit 2) naming the
 * command and listing its flags.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  // First find the command: a lenient pass that knows every flag's type, so a flag's value is not taken for it.
  const known = allFlags();
  argv = withNegativeValues(argv, known.values());
  const loose = parseArgs({ args: argv, options: optionsOf(known.values()), allowPositionals: true, strict: false });
  const name = loose.positionals[0] ?? 'console';
  if (!isCommand(name)) throw usageError(`unknown command "${name}". Commands: ${COMMANDS.join(', ')}.`);
  const flags = flagsOf(name);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: optionsOf(flags), allowPositionals: true, strict: true });
  } catch (err) {
    throw refusal(name, flags, err as Error & { code?: string });
  }
  const { values, positionals } = parsed;
  let helpTopic: Command | undefined;
  if (name === 'help' && positionals.length > 1) {
    if (!isCommand(positionals[1]!))
      throw usageError(`unknown command "${positionals[1]}". Commands: ${COMMANDS.join(', ')}.`);
    helpTopic = positionals[1];
    positionals.splice(1, 1);
  }
  if (positionals.length > 1) throw usageError(`unexpected argument "${positionals[1]}".`);
  for (const f of flags) {
    const v = values[f.name];
    if (typeof v === 'string') flagValue(f, v);
  }
  return { command: name, values: values as CommandLine['values'], ...(helpTopic ? { helpTopic } : {}) };
}

/**
 * "--nice -1" as "--nice=-1": a value that starts with a minus is the flag's value, not another flag, so the value's
 * own check says what is wrong with it ("must be 0 or more") instead of the parser calling it ambiguous.
 */
function withNegativeValues(argv: string[], flags: Iterable<FlagDef>): string[] {
  const takesValue = new Set([...flags].filter((f) => f.type.kind !== 'switch').map((f) => `--${f.name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (takesValue.has(argv[i]!) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]!);
  }
  return out;
}

/** One line for a flag the command does not take, or a flag it takes given wrong. */
function refusal(command: Command, flags: readonly FlagDef[], err: Error & { code?: string }) {
  const takes = `Flags of ${command}: ${flagList(flags)}`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /Unknown option '([^']*)'/.exec(err.message)?.[1] ?? '';
    const flag = option.replace(/^--?/, '').split('=')[0]!;
    const owners = COMMAND_TABLE.filter((c) =>
      flagsOf(c.name).some((f) => f.name === flag || (f.short && option === `-${f.short}`)),
    ).map((c) => c.name);
    if (owners.length > 0 && option.startsWith('--')) {
      return usageError(
        `${command} does not take --${flag} (${owners.join(', ')} ${owners.length > 1 ? 'do' : 'does'}). ${takes}.`,
      );
    }
    return usageError(`Unknown option '${option}'. ${takes}.`);
  }
  // Node's message goes on about positional arguments; the first sentence is the useful part.
  const first = err.message.split('\n')[0]!.replace(/^(Unknown option '[^']*'\.).*$/, '$1');
  return usageError(
    `${/[.!?]$/.test(first) ? first : `${first}.`} Run "hatchet-sessions ${command} --help" for its flags.`,
  );
}
