import { parseConfig, type Config } from './src/config.js';
import { EXIT, ToolError, describeError } from './src/errors.js';
import { USAGE } from './src/help.js';
import { onStopSignal, startUpStopExit } from './src/signals.js';

/** The command line tool: parse, run the command, turn errors into one line and an exit code. */
async function main(argv: string[]): Promise<number> {
  const config = parseConfig(argv);
  if (config.help || config.command === 'help') {
    process.stdout.write(USAGE);
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
    return await runCommand(config);
  } finally {
    offSignals();
  }
}

// Each command loads only its own modules: a headless drain starts in less CPU time, which the server's other
// clients share on a small host (the schedule's metrics library and the console's React are not its to load).
async function runCommand(config: Config): Promise<number> {
  switch (config.command) {
    case 'status':
      return (await import('./src/commands/status.js')).runStatus(config);
    case 'growth':
      return (await import('./src/commands/growth.js')).runGrowth(config);
    case 'drain':
      return (await import('./src/commands/drain.js')).runDrain(config);
    case 'create-index':
      return (await import('./src/commands/create-index.js')).runCreateIndex(config);
    case 'rebuild':
      return (await import('./src/commands/rebuild.js')).runRebuildCommand(config);
    case 'recover':
      return (await import('./src/commands/rebuild.js')).runRecoverCommand(config);
    case 'schedule':
      return (await import('./src/commands/schedule.js')).runSchedule(config);
    case 'console': {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new ToolError('the console needs a terminal. Run it in one, or use "hatchet-sessions status --json" in scripts.', EXIT.usage);
      }
      // Ink draws nothing until exit when it believes it runs in CI; here a person is at a terminal.
      for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name]) process.env[name] = 'false';
      const { runConsole } = await import('./components/run-console.js');
      return runConsole(config);
    }
  }
  throw new ToolError(`unknown command "${config.command}". Run "hatchet-sessions --help".`, EXIT.usage);
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    process.stderr.write(`hatchet-sessions: ${describeError(err)}\n`);
    process.exitCode = err instanceof ToolError ? err.exitCode : EXIT.failure;
  }
}
