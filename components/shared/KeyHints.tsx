import React from 'react';
import { Box, Text } from 'ink';

export interface KeyHint {
  key: string;
  label: string;
}

/** The key-hint line at the bottom of every screen. */
export function KeyHints({ hints }: { hints: KeyHint[] }) {
  return (
    <Box flexWrap="wrap" columnGap={2} flexShrink={0}>
      {hints.map((h) => (
        <Text key={h.key}>
          <Text inverse> {h.key} </Text> {h.label}
        </Text>
      ))}
    </Box>
  );
}
