#!/usr/bin/env node
// The entry point. Before anything else is loaded: what ps shows is our command line with any password in a
// URL replaced by *** (other users can read a process's arguments), and React runs its production build.
process.title = ['hatchet-sessions', ...process.argv.slice(2)]
  .join(' ')
  .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
process.env.NODE_ENV ??= 'production';
// A stop signal while the modules load exits at once, with the code the command gives it at start-up
// (the commands table's startUpStop; the first argument that names a command, else the console).
const { onStopSignal } = await import('./src/signals.js');
const { startUpStopExit } = await import('./src/commands/shell.js');
const { isCommand } = await import('./src/commands/table.js');
const command = process.argv.slice(2).find(isCommand) ?? 'console';
const offSignals = onStopSignal((signal) => process.exit(startUpStopExit(command, signal)));
const { run } = await import('./main.js');
await run(process.argv.slice(2));
offSignals();
