import React from 'react';
import { Box, Text } from 'ink';
import type { ConfirmationState } from './use-typed-confirmation.js';

/**
 * The prompt of a typed confirmation: the word, what was typed, a wrong word said as such. `action` ends the
 * sentence ("to start"); `children` are lines under it (what it needs, what it leaves).
 */
export function TypedConfirmation({
  state,
  action,
  children,
}: {
  state: ConfirmationState;
  action: string;
  children?: React.ReactNode;
}) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="wrap">
        Type <Text bold>{state.word}</Text> and press Enter {action}: <Text inverse>{state.typed || ' '}</Text>
        {state.wrongWord ? <Text color="red"> not &quot;{state.word}&quot;: nothing started</Text> : null}
      </Text>
      {children}
      <Text dimColor>Esc cancels · every key is text here, q and ? too · Ctrl-C quits</Text>
    </Box>
  );
}
