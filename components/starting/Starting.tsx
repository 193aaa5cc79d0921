import React from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { SessionStep } from '../../src/session.js';
import { formatCount } from '../../src/format.js';
import { ProgressBar } from '../shared/ProgressBar.js';

const LABELS: Record<SessionStep['step'], string> = {
  init: 'Creating the demo database (first start)…',
  start: 'Starting the embedded PostgreSQL…',
  seed: 'Seeding a leak-like session history…',
  ready: 'Demo database ready.',
  connect: 'Connecting…',
  inspect: 'Inspecting "UserSession"…',
};

/** What the console shows while it connects (and, for the demo, creates and seeds). */
export function Starting({ step }: { step?: SessionStep }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">
          <Spinner type="dots" />
        </Text>{' '}
        {step ? LABELS[step.step] : 'Starting…'}
        {step?.step === 'connect' ? ` ${step.description}` : ''}
      </Text>
      {step?.step === 'seed' ? (
        <Text>
          {'  '}
          <ProgressBar done={step.done} total={step.total} /> {formatCount(step.done)} / {formatCount(step.total)}{' '}
          sessions
        </Text>
      ) : null}
    </Box>
  );
}

/** What the console shows when it could not start (the table is missing, the server unreachable...). */
export function Failed({ message }: { message: string }) {
  return (
    <Box flexDirection="column">
      <Text color="red">✗ {message}</Text>
      <Text dimColor>Press q to quit.</Text>
    </Box>
  );
}
