import React from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Bucket } from '../../src/growth.js';
import { formatAgo, formatBytes, formatCount, sparkline } from '../../src/format.js';

import type { GrowthState } from './use-growth-state.js';

const total = (b: Bucket) => b.anonymous + b.authenticated;

function Series({ title, buckets, first, last }: { title: string; buckets: Bucket[]; first: string; last: string }) {
  const max = Math.max(0, ...buckets.map(total));
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>
        {title} <Text dimColor>(max {formatCount(max)}; · = none)</Text>
      </Text>
      <Text>
        {'  all           '}
        <Text color="cyan">{sparkline(buckets.map(total))}</Text>
      </Text>
      <Text>
        {'  anonymous     '}
        <Text color="yellow">{sparkline(buckets.map((b) => b.anonymous))}</Text>
      </Text>
      <Text>
        {'  authenticated '}
        <Text color="green">{sparkline(buckets.map((b) => b.authenticated))}</Text>
      </Text>
      <Text dimColor>
        {'                '}
        {first.padEnd(Math.max(0, buckets.length - last.length))}
        {last}
      </Text>
    </Box>
  );
}

/** The growth view: sessions created per hour (48 h) and per day (30 days), rates and projection. */
export function Growth({ state, now }: { state: GrowthState; now: Date }) {
  if (state.kind === 'loading') {
    return (
      <Text>
        <Text color="cyan">
          <Spinner type="dots" />
        </Text>{' '}
        Reading 30 days of "createdAt"…
      </Text>
    );
  }
  if (state.kind === 'failed') return <Text color="red">✗ growth figures unavailable: {state.message}</Text>;
  const g = state.data;
  return (
    <Box flexDirection="column">
      <Series title="Created per hour, last 48 h" buckets={g.hourly} first="48 h ago" last="now" />
      <Series title="Created per day, last 30 days" buckets={g.daily} first="30 d ago" last="today" />
      <Text>
        Rate now <Text bold>{formatCount(g.perHourNow)}/h</Text> ({formatCount(g.anonymousPerHourNow)} anonymous) · 24 h
        ago <Text bold>{formatCount(g.perHour24hAgo)}/h</Text>
      </Text>
      <Text>
        At this rate: <Text bold>{formatCount(g.projectedRowsPerDay)}</Text> rows/day,{' '}
        <Text bold>{formatBytes(g.projectedBytesPerDay)}</Text>/day ({formatCount(g.bytesPerRow)} bytes per row)
      </Text>
      <Text dimColor>as of {formatAgo(g.asOf, now)}</Text>
    </Box>
  );
}
