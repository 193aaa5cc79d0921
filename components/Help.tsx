import React from 'react';
import { Box, Text } from 'ink';
import { ALL_KEYS } from './keys.js';

/** The `?` overlay: every key and what it does. */
export function Help() {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {ALL_KEYS.map((group) => (
        <Box key={group.title} flexDirection="column">
          <Text dimColor>{group.title}</Text>
          {group.keys.map((k) => (
            <Text key={group.title + k.key}>
              {'  '}
              <Text bold>{k.key.padEnd(7)}</Text>
              {k.help}
            </Text>
          ))}
        </Box>
      ))}
      <Text dimColor>Press ? or Esc to close.</Text>
    </Box>
  );
}
