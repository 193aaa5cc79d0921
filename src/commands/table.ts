import { CONNECTION_FLAGS, FLAG, GLOBAL_FLAGS, THROTTLE_FLAGS, withHelp, type FlagDef } from './flags.js';

/**
 * The commands, one row each: what it does, the flags it owns, whether it connects, and the exit code of a stop
 * signal that comes before its own handling (start-up, connecting): 'ok' for commands that had begun nothing
 * (console, drain, schedule), 'signal' (128 + the signal's number) for every other one. The parser, each
 * command's --help, the list in `help`, cli.ts and main.ts all read this table; README's flag tables are
 * compared with it by test/commands.test.ts.
 */
export interface CommandDef {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** More lines for the command's own --help. */
  details?: string[];
  /** The flags only this command (or a few) takes, in the order help lists them. */
  own: readonly FlagDef[];
  /** Whether it connects (and so takes the connection and demo flags). */
  connects: boolean;
  startUpStop: 'ok' | 'signal';
  /** Whether it changes the database (then it has a --dry-run that changes nothing). */
  writes: boolean;
}

const json = (help: string) => withHelp(FLAG.json, help);

export const COMMAND_TABLE = [
  {
    name: 'console',
    summary: 'the interactive console (needs a terminal); also what runs with no command',
    own: [],
    connects: true,
    startUpStop: 'ok',
    writes: false,
  },
  {
    name: 'status',
    summary: 'exact counts, sizes and checks, once',
    own: [json('one JSON object with every figure')],
    connects: true,
    startUpStop: 'signal',
    writes: false,
  },
  {
    name: 'growth',
    summary: 'sessions created per hour (48 h) and per day (30 days), rates, projection',
    own: [json('one JSON object: hourly and daily buckets, rates, projection')],
    connects: true,
    startUpStop: 'signal',
    writes: false,
  },
  {
    name: 'drain',
    summary: "delete what Hatchet's rule allows, by block ranges, throttled",
    details: ['Needs --yes without a terminal; at a terminal it shows the plan and asks you to type "drain".'],
    own: [
      withHelp(FLAG.yes, 'run without asking (without it and without a terminal: exit 2)'),
      withHelp(FLAG['dry-run'], 'print the rule, the SQL, the blocks and the rows it would delete now; delete nothing'),
      json('JSON lines: progress at most once a second, then one summary'),
      ...THROTTLE_FLAGS,
      FLAG['max-rows'],
      FLAG['max-duration'],
      FLAG.vacuum,
    ],
    connects: true,
    startUpStop: 'ok',
    writes: true,
  },
  {
    name: 'create-index',
    summary: "build Hatchet's createdAt index as its migration does",
    details: ['Drops an INVALID leftover of an interrupted build first. Needs --yes without a terminal.'],
    own: [
      withHelp(FLAG.yes, 'build without asking (without it and without a terminal: exit 2)'),
      withHelp(FLAG['dry-run'], 'print the statements it would run; build nothing'),
      json('JSON lines: steps and progress, then one result'),
    ],
    connects: true,
    startUpStop: 'signal',
    writes: true,
  },
  {
    name: 'schedule',
    summary: 'the cleanup loop: a throttled drain every hour (one runner across all instances)',
    own: [
      withHelp(FLAG['dry-run'], 'print the plan (rule, SQL, rows deletable now, the next run times); delete nothing'),
      FLAG.every,
      FLAG.cron,
      FLAG['no-initial-run'],
      FLAG.jitter,
      FLAG['max-run-duration'],
      ...THROTTLE_FLAGS,
      json('one JSON object per line per event'),
      FLAG['metrics-port'],
      FLAG['metrics-host'],
    ],
    connects: true,
    startUpStop: 'ok',
    writes: true,
  },
  {
    name: 'rebuild',
    summary: 'online rebuild: copy the kept rows to a new table, swap under a lock of milliseconds',
    details: ["Needs 2x the new table's size free. Needs --yes without a terminal."],
    own: [
      withHelp(FLAG.yes, 'go on without asking (without it and without a terminal: exit 2)'),
      withHelp(FLAG['dry-run'], 'preflight and plan only; change nothing'),
      json('JSON lines: preflight, plan, step, progress, lock-retry, then summary'),
      FLAG['terminate-blockers'],
      FLAG['swap-timeout'],
      FLAG['drop-backup'],
    ],
    connects: true,
    startUpStop: 'signal',
    writes: true,
  },
  {
    name: 'recover',
    summary: 'finish (or --undo) a rebuild that was interrupted',
    details: ['Needs --yes without a terminal.'],
    own: [
      FLAG.undo,
      withHelp(FLAG.yes, 'go on without asking (without it and without a terminal: exit 2)'),
      withHelp(FLAG['dry-run'], 'say what is left and what it would do; change nothing'),
      json('JSON lines: leftovers, steps, then summary'),
      FLAG['terminate-blockers'],
      FLAG['swap-timeout'],
    ],
    connects: true,
    startUpStop: 'signal',
    writes: true,
  },
  {
    name: 'help',
    summary: 'this list; "help <command>" for one command',
    own: [],
    connects: false,
    startUpStop: 'ok',
    writes: false,
  },
] as const satisfies readonly CommandDef[];

export type Command = (typeof COMMAND_TABLE)[number]['name'];

export const COMMANDS: readonly Command[] = COMMAND_TABLE.map((c) => c.name);

export function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

export function commandDef(name: Command): CommandDef {
  return COMMAND_TABLE.find((c) => c.name === name)!;
}

/** Every flag a command takes, in help's order: its own, then the connection and demo flags, then --help and --version. */
export function flagsOf(name: Command): FlagDef[] {
  const def = commandDef(name);
  return [...def.own, ...(def.connects ? CONNECTION_FLAGS : []), ...GLOBAL_FLAGS];
}

/** Every flag of every command, by name (each name has one kind everywhere: the table is built from FLAG). */
export function allFlags(): Map<string, FlagDef> {
  const all = new Map<string, FlagDef>();
  for (const c of COMMAND_TABLE) for (const f of flagsOf(c.name)) if (!all.has(f.name)) all.set(f.name, f);
  return all;
}
