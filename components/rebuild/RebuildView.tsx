import React from 'react';
import { Box, Text } from 'ink';
import { formatBytes, formatCount } from '../../src/format.js';
import { initialRebuildRun, type RebuildRunState } from '../../src/rebuild/operation.js';
import { PLAN_STEPS, STEP_LABELS, STEPS } from '../../src/rebuild/steps/index.js';
import { TypedConfirmation } from '../confirm/TypedConfirmation.js';
import { initialConfirmation, type ConfirmationState } from '../confirm/use-typed-confirmation.js';
import { ProgressBar } from '../shared/ProgressBar.js';
import { canRecover, runStarted, type RebuildIntent, type RebuildWizardState } from './use-rebuild-state.js';

const ACTION: Record<RebuildIntent, string> = {
  rebuild: 'to rebuild',
  finish: 'to finish the rebuild',
  undo: 'to undo the rebuild',
};
/** Terminal rows from which the checklist wraps and the plan shows each step's lock. */
const ROOMY_FROM = 36;
const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;
const COLOR = { pass: 'green', warn: 'yellow', fail: 'red' } as const;

/** The wizard drawn from plain state. */
export function RebuildView({
  state,
  run,
  confirmation = initialConfirmation(''),
  tableName,
  rows = 40,
}: {
  state: RebuildWizardState;
  /** The snapshot of the rebuild, finish or undo that runs or ran last. */
  run?: RebuildRunState;
  confirmation?: ConfirmationState;
  tableName: string;
  /** A short terminal gets the checklist without wrapping and the plan as one paragraph, so Enter stays on screen. */
  rows?: number;
}) {
  const roomy = rows >= ROOMY_FROM;
  const p = state.preflight;
  const steps = (run ?? initialRebuildRun()).steps;
  const lockHoldMs = run?.lockHoldMs ?? state.stats?.lockHoldMs;
  return (
    <Box flexDirection="column">
      <Text bold>Online rebuild of &quot;{tableName}&quot;: give the disk back, lock held for milliseconds</Text>
      {state.phase === 'checking' ? <Text>Preflight checks (one full scan to count the rows to keep)…</Text> : null}
      {p && (state.phase === 'checklist' || state.phase === 'confirm')
        ? p.checks.map((c) => (
            <Text key={c.id} wrap={roomy ? 'wrap' : 'truncate-end'}>
              <Text color={COLOR[c.status]}>{MARK[c.status]}</Text> {c.label}: {c.detail}
            </Text>
          ))
        : null}
      {p && state.phase === 'checklist' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Plan</Text>
          {roomy ? (
            PLAN_STEPS.map((s, k) => (
              <Text key={s.step} wrap="truncate-end">
                {k + 1}. {s.label} <Text dimColor>lock: {s.lock}</Text>
              </Text>
            ))
          ) : (
            <Text wrap="wrap">{PLAN_STEPS.map((s, k) => `${k + 1}. ${s.label}`).join(' · ')}</Text>
          )}
          <Text dimColor>{roomy ? 'SQL' : 'The lock and SQL'} of every step: hatchet-sessions rebuild --dry-run</Text>
          {p.ok ? (
            <Text>Press Enter to go on, Esc to go back.</Text>
          ) : (
            <Text color="red">A check failed: nothing can be done here. Esc goes back.</Text>
          )}
        </Box>
      ) : null}
      {state.phase === 'confirm' ? (
        <TypedConfirmation state={confirmation} action={ACTION[state.intent]}>
          {state.intent === 'rebuild' ? (
            <Text dimColor>
              Needs about {formatBytes((p?.estimatedBytes ?? 0) * 2)} free disk; the old table stays as a backup until
              dropped.
            </Text>
          ) : null}
        </TypedConfirmation>
      ) : null}
      {state.phase === 'running' || state.phase === 'done' || (state.phase === 'failed' && runStarted(run)) ? (
        <Box flexDirection="column">
          {STEPS.map(({ name: s }) => {
            const st = steps[s];
            const icon = st.status === 'done' || st.status === 'skipped' ? '✓' : st.status === 'running' ? '▸' : ' ';
            return (
              <Text key={s}>
                {icon} {STEP_LABELS[s].padEnd(36)}{' '}
                {st.total > 0 ? <ProgressBar done={st.done} total={st.total} width={20} /> : null}
                {st.total > 0 ? ` ${formatCount(st.done)}/${formatCount(st.total)} ${st.unit}` : ''}
                {st.ms !== undefined ? <Text dimColor> {st.ms} ms</Text> : null}
              </Text>
            );
          })}
          {run?.lastRetry ? <Text color="yellow">{run.lastRetry}</Text> : null}
          {lockHoldMs !== undefined ? <Text bold>Lock held: {lockHoldMs} ms</Text> : null}
          {state.phase === 'running' ? (
            <Text dimColor>
              {run?.stopping
                ? 'Stopping at the next safe point…'
                : 's stops at the next safe point (then recover finishes or undoes it)'}
            </Text>
          ) : null}
        </Box>
      ) : null}
      {state.phase === 'done' && state.stats ? (
        <Text color="green">
          Done in {state.stats.totalSeconds}s: {formatCount(state.stats.rowsKept)} rows copied,{' '}
          {formatCount(state.stats.rowsCaptured)} writes captured; {formatBytes(state.stats.bytesBefore)} →{' '}
          {formatBytes(state.stats.bytesAfter)}. Backup: &quot;{state.stats.backupTable}&quot; (drop it with
          hatchet-sessions rebuild --drop-backup --yes). Esc goes back.
        </Text>
      ) : null}
      {state.phase === 'undone' ? (
        <Text color="green">Undone: &quot;{tableName}&quot; is untouched. Esc goes back.</Text>
      ) : null}
      {state.phase === 'failed' ? (
        <Text color="red">
          ✗ {state.error}{' '}
          {canRecover(state, run) ? 'Press f to finish it, u to undo it, Esc to go back.' : 'Esc goes back.'}
        </Text>
      ) : null}
    </Box>
  );
}
