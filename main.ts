import { parseConfig, type Config } from './src/config.js';
import { EXIT, ToolError, describeError } from './src/errors.js';
import { commandHelp, usage } from './src/help.js';
import { onStopSignal } from './src/signals.js';
import { startUpStopExit } from './src/commands/shell.js';
import type { Command } from './src/commands/table.js';

// Each command loads only its own modules: a headless drain starts in less CPU time, which the server's other
// clients share on a small host (the schedule's metrics library and the console's React are not its to load).
// One runner per command of the table (src/commands/table.ts): the type makes a command without one a build error.
const RUNNERS: Record<Exclude<Command, 'help'>, (config: Config) => Promise<number>> = {
  console: async (config) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new ToolError(
        'the console needs a terminal. Run it in one, or use "hatchet-sessions status --json" in scripts.',
        EXIT.usage,
      );
    }
    // Ink draws nothing until exit when it believes it runs in CI; here a person is at a terminal.
    for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name]) process.env[name] = 'false';
    return (await import('./components/run-console.js')).runConsole(config);
  },
  status: async (config) => (await import('./src/commands/status.js')).runStatus(config),
  growth: async (config) => (await import('./src/commands/growth.js')).runGrowth(config),
  drain: async (config) => (await import('./src/commands/drain.js')).runDrain(config),
  'create-index': async (config) => (await import('./src/commands/create-index.js')).runCreateIndex(config),
  schedule: async (config) => (await import('./src/commands/schedule.js')).runSchedule(config),
  rebuild: async (config) => (await import('./src/commands/rebuild.js')).runRebuildCommand(config),
  recover: async (config) => (await import('./src/commands/rebuild.js')).runRecoverCommand(config),
};

/** The command line tool: parse, run the command, turn errors into one line and an exit code. */
async function main(argv: string[]): Promise<number> {
  const config = parseConfig(argv);
  if (config.command === 'help' || config.help) {
    const topic = config.command === 'help' ? config.helpTopic : config.command;
    // No command given (the console by default) and --help: the whole list.
    const explicit = config.command !== 'console' || argv.includes('console');
    process.stdout.write(topic && explicit ? commandHelp(topic) : usage());
    return EXIT.ok;
  }
  if (config.version) {
    process.stdout.write('hatchet-sessions 0.1.0\n');
    return EXIT.ok;
  }
  // Until a command's own handler takes over (and in one-shot reads throughout), a stop signal exits at once,
  // through process.exit so a demo server we started is stopped too (see startUpStopExit for the code).
  const offSignals = onStopSignal((signal) => process.exit(startUpStopExit(config.command, signal)));
  try {
    return await RUNNERS[config.command](config);
  } finally {
    offSignals();
  }
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    process.stderr.write(`hatchet-sessions: ${describeError(err)}\n`);
    process.exitCode = err instanceof ToolError ? err.exitCode : EXIT.failure;
  }
}
