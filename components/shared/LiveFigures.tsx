import React from 'react';
import { Text } from 'ink';
import type { SamplerState } from '../../src/sampler.js';
import { formatBytes, formatCount } from '../../src/format.js';

/** One line of the dashboard's live figures, kept refreshing above the drain screen. */
export function LiveFigures({ sampler }: { sampler: SamplerState }) {
  const sizes = sampler.sizes;
  return (
    <Text dimColor>
      live:{' '}
      {sizes
        ? `heap ${formatBytes(sizes.heapBytes)} · ~${formatCount(sizes.liveTuples)} live · ~${formatCount(sizes.deadTuples)} dead tuples`
        : '…'}
      {sampler.insertRate === undefined ? '' : ` · ${sampler.insertRate.toFixed(1)} inserts/s`}
      {sampler.tickError ? ` · stale: ${sampler.tickError}` : ''}
    </Text>
  );
}
