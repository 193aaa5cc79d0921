import React from 'react';
import { Box, Text } from 'ink';
import type { Inspection } from '../src/inspect.js';
import type { SamplerState } from '../src/sampler.js';
import { healthFlags, spaceEstimate } from '../src/health.js';
import { formatAgo, formatBytes, formatCount, formatDuration, formatPercent } from '../src/format.js';

export interface DashboardProps {
  description: string;
  demo?: { rows: number };
  inspection: Inspection;
  sampler: SamplerState;
  now: Date;
  columns: number;
}

function Row({ label, value, share, width = 14 }: { label: string; value: string; share?: string; width?: number }) {
  return (
    <Text>
      {'  '}
      {label.padEnd(width)}
      {value.padStart(12)}
      {share !== undefined ? `  ${share.padStart(5)}` : ''}
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
  const colWidth = Math.max(38, Math.floor((columns - 2) / 2));
  return (
    <Box flexDirection="column" width={columns}>
      {demo ? (
        <Text>
          <Text backgroundColor="yellow" color="black" bold>
            {' DEMO DATABASE '}
          </Text>
          <Text dimColor> embedded PostgreSQL, {formatCount(demo.rows)} seeded sessions, live demo traffic</Text>
        </Text>
      ) : null}
      <Text>
        <Text bold>{description}</Text>
        <Text dimColor> · PostgreSQL {inspection.serverVersion}</Text>
        {inspection.readOnly ? <Text color="yellow"> · read-only</Text> : null}
      </Text>
      <Text dimColor>
        migration {inspection.hatchetMigration ?? 'unknown'} · createdAt index {index} · owner {inspection.isOwner ? 'yes' : 'no'} ·
        delete {inspection.canDelete ? 'yes' : 'no'}
      </Text>
      <Box marginTop={1}>
        <Box flexDirection="column" width={colWidth}>
          <Text>
            <Text bold>Sessions</Text>
            <Text color={sampler.exactError ? 'red' : undefined} dimColor={!sampler.exactError}>
              {' '}
              {countsState}
            </Text>
          </Text>
          {counts ? (
            <Row label="total" value={formatCount(counts.total)} share="100%" />
          ) : (
            <Row label="total" value={sizes ? `~${formatCount(sizes.liveTuples)}` : '…'} share="est." />
          )}
          <Row label="anonymous" value={value(counts?.anonymous)} share={share(counts?.anonymous ?? 0)} />
          <Row label="authenticated" value={value(counts?.authenticated)} share={share(counts?.authenticated ?? 0)} />
          <Row label="expired" value={value(counts?.expired)} share={share(counts?.expired ?? 0)} />
          <Row label="deletable" value={value(counts?.deletable)} share={share(counts?.deletable ?? 0)} />
          <Row label="kept" value={value(counts?.kept)} share={share(counts?.kept ?? 0)} />
          <Row label="created 1h" value={value(sampler.createdLastHour?.count ?? counts?.createdLastHour)} />
          <Row label="created 24h" value={value(counts?.createdLast24h)} />
          <Row label="inserts/s" value={sampler.insertRate === undefined ? '…' : sampler.insertRate.toFixed(1)} share="live" />
        </Box>
        <Box flexDirection="column" width={colWidth}>
          <Text>
            <Text bold>Size</Text>
            <Text color={sampler.tickError ? 'red' : undefined} dimColor={!sampler.tickError}>
              {' '}
              {sampler.tickError ? `stale: ${sampler.tickError}` : sampler.paused ? 'paused' : `live, every ${sampler.tickMs / 1000}s`}
            </Text>
          </Text>
          <Row label="heap" value={sizes ? formatBytes(sizes.heapBytes) : '…'} />
          <Row label="indexes" value={sizes ? formatBytes(sizes.indexBytes) : '…'} />
          <Row label="TOAST" value={sizes ? formatBytes(sizes.toastBytes) : '…'} />
          <Row label="total" value={sizes ? formatBytes(sizes.totalBytes) : '…'} />
          <Row label="dead tuples" value={sizes ? `~${formatCount(sizes.deadTuples)}` : '…'} />
          <Row label="vacuumed" value={sizes ? formatAgo(latest(sizes.lastVacuum, sizes.lastAutovacuum), now) : '…'} />
          <Row label="analyzed" value={sizes ? formatAgo(latest(sizes.lastAnalyze, sizes.lastAutoanalyze), now) : '…'} />
          <Row label="drain frees" value={space ? `~${formatBytes(space.drainReusable)}` : '…'} share="reuse" />
          <Row label="rebuild gives" value={space ? `~${formatBytes(space.rebuildReturns)}` : '…'} share="disk" />
        </Box>
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Health</Text>
        {flags.length === 0 ? <Text color="green">  ✓ nothing to do</Text> : null}
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
