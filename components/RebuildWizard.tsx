import React, { useEffect, useReducer, useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import { describeError } from '../src/errors.js';
import { formatBytes, formatCount } from '../src/format.js';
import type { RebuildEngine } from '../src/rebuild/console.js';
import { STEPS } from '../src/rebuild/steps/index.js';
import { ProgressBar } from './ProgressBar.js';
import { initialRebuildState, rebuildReducer, type RebuildWizardState } from './rebuild/use-rebuild-state.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;
const COLOR = { pass: 'green', warn: 'yellow', fail: 'red' } as const;

/** The wizard drawn from plain state. */
export function RebuildView({ state, tableName }: { state: RebuildWizardState; tableName: string }) {
  const p = state.preflight;
  return (
    <Box flexDirection="column">
      <Text bold>Online rebuild of &quot;{tableName}&quot;: give the disk back, lock held for milliseconds</Text>
      {state.phase === 'checking' ? <Text>Preflight checks (one full scan to count the rows to keep)…</Text> : null}
      {p && (state.phase === 'checklist' || state.phase === 'confirm')
        ? p.checks.map((c) => (
            <Text key={c.id} wrap="truncate-end">
              <Text color={COLOR[c.status]}>{MARK[c.status]}</Text> {c.label}: {c.detail}
            </Text>
          ))
        : null}
      {p && state.phase === 'checklist' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Plan</Text>
          {STEPS.map((s, k) => (
            <Text key={s.name} wrap="truncate-end">
              {k + 1}. {s.label} <Text dimColor>lock: {s.lock}</Text>
            </Text>
          ))}
          <Text dimColor>SQL of every step: hatchet-sessions rebuild --dry-run</Text>
          {p.ok ? <Text>Press Enter to go on, Esc to go back.</Text> : <Text color="red">A check failed: nothing can be done here. Esc goes back.</Text>}
        </Box>
      ) : null}
      {state.phase === 'confirm' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            Type <Text bold>{tableName}</Text> and press Enter to rebuild (Esc cancels): <Text color="cyan">{state.typed}</Text>
            {state.wrongName ? <Text color="red"> not "{tableName}": nothing started</Text> : null}
          </Text>
          <Text dimColor>
            Needs about {formatBytes((p?.estimatedBytes ?? 0) * 2)} free disk; the old table stays as a backup until dropped.
          </Text>
        </Box>
      ) : null}
      {state.phase === 'running' || state.phase === 'done' || (state.phase === 'failed' && state.steps.create_table.status !== 'pending') ? (
        <Box flexDirection="column">
          {STEPS.map((s) => {
            const st = state.steps[s.name];
            const icon = st.status === 'done' || st.status === 'skipped' ? '✓' : st.status === 'running' ? '▸' : ' ';
            return (
              <Text key={s.name}>
                {icon} {s.label.padEnd(36)}{' '}
                {st.total > 0 ? <ProgressBar done={st.done} total={st.total} width={20} /> : null}
                {st.total > 0 ? ` ${formatCount(st.done)}/${formatCount(st.total)} ${st.unit}` : ''}
                {st.ms !== undefined ? <Text dimColor> {st.ms} ms</Text> : null}
              </Text>
            );
          })}
          {state.lastRetry ? <Text color="yellow">{state.lastRetry}</Text> : null}
          {state.lockHoldMs !== undefined ? <Text bold>Lock held: {state.lockHoldMs} ms</Text> : null}
          {state.phase === 'running' ? <Text dimColor>{state.stopping ? 'Stopping at the next safe point…' : 's stops at the next safe point (then recover finishes or undoes it)'}</Text> : null}
        </Box>
      ) : null}
      {state.phase === 'done' && state.stats ? (
        <Text color="green">
          Done in {state.stats.totalSeconds}s: {formatCount(state.stats.rowsKept)} rows copied, {formatCount(state.stats.rowsCaptured)} writes captured;{' '}
          {formatBytes(state.stats.bytesBefore)} → {formatBytes(state.stats.bytesAfter)}. Backup: &quot;{state.stats.backupTable}&quot; (drop it with
          hatchet-sessions rebuild --drop-backup --yes). Esc goes back.
        </Text>
      ) : null}
      {state.phase === 'undone' ? <Text color="green">Undone: &quot;{tableName}&quot; is untouched. Esc goes back.</Text> : null}
      {state.phase === 'failed' ? (
        <Text color="red">
          ✗ {state.error} {state.preflight?.leftovers.found || state.steps.create_table.status !== 'pending' ? 'Press f to finish it, u to undo it, Esc to go back.' : 'Esc goes back.'}
        </Text>
      ) : null}
    </Box>
  );
}

export function RebuildWizard({ engine, onBack, active = true }: { engine: RebuildEngine; onBack: () => void; active?: boolean }) {
  const [state, dispatch] = useReducer(rebuildReducer, undefined, initialRebuildState);
  // Keys read the latest state through a ref: a key pressed right after a frame changes may reach a handler
  // registered with the previous render.
  const current = useRef(state);
  current.current = state;
  const stop = useRef({ stopped: false });
  const load = () =>
    engine.preflight().then(
      (p) => {
        dispatch({ type: 'preflight', preflight: p });
        if (p.leftovers.found && p.leftovers.runningPid === null) dispatch({ type: 'failed', message: `${p.leftovers.summary}.` });
      },
      (err: unknown) => dispatch({ type: 'failed', message: describeError(err) }),
    );
  useEffect(() => {
    void load();
    return () => {
      stop.current.stopped = true;
    };
  }, [engine]);
  const go = (work: Promise<unknown>) =>
    work.then(
      (r) => (r && typeof r === 'object' && 'lockHoldMs' in r ? dispatch({ type: 'done', stats: r as never }) : dispatch({ type: 'undone' })),
      (err: unknown) => dispatch({ type: 'failed', message: describeError(err) }),
    );
  useInput(
    (input, key) => {
      const state = current.current;
      if (state.phase === 'running') {
        if (input === 's') {
          stop.current.stopped = true;
          dispatch({ type: 'stopping' });
        }
        return;
      }
      if (state.phase === 'confirm') {
        if (key.escape) return dispatch({ type: 'preflight', preflight: state.preflight! });
        if (key.backspace || key.delete) return dispatch({ type: 'backspace' });
        // Fast typing or a paste arrives as one chunk, Enter included ("UserSession\r").
        const text = key.return ? '' : input.replace(/[\r\n]+$/, '');
        if (text && !key.ctrl && !key.meta) dispatch({ type: 'type', char: text });
        if (!key.return && !/[\r\n]$/.test(input)) return;
        if ((state.typed + text).slice(0, 64) !== engine.tableName) return dispatch({ type: 'wrongName' });
        dispatch({ type: 'start' });
        stop.current = { stopped: false };
        void go(engine.run((event) => dispatch({ type: 'event', event }), stop.current));
        return;
      }
      if (key.escape) return onBack();
      if (state.phase === 'checklist' && key.return) return dispatch({ type: 'confirm' });
      if (state.phase === 'failed' && (input === 'f' || input === 'u')) {
        dispatch({ type: 'start' });
        stop.current = { stopped: false };
        void go(input === 'f' ? engine.finish((event) => dispatch({ type: 'event', event }), stop.current) : engine.undo());
      }
    },
    { isActive: active },
  );
  return <RebuildView state={state} tableName={engine.tableName} />;
}
