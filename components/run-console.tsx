import React from 'react';
import { render } from 'ink';
import type { Config } from '../src/config.js';
import { ConsoleController } from '../src/console-controller.js';
import { App } from './App.js';
import { onStopSignal } from '../src/signals.js';

/** Run the interactive console until q, Ctrl-C or a stop signal; then close everything it opened. */
export async function runConsole(config: Config): Promise<number> {
  const controller = new ConsoleController(config);
  let exitCode = 0;
  process.stdout.write('\x1b[?1049h'); // alternate screen: the shell's screen comes back on exit
  const app = render(<App controller={controller} onExit={(code) => (exitCode = code)} />, { exitOnCtrlC: false });
  // In raw mode Ctrl-C arrives as a key; SIGINT from kill, SIGTERM and SIGHUP quit the same clean way.
  const offSignals = onStopSignal(() => app.unmount());
  void controller.start();
  try {
    await app.waitUntilExit();
  } finally {
    offSignals();
    process.stdout.write('\x1b[?1049l');
    if (controller.phase.kind === 'starting') process.stderr.write('hatchet-sessions: stopping…\n');
    else if (controller.work.size)
      process.stderr.write(
        'hatchet-sessions: stopping the running operation at its next safe point… (a second signal quits at once)\n',
      );
    await controller.close();
  }
  return exitCode;
}
