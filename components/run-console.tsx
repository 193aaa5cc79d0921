import React from 'react';
import { render } from 'ink';
import type { Config } from '../src/config.js';
import { ConsoleController } from '../src/console-controller.js';
import { App } from './App.js';

/** Run the interactive console until q, Ctrl-C, SIGTERM or SIGHUP; then close everything it opened. */
export async function runConsole(config: Config): Promise<number> {
  const controller = new ConsoleController(config);
  let exitCode = 0;
  process.stdout.write('\x1b[?1049h'); // alternate screen: the shell's screen comes back on exit
  const app = render(<App controller={controller} onExit={(code) => (exitCode = code)} />, { exitOnCtrlC: false });
  const quit = () => app.unmount();
  process.on('SIGTERM', quit);
  process.on('SIGHUP', quit);
  void controller.start();
  try {
    await app.waitUntilExit();
  } finally {
    process.off('SIGTERM', quit);
    process.off('SIGHUP', quit);
    process.stdout.write('\x1b[?1049l');
    if (controller.phase.kind === 'starting') process.stderr.write('hatchet-sessions: stopping…\n');
    await controller.close();
  }
  return exitCode;
}
