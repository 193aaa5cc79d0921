import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { ConsoleController, ConsolePhase } from '../src/console-controller.js';
import type { SamplerState } from '../src/sampler.js';
import { describeError } from '../src/errors.js';
import { Dashboard } from './Dashboard.js';
import { Help } from './Help.js';
import { KeyHints } from './KeyHints.js';
import { GLOBAL_KEYS, GROWTH_KEYS, HOME_KEYS } from './keys.js';
import { Growth, type GrowthState } from './Growth.js';
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
  const [screen, setScreen] = useState<'home' | 'growth'>('home');
  const [growth, setGrowth] = useState<GrowthState>({ kind: 'loading' });

  const loadGrowth = () => {
    setGrowth({ kind: 'loading' });
    controller.growth().then(
      (data) => setGrowth({ kind: 'loaded', data }),
      (err: unknown) => setGrowth({ kind: 'failed', message: describeError(err) }),
    );
  };

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onExit(phase.kind === 'failed' ? phase.exitCode : 0);
      exit();
      return;
    }
    if (input === '?') return setHelp((h) => !h);
    if (help) return key.escape && setHelp(false);
    if (phase.kind !== 'ready') return;
    if (screen === 'growth') {
      if (key.escape || input === 'g') setScreen('home');
      else if (input === 'r') loadGrowth();
      return;
    }
    const { sampler } = phase;
    if (input === 'g') {
      setScreen('growth');
      loadGrowth();
    } else if (input === 'r') void sampler.refreshExact();
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
  else if (screen === 'growth') body = <Growth state={growth} now={now} />;
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
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body}
      </Box>
      <KeyHints hints={[...(phase.kind !== 'ready' ? [] : screen === 'growth' ? GROWTH_KEYS : HOME_KEYS), ...GLOBAL_KEYS]} />
    </Box>
  );
}
