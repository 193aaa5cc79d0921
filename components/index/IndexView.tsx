import React from 'react';
import { Box, Text } from 'ink';
import type { IndexBuildState } from '../../src/create-index.js';
import { formatCount, formatDuration } from '../../src/format.js';
import { CREATED_AT_INDEX } from '../../src/inspect.js';
import { ProgressBar } from '../shared/ProgressBar.js';
import type { IndexScreenState } from './use-index-state.js';

/** The index screen drawn from plain state. */
export function IndexView({
  state,
  build = {},
  sqlText,
}: {
  state: IndexScreenState;
  build?: IndexBuildState;
  sqlText: string;
}) {
  const p = build.progress;
  return (
    <Box flexDirection="column">
      <Text bold>Hatchet&apos;s index {CREATED_AT_INDEX}</Text>
      <Text>Built exactly as Hatchet&apos;s migration 20260707141853_v1_0_125 does, without blocking writes:</Text>
      <Text color="cyan">
        {'  '}
        {sqlText}
      </Text>
      {state.phase === 'confirm' ? <Text>Press y to build it, Esc to go back.</Text> : null}
      {build.step ? <Text>{build.step}</Text> : null}
      {state.phase === 'building' && p ? (
        <Text>
          <ProgressBar done={p.blocksTotal ? p.blocksDone : p.tuplesDone} total={p.blocksTotal || p.tuplesTotal} />
          {'  '}
          {p.phase} {p.blocksTotal ? `blocks ${formatCount(p.blocksDone)}/${formatCount(p.blocksTotal)}` : ''} ·{' '}
          {formatDuration(p.elapsedMs)}
        </Text>
      ) : null}
      {state.phase === 'building' ? <Text dimColor>Esc cancels the build (its leftover is removed).</Text> : null}
      {state.phase === 'done' || state.phase === 'failed' ? <Text dimColor>Esc goes back.</Text> : null}
    </Box>
  );
}
