import React, { useEffect, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { IndexBuild, IndexBuildProgress } from '../src/create-index.js';
import type { IndexEngine } from '../src/create-index-console.js';
import { formatCount, formatDuration } from '../src/format.js';
import { CREATED_AT_INDEX } from '../src/inspect.js';
import { ProgressBar } from './ProgressBar.js';

export interface IndexScreenState {
  phase: 'confirm' | 'building' | 'done' | 'failed';
  step?: string;
  progress?: IndexBuildProgress;
}

/** The index screen drawn from plain state. */
export function IndexView({ state, sqlText }: { state: IndexScreenState; sqlText: string }) {
  const p = state.progress;
  return (
    <Box flexDirection="column">
      <Text bold>Hatchet&apos;s index {CREATED_AT_INDEX}</Text>
      <Text>Built exactly as Hatchet&apos;s migration 20260707141853_v1_0_125 does, without blocking writes:</Text>
      <Text color="cyan">  {sqlText}</Text>
      {state.phase === 'confirm' ? <Text>Press y to build it, Esc to go back.</Text> : null}
      {state.step ? <Text>{state.step}</Text> : null}
      {state.phase === 'building' && p ? (
        <Text>
          <ProgressBar done={p.blocksTotal ? p.blocksDone : p.tuplesDone} total={p.blocksTotal || p.tuplesTotal} />
          {'  '}
          {p.phase} {p.blocksTotal ? `blocks ${formatCount(p.blocksDone)}/${formatCount(p.blocksTotal)}` : ''} · {formatDuration(p.elapsedMs)}
        </Text>
      ) : null}
      {state.phase === 'building' ? <Text dimColor>Esc cancels the build (its leftover is removed).</Text> : null}
      {state.phase === 'done' || state.phase === 'failed' ? <Text dimColor>Esc goes back.</Text> : null}
    </Box>
  );
}

export function IndexPanel({ engine, sqlText, onBack, active = true }: { engine: IndexEngine; sqlText: string; onBack: () => void; active?: boolean }) {
  const [state, setState] = useState<IndexScreenState>({ phase: 'confirm' });
  const build = useRef<IndexBuild | null>(null);
  useEffect(() => () => void build.current?.cancel(), []);
  useInput((input, key) => {
    if (state.phase === 'confirm') {
      if (input === 'y') {
        const b = engine.create();
        build.current = b;
        setState({ phase: 'building' });
        b.subscribe((e) => {
          if (e.type === 'progress') setState((s) => ({ ...s, progress: e.progress }));
          else setState((s) => ({ ...s, step: e.message }));
        });
        void engine.run(b).then(async (r) => {
          build.current = null;
          await engine.refresh().catch(() => {});
          setState((s) => ({ ...s, phase: r.outcome === 'created' || r.outcome === 'exists' ? 'done' : 'failed' }));
        });
      } else if (key.escape || input === 'n') onBack();
      return;
    }
    if (key.escape) {
      if (state.phase === 'building') void build.current?.cancel();
      else onBack();
    }
  }, { isActive: active });
  return <IndexView state={state} sqlText={sqlText} />;
}
