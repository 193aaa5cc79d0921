import React, { useEffect, useReducer, useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import type { DrainOperation } from '../src/drain/operation.js';
import { RULE_IN_WORDS } from '../src/drain/plan.js';
import type { DrainEngine } from '../src/drain/console.js';
import type { SamplerState } from '../src/sampler.js';
import { formatBytes, formatCount, formatDuration } from '../src/format.js';
import { summaryText } from '../src/drain/summary.js';
import { ProgressBar } from './ProgressBar.js';
import { CONFIRM_WORD, drainScreenReducer, initialDrainState, type DrainScreenState } from './use-drain-state.js';

/** The drain screen drawn from plain state: planning, confirmation, progress, summary. */
export function DrainView({ state, columns = 100 }: { state: DrainScreenState; columns?: number }) {
  const { plan, progress: p, summary } = state;
  const width = Math.max(20, Math.min(50, columns - 30));
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold>Drain: delete what Hatchet&apos;s rule allows, block range by block range</Text>
      <Text wrap="wrap">Rule: {RULE_IN_WORDS}.</Text>
      {state.phase === 'planning' ? <Text dimColor>estimating (a sample of the table)…</Text> : null}
      {plan && state.phase === 'confirm' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            Estimated: ~{formatCount(plan.estimatedDeletable)} deletable of ~{formatCount(plan.estimatedTotal)} rows
            {plan.sampledPercent < 100 ? ` (${plan.sampledPercent.toFixed(1)}% block sample)` : ''}; {formatCount(plan.blocksTotal)} blocks (
            {formatBytes(plan.heapBytes)})
          </Text>
          {plan.statements.map((st) => (
            <Box key={st.when} flexDirection="column">
              <Text dimColor>{st.when}</Text>
              {st.sql.split('\n').map((line, i) => (
                <Text key={i} color="cyan">
                  {'  '}
                  {line}
                </Text>
              ))}
            </Box>
          ))}
          <Box marginTop={1}>
            <Text>
              Type <Text bold>{CONFIRM_WORD}</Text> and press Enter to start: <Text inverse>{state.typed || ' '}</Text>
              {state.wrongWord ? <Text color="red"> not "{CONFIRM_WORD}": nothing started</Text> : null}
            </Text>
          </Box>
        </Box>
      ) : null}
      {state.phase === 'running' || (state.phase === 'finished' && p) ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            <ProgressBar done={p?.blocksSwept ?? 0} total={p?.blocksTotal ?? 0} width={width} />
            <Text>
              {'  '}blocks {formatCount(p?.blocksSwept ?? 0)} / {formatCount(p?.blocksTotal ?? 0)}
            </Text>
          </Text>
          <Text>
            deleted {formatCount(p?.rowsDeleted ?? 0)} · {formatCount(p?.rowsPerSecond ?? 0)} rows/s · ETA{' '}
            {p?.etaMs == null ? '…' : formatDuration(p.etaMs)} · elapsed {formatDuration(p?.elapsedMs ?? 0)}
          </Text>
          <Text>
            batch {formatCount(p?.batchBlocks ?? 0)} blocks · last {(p?.lastBatchMs ?? 0).toFixed(1)} ms ({formatCount(p?.lastBatchRows ?? 0)} rows) ·
            target {p?.targetBatchMs ?? '?'} ms · nice {p?.nice ?? '?'}
          </Text>
          <Text>
            state:{' '}
            {p?.stopping && state.phase === 'running' ? (
              <Text color="yellow">stopping after this batch</Text>
            ) : p?.throttle.reason ? (
              <Text color="yellow">{p.throttle.reason === 'paused' ? 'paused (p resumes)' : `waiting: ${p.throttle.detail}`}</Text>
            ) : state.phase === 'running' ? (
              <Text color="green">{p?.phase === 'sweeping' || !p ? 'running' : `${p.phase}…`}</Text>
            ) : (
              <Text>finished</Text>
            )}
            {p && p.retries > 0 ? <Text dimColor> · {p.retries} retries, {p.reconnects} reconnects</Text> : null}
          </Text>
        </Box>
      ) : null}
      {state.phase === 'finished' && summary ? (
        <Box flexDirection="column" marginTop={1}>
          {summaryText(summary)
            .split('\n')
            .map((line, i) => (
              <Text key={i} color={i === 0 && summary.stopReason === 'error' ? 'red' : undefined}>
                {line}
              </Text>
            ))}
        </Box>
      ) : null}
      {state.phase === 'failed' ? <Text color="red">✗ {state.error}</Text> : null}
    </Box>
  );
}

/** The drain screen wired to the engine: keys p, +, -, s, Esc; the confirmation; events into the reducer. */
export function DrainPanel({
  engine,
  onBack,
  onFinished,
  columns,
  active = true,
}: {
  engine: DrainEngine;
  onBack: () => void;
  /** Called when the drain has ended (its summary is on screen), e.g. to count the table again. */
  onFinished?: () => void;
  columns?: number;
  /** False while the help overlay has the keys. */
  active?: boolean;
}) {
  const [state, dispatch] = useReducer(drainScreenReducer, initialDrainState);
  const op = useRef<DrainOperation | null>(null);
  // Read by the key handler: a key that arrives right after a frame must see that frame's state.
  const current = useRef(state);
  current.current = state;

  useEffect(() => {
    let live = true;
    engine.plan().then(
      (plan) => live && dispatch({ type: 'plan', plan }),
      (err: unknown) => live && dispatch({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
      op.current?.stop(); // leaving the screen (quit) stops after the current batch
    };
  }, [engine]);

  useEffect(() => {
    if (state.phase !== 'running' || op.current) return;
    const operation = engine.create();
    op.current = operation;
    operation.subscribe((event) => dispatch({ type: 'event', event }));
    void engine.run(operation).finally(() => onFinished?.());
  }, [state.phase, engine]);

  useInput((input, key) => {
    const state = current.current;
    if (state.phase === 'confirm') {
      if (key.escape) return onBack();
      if (key.backspace || key.delete) return dispatch({ type: 'backspace' });
      // Fast typing or a paste arrives as one chunk, Enter included ("drain\r").
      const text = input.replace(/[\r\n]+$/, '');
      if (text && /^[a-z]+$/i.test(text)) dispatch({ type: 'type', text });
      if (key.return || /[\r\n]$/.test(input)) dispatch({ type: 'submit' });
      return;
    }
    if (state.phase === 'running') {
      const o = op.current;
      if (!o) return;
      if (input === 'p') return o.progress.paused ? o.resume() : o.pause();
      if (input === '+') return o.faster();
      if (input === '-') return o.slower();
      if (input === 's') return o.stop();
      return;
    }
    if (key.escape) onBack();
  }, { isActive: active });

  return <DrainView state={state} columns={columns} />;
}

/** One line of the dashboard's live figures, kept refreshing above the drain screen. */
export function LiveFigures({ sampler }: { sampler: SamplerState }) {
  const sizes = sampler.sizes;
  return (
    <Text dimColor>
      live: {sizes ? `heap ${formatBytes(sizes.heapBytes)} · ~${formatCount(sizes.liveTuples)} live · ~${formatCount(sizes.deadTuples)} dead tuples` : '…'}
      {sampler.insertRate === undefined ? '' : ` · ${sampler.insertRate.toFixed(1)} inserts/s`}
      {sampler.tickError ? ` · stale: ${sampler.tickError}` : ''}
    </Text>
  );
}
