import React from 'react';
import { Box, Text } from 'ink';
import { RULE_IN_WORDS } from '../../src/drain/plan.js';
import type { DrainRunState } from '../../src/drain/types.js';
import { formatBytes, formatCount, formatDuration } from '../../src/format.js';
import { summaryText } from '../../src/drain/summary.js';
import { TypedConfirmation } from '../confirm/TypedConfirmation.js';
import { initialConfirmation, type ConfirmationState } from '../confirm/use-typed-confirmation.js';
import { ProgressBar } from '../shared/ProgressBar.js';
import { CONFIRM_WORD, drainPhase, type DrainScreenState } from './use-drain-state.js';

/** Terminal rows from which the confirmation shows every statement of the plan. */
const ALL_STATEMENTS_FROM = 34;

/** The drain screen drawn from plain state: planning, confirmation, progress, summary. */
export function DrainView({
  state,
  run,
  confirmation = initialConfirmation(CONFIRM_WORD),
  columns = 100,
  rows = 40,
}: {
  state: DrainScreenState;
  /** The running drain's snapshot. */
  run?: DrainRunState;
  confirmation?: ConfirmationState;
  columns?: number;
  /** A short terminal shows the first statement only, so the typed confirmation stays on screen. */
  rows?: number;
}) {
  const { plan } = state;
  const p = run?.progress ?? undefined;
  const summary = run?.summary ?? undefined;
  const phase = drainPhase(state, run);
  const width = Math.max(20, Math.min(50, columns - 30));
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold>Drain: delete what Hatchet&apos;s rule allows, block range by block range</Text>
      <Text wrap="wrap">Rule: {RULE_IN_WORDS}.</Text>
      {phase === 'planning' ? <Text dimColor>estimating (a sample of the table)…</Text> : null}
      {plan && phase === 'confirm' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            Estimated: ~{formatCount(plan.estimatedDeletable)} deletable of ~{formatCount(plan.estimatedTotal)} rows
            {plan.sampledPercent < 100 ? ` (${plan.sampledPercent.toFixed(1)}% block sample)` : ''};{' '}
            {formatCount(plan.blocksTotal)} blocks ({formatBytes(plan.heapBytes)})
          </Text>
          {(rows >= ALL_STATEMENTS_FROM ? plan.statements : plan.statements.slice(0, 1)).map((st) => (
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
          {rows < ALL_STATEMENTS_FROM && plan.statements.length > 1 ? (
            <Text dimColor>
              (and {plan.statements.length - 1} more: hatchet-sessions drain --dry-run prints every statement)
            </Text>
          ) : null}
          <TypedConfirmation state={confirmation} action="to start" />
        </Box>
      ) : null}
      {phase === 'running' || (phase === 'finished' && p) ? (
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
            batch {formatCount(p?.batchBlocks ?? 0)} blocks · last {(p?.lastBatchMs ?? 0).toFixed(1)} ms (
            {formatCount(p?.lastBatchRows ?? 0)} rows) · target {p?.targetBatchMs ?? '?'} ms · nice {p?.nice ?? '?'}
          </Text>
          <Text>
            state:{' '}
            {p?.stopping && phase === 'running' ? (
              <Text color="yellow">stopping after this batch</Text>
            ) : p?.throttle.reason ? (
              <Text color="yellow">
                {p.throttle.reason === 'paused' ? 'paused (p resumes)' : `waiting: ${p.throttle.detail}`}
              </Text>
            ) : phase === 'running' ? (
              <Text color="green">{p?.phase === 'sweeping' || !p ? 'running' : `${p.phase}…`}</Text>
            ) : (
              <Text>finished</Text>
            )}
            {p && p.retries > 0 ? (
              <Text dimColor>
                {' '}
                · {p.retries} retries, {p.reconnects} reconnects
              </Text>
            ) : null}
          </Text>
        </Box>
      ) : null}
      {phase === 'finished' && summary ? (
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
      {phase === 'running' && state.notice ? <Text color="yellow">{state.notice}</Text> : null}
      {phase === 'failed' ? <Text color="red">✗ {state.error ?? summary?.error}</Text> : null}
    </Box>
  );
}
