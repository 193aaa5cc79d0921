import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { ConsoleController, ConsolePhase } from '../src/console-controller.js';
import type { SamplerState } from '../src/sampler.js';
import { describeError } from '../src/errors.js';
import { Dashboard } from './Dashboard.js';
import { Help } from './Help.js';
import { KeyHints } from './KeyHints.js';
import { GLOBAL_KEYS, GROWTH_KEYS, HOME_KEYS } from './keys.js';
import { Growth, type GrowthState } from './Growth.js';
import { DrainPanel, LiveFigures } from './DrainPanel.js';
import { SchedulePanel } from './SchedulePanel.js';
import { IndexPanel } from './IndexPanel.js';
import { DRAIN_KEYS, INDEX_KEYS, SCHEDULE_KEYS } from './keys.js';
import { drainEngineFor } from '../src/drain/console.js';
import { indexEngineFor } from '../src/create-index-console.js';
import { createIndexSql } from '../src/create-index.js';
import { Starting } from './Starting.js';
import { RebuildWizard } from './RebuildWizard.js';
import { rebuildEngineFor } from '../src/rebuild/console.js';
import { REBUILD_KEYS } from './keys.js';
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
  const [screen, setScreen] = useState<'home' | 'growth' | 'drain' | 'index' | 'schedule' | 'rebuild'>('home');
  // The drain and index screens call the engine through these; they never run SQL themselves.
  const session = phase.kind === 'ready' ? phase.session : undefined;
  const drainEngine = useMemo(() => (session ? drainEngineFor(session, undefined, undefined, controller.work) : undefined), [session]);
  const indexEngine = useMemo(() => (session ? indexEngineFor(session, undefined, controller.work) : undefined), [session]);
  const rebuildEngine = useMemo(() => (session ? rebuildEngineFor(session, undefined, controller.work) : undefined), [session]);
  const writable = session ? session.inspection.writeBlockers.length === 0 : false;
  // The rebuild is offered only when we may write and the role owns the table.
  const canRebuild = writable && Boolean(session?.inspection.isOwner);
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
    if (screen === 'drain' || screen === 'index' || screen === 'schedule' || screen === 'rebuild') return; // the panel has the keys; Esc brings it home
    const { sampler } = phase;
    if (input === 'd' && writable) setScreen('drain');
    else if (input === 'c' && writable) setScreen('schedule');
    else if (input === 'b' && canRebuild) setScreen('rebuild');
    else if (input === 'i' && writable && phase.session.inspection.createdAtIndex !== 'valid') setScreen('index');
    else if (input === 'g') {
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
  else if (screen === 'drain' || screen === 'index' || screen === 'schedule' || screen === 'rebuild') body = null; // drawn below, mounted even under the help overlay
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
        {phase.kind === 'ready' && screen === 'drain' && drainEngine ? (
          <Box flexDirection="column" display={help ? 'none' : 'flex'}>
            {samplerState ? <LiveFigures sampler={samplerState} /> : null}
            <DrainPanel
              engine={drainEngine}
              onBack={() => setScreen('home')}
              onFinished={() => void phase.sampler.refreshExact()}
              columns={columns}
              active={!help}
            />
          </Box>
        ) : null}
        {phase.kind === 'ready' && screen === 'schedule' ? (
          <Box flexDirection="column" display={help ? 'none' : 'flex'}>
            {samplerState ? <LiveFigures sampler={samplerState} /> : null}
            <SchedulePanel controls={controller.schedule} onBack={() => setScreen('home')} now={now} rows={rows} active={!help} />
          </Box>
        ) : null}
        {phase.kind === 'ready' && screen === 'rebuild' && rebuildEngine ? (
          <Box flexDirection="column" display={help ? 'none' : 'flex'}>
            <RebuildWizard engine={rebuildEngine} onBack={() => setScreen('home')} active={!help} />
          </Box>
        ) : null}
        {phase.kind === 'ready' && screen === 'index' && indexEngine ? (
          <Box flexDirection="column" display={help ? 'none' : 'flex'}>
            <IndexPanel engine={indexEngine} sqlText={createIndexSql(phase.session.table).split('\n').at(-1)!} onBack={() => setScreen('home')} active={!help} />
          </Box>
        ) : null}
      </Box>
      <KeyHints
        hints={[
          ...(phase.kind !== 'ready'
            ? []
            : screen === 'growth'
              ? GROWTH_KEYS
              : screen === 'drain'
                ? DRAIN_KEYS
                : screen === 'schedule'
                  ? SCHEDULE_KEYS
                : screen === 'index'
                  ? INDEX_KEYS
                : screen === 'rebuild'
                  ? REBUILD_KEYS
                  : HOME_KEYS.filter((k) => (!['d', 'c'].includes(k.key) || writable) && (k.key !== 'i' || (writable && session?.inspection.createdAtIndex !== 'valid')) && (k.key !== 'b' || canRebuild))),
          ...GLOBAL_KEYS,
        ]}
      />
    </Box>
  );
}
