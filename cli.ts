#!/usr/bin/env node
import { parseConfig } from './src/config.js';
import { EXIT, ToolError, describeError, redact } from './src/errors.js';
import { USAGE } from './src/help.js';
import { onStopSignal, SIGNAL_EXIT } from './src/signals.js';
import { runStatus } from './src/commands/status.js';
import { runGrowth } from './src/commands/growth.js';
import { runDrain } from './src/commands/drain.js';
import { runCreateIndex } from './src/commands/create-index.js';
import { runSchedule } from './src/commands/schedule.js';

async function main(argv: string[]): Promise<number> {
  // What ps shows: the command line, with any password in a URL replaced by ***.
  process.title = redact(['hatchet-sessions', ...argv].join(' '));
  const config = parseConfig(argv);
  if (config.target !== 'demo' && config.target.source === '--database-url' && config.target.password) {
    // Other users can read a process's arguments (ps); the environment is private to its owner.
    process.stderr.write('hatchet-sessions: warning: a password on the command line stays in shell history and is briefly visible in ps; set DATABASE_URL instead.\n');
  }
  if (config.help || config.command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (config.version) {
    process.stdout.write('hatchet-sessions 0.1.0\n');
    return EXIT.ok;
  }
  switch (config.command) {
    case 'status':
    case 'growth': {
      // One-shot reads: stop at once, but through process.exit so a demo server we started is stopped too.
      const off = onStopSignal((signal) => process.exit(SIGNAL_EXIT[signal]));
      try {
        return await (config.command === 'status' ? runStatus(config) : runGrowth(config));
      } finally {
        off();
      }
    }
    case 'drain':
      return runDrain(config);
    case 'create-index':
      return runCreateIndex(config);
    case 'schedule':
      return runSchedule(config);
    case 'console': {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new ToolError('the console needs a terminal. Run it in one, or use "hatchet-sessions status --json" in scripts.', EXIT.usage);
      }
      const { runConsole } = await import('./components/run-console.js');
      return runConsole(config);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof ToolError ? err.exitCode : EXIT.failure;
    process.stderr.write(`hatchet-sessions: ${describeError(err)}\n`);
    process.exitCode = code;
  },
);
