import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { ConsoleController, ConsolePhase } from '../src/console-controller.js';
import type { SamplerState } from '../src/sampler.js';
import { Dashboard } from './Dashboard.js';
import { Help } from './Help.js';
import { KeyHints } from './KeyHints.js';
import { HOME_KEYS } from './keys.js';
import { Starting } from './Starting.js';
import { useTerminalSize } from './use-terminal-size.js';

function useController(controller: ConsoleController): ConsolePhase {
  const [phase, setPhase] = useState(controller.phase);
  useEffect(() => controller.subscribe(setPhase), [controller]);
  return phase;
}

function useSampler(phase: ConsolePhase): SamplerState | undefined {
  const sampler = phase.kind === 'ready' ? phase.sampler : undefined;
  const [state, setState] = useState(sampler?.state);
  useEffect(() => {
    if (!sampler) return;
    setState(sampler.state);
    return sampler.subscribe(setState);
  }, [sampler]);
  return state;
}

function useNow(ms = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The console: a thin view over the ConsoleController; it never runs SQL itself. */
export function App({ controller, onExit }: { controller: ConsoleController; onExit: (code: number) => void }) {
  const { exit } = useApp();
  const phase = useController(controller);
  const samplerState = useSampler(phase);
  const { columns, rows } = useTerminalSize();
  const now = useNow();
  const [help, setHelp] = useState(false);

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onExit(phase.kind === 'failed' ? phase.exitCode : 0);
      exit();
      return;
    }
    if (input === '?') return setHelp((h) => !h);
    if (key.escape) return setHelp(false);
    if (phase.kind !== 'ready') return;
    const { sampler } = phase;
    if (input === 'r') void sampler.refreshExact();
    else if (input === '+') sampler.setTickMs(sampler.state.tickMs / 2);
    else if (input === '-') sampler.setTickMs(sampler.state.tickMs * 2);
    else if (input === ' ') sampler.setPaused(!sampler.state.paused);
  });

  let body: React.ReactNode;
  if (help) body = <Help />;
  else if (phase.kind === 'starting') body = <Starting step={phase.step} />;
  else if (phase.kind === 'failed')
    body = (
      <Box flexDirection="column">
        <Text color="red">✗ {phase.message}</Text>
        <Text dimColor>Press q to quit.</Text>
      </Box>
    );
  else if (samplerState)
    body = (
      <Dashboard
        description={phase.session.description}
        demo={phase.session.demo ? { rows: phase.session.demo.rows } : undefined}
        inspection={phase.session.inspection}
        sampler={samplerState}
        now={now}
        columns={columns}
      />
    );

  return (
    <Box flexDirection="column" width={columns} height={Math.max(10, rows - 1)}>
      <Box flexDirection="column" flexGrow={1}>
        {body}
      </Box>
      <KeyHints hints={phase.kind === 'ready' ? HOME_KEYS : HOME_KEYS.filter((k) => k.key === '?' || k.key === 'q')} />
    </Box>
  );
}
