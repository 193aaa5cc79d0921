import React from 'react';
import { Box, Text } from 'ink';
import { RULE_IN_WORDS } from '../../src/drain/plan.js';
import { formatAgo, formatCount, formatDuration } from '../../src/format.js';
import type { RunRecord, ScheduleState } from '../../src/schedule/scheduler.js';
import { TypedConfirmation } from '../confirm/TypedConfirmation.js';
import type { ConfirmationState } from '../confirm/use-typed-confirmation.js';
import { ProgressBar } from '../shared/ProgressBar.js';
import { scheduleOn } from './use-schedule-state.js';

const OUTCOME_COLOR: Record<RunRecord['outcome'], string | undefined> = {
  done: 'green',
  limit: 'yellow',
  stopped: undefined,
  skipped: 'yellow',
  failed: 'red',
};

const time = (d: Date) => d.toISOString().slice(11, 19);

/** The schedule screen drawn from plain state: countdown, current run, last run, history. */
export function ScheduleView({
  state,
  description,
  now,
  rows = 40,
  confirmation,
  deletable,
}: {
  state: ScheduleState | null;
  description: string;
  now: Date;
  rows?: number;
  /** Shown while the operator is asked to type the word that starts the schedule. */
  confirmation?: ConfirmationState;
  /** Rows deletable now, as the dashboard's sampler last counted them. */
  deletable?: { count: number; asOf: Date };
}) {
  const active = scheduleOn(state);
  const run = state?.current;
  const p = run?.progress;
  const last = state?.lastRun;
  const historyRows = Math.max(3, rows - 16);
  return (
    <Box flexDirection="column">
      <Text bold>
        Scheduled cleanup{' '}
        <Text dimColor>
          · {description} · each run a throttled drain (10 min budget) · one runner across all instances
        </Text>
      </Text>
      <Text>
        Schedule:{' '}
        {active ? (
          <Text color="green">on</Text>
        ) : state?.stopping && state.running ? (
          <Text color="yellow">stopping after this batch</Text>
        ) : (
          <Text dimColor>off</Text>
        )}
        {state && !state.connected ? <Text color="red"> · database unreachable, retrying</Text> : null}
        {active && state && !state.running && state.nextRunAt ? (
          <Text>
            {' '}
            · next run in <Text bold>{formatDuration(Math.max(0, state.nextRunAt.getTime() - now.getTime()))}</Text> (
            {time(state.nextRunAt)} UTC)
          </Text>
        ) : null}
      </Text>
      {confirmation ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Start the scheduled cleanup: it deletes rows, a first run at once, then {description}</Text>
          <Text wrap="wrap">Rule: {RULE_IN_WORDS}.</Text>
          <Text>
            Deletable now:{' '}
            {deletable
              ? `${formatCount(deletable.count)} ${deletable.count === 1 ? 'row' : 'rows'} (exact count ${formatAgo(deletable.asOf, now)})`
              : 'not counted yet (r on the home screen counts)'}
          </Text>
          <TypedConfirmation state={confirmation} action="to start the schedule" />
        </Box>
      ) : null}
      {run ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            Run #{run.run} {state?.lockHeld ? '(runner lock held)' : ''}{' '}
            <ProgressBar done={p?.blocksSwept ?? 0} total={p?.blocksTotal ?? 0} width={30} /> blocks{' '}
            {formatCount(p?.blocksSwept ?? 0)} / {formatCount(p?.blocksTotal ?? 0)}
          </Text>
          <Text>
            deleted {formatCount(p?.rowsDeleted ?? 0)} · {formatCount(p?.rowsPerSecond ?? 0)} rows/s · ETA{' '}
            {p?.etaMs == null ? '…' : formatDuration(p.etaMs)}
            {p?.throttle.reason ? <Text color="yellow"> · waiting: {p.throttle.detail}</Text> : null}
          </Text>
        </Box>
      ) : null}
      {last ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Last run</Text>
          <Text>
            #{last.run} at {time(last.startedAt)} UTC · <Text color={OUTCOME_COLOR[last.outcome]}>{last.outcome}</Text>{' '}
            · deleted {formatCount(last.rowsDeleted)} in {formatDuration(last.durationMs)}
            {last.summary
              ? ` · ${formatCount(last.summary.rowsPerSecond)} rows/s · batch p50/p95/max ${last.summary.batchMs.p50}/${last.summary.batchMs.p95}/${last.summary.batchMs.max} ms`
              : ''}
          </Text>
          {last.detail ? <Text dimColor>{last.detail}</Text> : null}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        <Text bold>
          History <Text dimColor>(last {formatCount(state?.history.length ?? 0)} of up to 50, newest first)</Text>
        </Text>
        {(state?.history ?? []).length === 0 ? <Text dimColor>{'  '}no runs yet</Text> : null}
        {(state?.history ?? []).slice(0, historyRows).map((r) => (
          <Text key={r.run}>
            {'  '}
            {time(r.startedAt)} #{String(r.run).padEnd(4)}{' '}
            <Text color={OUTCOME_COLOR[r.outcome]}>{r.outcome.padEnd(8)}</Text>
            {formatCount(r.rowsDeleted).padStart(12)} rows {formatDuration(r.durationMs).padStart(8)}
            {r.detail ? <Text dimColor> {r.detail}</Text> : null}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
