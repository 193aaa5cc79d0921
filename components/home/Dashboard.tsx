import React from 'react';
import { Box, Text } from 'ink';
import type { Inspection } from '../../src/inspect.js';
import type { SamplerState } from '../../src/sampler.js';
import { healthFlags, spaceEstimate } from '../../src/health.js';
import { formatAgo, formatBytes, formatCount, formatDuration, formatPercent } from '../../src/format.js';

export interface DashboardProps {
  description: string;
  demo?: { rows: number };
  inspection: Inspection;
  sampler: SamplerState;
  now: Date;
  columns: number;
}

/** Below this width the two columns shrink and spacing goes, so nothing wraps into fragments. */
export const COMPACT_BELOW = 80;

function Row({ label, value, share, compact }: { label: string; value: string; share?: string; compact: boolean }) {
  return (
    <Text wrap="truncate">
      {compact ? '' : '  '}
      {label.padEnd(compact ? 13 : 14)}
      {value.padStart(compact ? 9 : 12)}
      {share !== undefined ? ` ${compact ? '' : ' '}${share.padStart(compact ? 6 : 5)}` : ''}
    </Text>
  );
}

function latest(...dates: Array<Date | null>): Date | null {
  return dates.filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
}

/** The console's home: counts, sizes, health flags, all from engine state. */
export function Dashboard({ description, demo, inspection, sampler, now, columns }: DashboardProps) {
  const exact = sampler.exact;
  const sizes = sampler.sizes ?? exact?.sizes;
  const counts = exact?.counts;
  const flags = healthFlags(inspection, counts);
  const space = counts && sizes ? spaceEstimate(counts, sizes) : undefined;
  const index = { valid: 'present', invalid: 'INVALID', missing: 'missing' }[inspection.createdAtIndex];
  const countsState = sampler.exactError
    ? `stale: ${sampler.exactError}`
    : sampler.exactRunning
      ? 'counting…'
      : counts
        ? `exact as of ${formatAgo(counts.asOf, now)}`
        : 'waiting';
  const share = (n: number) => (counts ? formatPercent(n, counts.total) : '');
  const value = (n: number | undefined) => (n === undefined ? '…' : formatCount(n));
  const compact = columns < COMPACT_BELOW;
  const colWidth = compact ? Math.floor(columns / 2) : Math.max(38, Math.floor((columns - 2) / 2));
  return (
    <Box flexDirection="column" width={columns}>
      {demo ? (
        <Text>
          <Text backgroundColor="yellow" color="black" bold>
            {' DEMO DATABASE '}
          </Text>
          {compact ? null : (
            <Text dimColor> embedded PostgreSQL, {formatCount(demo.rows)} seeded sessions, live demo traffic</Text>
          )}
        </Text>
      ) : null}
      <Text>
        <Text bold>{description}</Text>
        <Text dimColor> · PostgreSQL {inspection.serverVersion}</Text>
        {inspection.readOnly ? <Text color="yellow"> · read-only</Text> : null}
      </Text>
      <Text dimColor>
        migration {inspection.hatchetMigration ?? 'unknown'} · createdAt index {index} · owner{' '}
        {inspection.isOwner ? 'yes' : 'no'} · delete {inspection.canDelete ? 'yes' : 'no'}
      </Text>
      <Box marginTop={compact ? 0 : 1}>
        <Box flexDirection="column" width={colWidth}>
          <Text wrap={compact ? 'truncate' : 'wrap'}>
            <Text bold>Sessions</Text>
            <Text color={sampler.exactError ? 'red' : undefined} dimColor={!sampler.exactError}>
              {' '}
              {countsState}
            </Text>
          </Text>
          {counts ? (
            <Row compact={compact} label="total" value={formatCount(counts.total)} share="100%" />
          ) : (
            <Row
              compact={compact}
              label="total"
              value={sizes ? `~${formatCount(sizes.liveTuples)}` : '…'}
              share="est."
            />
          )}
          <Row
            compact={compact}
            label="anonymous"
            value={value(counts?.anonymous)}
            share={share(counts?.anonymous ?? 0)}
          />
          <Row
            compact={compact}
            label="authenticated"
            value={value(counts?.authenticated)}
            share={share(counts?.authenticated ?? 0)}
          />
          <Row compact={compact} label="expired" value={value(counts?.expired)} share={share(counts?.expired ?? 0)} />
          <Row
            compact={compact}
            label="deletable"
            value={value(counts?.deletable)}
            share={share(counts?.deletable ?? 0)}
          />
          <Row compact={compact} label="kept" value={value(counts?.kept)} share={share(counts?.kept ?? 0)} />
          <Row
            compact={compact}
            label="created 1h"
            value={value(sampler.createdLastHour?.count ?? counts?.createdLastHour)}
          />
          <Row compact={compact} label="created 24h" value={value(counts?.createdLast24h)} />
          <Row
            compact={compact}
            label="inserts/s"
            value={sampler.insertRate === undefined ? '…' : sampler.insertRate.toFixed(1)}
            share="live"
          />
        </Box>
        <Box flexDirection="column" width={colWidth}>
          <Text wrap={compact ? 'truncate' : 'wrap'}>
            <Text bold>Size</Text>
            <Text color={sampler.tickError ? 'red' : undefined} dimColor={!sampler.tickError}>
              {' '}
              {sampler.tickError
                ? `stale: ${sampler.tickError}`
                : sampler.paused
                  ? 'paused'
                  : `live, every ${sampler.tickMs / 1000}s`}
            </Text>
          </Text>
          <Row compact={compact} label="heap" value={sizes ? formatBytes(sizes.heapBytes) : '…'} />
          <Row compact={compact} label="indexes" value={sizes ? formatBytes(sizes.indexBytes) : '…'} />
          <Row compact={compact} label="TOAST" value={sizes ? formatBytes(sizes.toastBytes) : '…'} />
          <Row compact={compact} label="total" value={sizes ? formatBytes(sizes.totalBytes) : '…'} />
          <Row compact={compact} label="dead tuples" value={sizes ? `~${formatCount(sizes.deadTuples)}` : '…'} />
          <Row
            compact={compact}
            label="vacuumed"
            value={sizes ? formatAgo(latest(sizes.lastVacuum, sizes.lastAutovacuum), now) : '…'}
          />
          <Row
            compact={compact}
            label="analyzed"
            value={sizes ? formatAgo(latest(sizes.lastAnalyze, sizes.lastAutoanalyze), now) : '…'}
          />
          <Row
            compact={compact}
            label="drain frees"
            value={space ? `~${formatBytes(space.drainReusable)}` : '…'}
            share="reuse"
          />
          <Row
            compact={compact}
            label="rebuild gives"
            value={space ? `~${formatBytes(space.rebuildReturns)}` : '…'}
            share="disk"
          />
        </Box>
      </Box>
      <Box flexDirection="column" marginTop={compact ? 0 : 1}>
        {compact ? null : <Text bold>Health</Text>}
        {flags.length === 0 ? <Text color="green">{'  '}✓ nothing to do</Text> : null}
        {flags.map((f) => (
          <Text key={f.text} color={f.level === 'bad' ? 'red' : f.level === 'warn' ? 'yellow' : undefined}>
            {'  '}
            {f.level === 'info' ? 'i' : '!'} {f.text}
          </Text>
        ))}
      </Box>
      <Text dimColor>
        {sampler.exactRunning || !sampler.nextExactAt
          ? ''
          : `next exact counts in ${formatDuration(sampler.nextExactAt.getTime() - now.getTime())}`}
        {exact ? ` · last took ${formatDuration(exact.durationMs)}` : ''}
      </Text>
    </Box>
  );
}
