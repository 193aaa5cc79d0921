import React from 'react';
import { Box, Text } from 'ink';
import { HOME_KEYS } from './keys.js';

/** The `?` overlay: every key and what it does. */
export function Help() {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {HOME_KEYS.map((k) => (
        <Text key={k.key}>
          <Text bold>{k.key.padEnd(7)}</Text>
          {k.help}
        </Text>
      ))}
      <Text dimColor>Press ? or Esc to close.</Text>
    </Box>
  );
}
