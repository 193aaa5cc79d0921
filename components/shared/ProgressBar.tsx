import React from 'react';
import { Text } from 'ink';

/** A bar of `width` cells filled to done/total, followed by the percentage. */
export function ProgressBar({ done, total, width = 30 }: { done: number; total: number; width?: number }) {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
      <Text> {Math.floor(ratio * 100)}%</Text>
    </Text>
  );
}
