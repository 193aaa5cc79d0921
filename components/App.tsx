import React, { useRef, useState, useSyncExternalStore } from 'react';
import { Box, useApp, useInput } from 'ink';
import type { ConsoleController } from '../src/console-controller.js';
import { Help, helpLayout } from './help/Help.js';
import { GLOBAL_KEYS, HELP_KEYS, type GlobalKeyContext } from './help/keys.js';
import { HELP_GROUPS, screenById } from './screens.js';
import { hintsFor, keyName, runBinding } from './shared/bindings.js';
import { KeyHints } from './shared/KeyHints.js';
import { KeyRouter, KeyRouterContext } from './shared/key-router.js';
import type { ScreenId } from './shared/screen.js';
import { useOperation } from './shared/use-operation.js';
import { useTerminalSize } from './shared/use-terminal-size.js';
import { Failed, Starting } from './starting/Starting.js';

/**
 * The console: a thin view over the ConsoleController (it never runs SQL itself). It draws the screen on view
 * from the registry (components/screens.tsx) and routes every key: the keys of every screen, then the help
 * overlay's, then the screen's own (or its typed confirmation's, which takes every printable key).
 */
export function App({ controller, onExit }: { controller: ConsoleController; onExit: (code: number) => void }) {
  const { exit } = useApp();
  const phase = useOperation(controller);
  const samplerState = useOperation(phase.kind === 'ready' ? phase.sampler : undefined);
  const { columns, rows } = useTerminalSize();
  const height = Math.max(10, rows - 1);
  const [help, setHelp] = useState<{ open: boolean; offset: number }>({ open: false, offset: 0 });
  const [screen, setScreen] = useState<ScreenId>('home');
  const [router] = useState(() => new KeyRouter());
  const keys = useSyncExternalStore(router.subscribe, router.getSnapshot);
  // Read by the key handler: a key that arrives before the next frame sees the latest state.
  const helpOpen = useRef(help.open);
  helpOpen.current = help.open;

  const maxOffset = helpLayout(HELP_GROUPS, columns, height - 2).maxOffset;
  const globals = (): GlobalKeyContext => ({
    textEntry: router.getSnapshot().textEntry && !helpOpen.current,
    toggleHelp: () => setHelp((h) => ({ open: !h.open, offset: 0 })),
    closeHelp: () => setHelp({ open: false, offset: 0 }),
    scrollHelp: (by) => setHelp((h) => ({ ...h, offset: Math.min(maxOffset, Math.max(0, h.offset + by)) })),
    quit: () => {
      onExit(phase.kind === 'failed' ? phase.exitCode : 0);
      exit();
    },
  });

  useInput((input, key) => {
    const ctx = globals();
    const name = keyName(input, key);
    if (runBinding(GLOBAL_KEYS, ctx, name)) return;
    if (helpOpen.current) return void runBinding(HELP_KEYS, ctx, name);
    router.route(input, key);
  });

  let body: React.ReactNode = null;
  if (phase.kind === 'starting') body = <Starting step={phase.step} />;
  else if (phase.kind === 'failed') body = <Failed message={phase.message} />;
  else if (samplerState) {
    // Mounted under the help overlay too: a running drain or rebuild keeps its screen.
    body = (
      <Box flexDirection="column" flexShrink={0} display={help.open ? 'none' : 'flex'}>
        {screenById(screen).render({
          controller,
          session: phase.session,
          sampler: phase.sampler,
          samplerState,
          columns,
          rows,
          open: setScreen,
          back: () => setScreen('home'),
        })}
      </Box>
    );
  }
  const ctx = globals();
  return (
    <KeyRouterContext.Provider value={router}>
      <Box flexDirection="column" width={columns} height={height}>
        <Box flexDirection="column" flexGrow={1} overflow="hidden">
          {help.open ? <Help groups={HELP_GROUPS} columns={columns} height={height - 2} offset={help.offset} /> : null}
          {body}
        </Box>
        <KeyHints hints={[...(help.open ? hintsFor(HELP_KEYS, ctx) : keys.hints), ...hintsFor(GLOBAL_KEYS, ctx)]} />
      </Box>
    </KeyRouterContext.Provider>
  );
}
