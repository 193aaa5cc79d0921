import React from 'react';
import { Box, Text } from 'ink';
import { hintOf, type Binding } from '../shared/bindings.js';

/** One group of the overlay: a screen's title and its bindings (those with a help line are listed). */
export interface HelpGroup {
  title: string;
  keys: readonly Binding<never>[];
}

type Line = { kind: 'title'; text: string } | { kind: 'key'; key: string; text: string; rows: number };

const KEY_WIDTH = 14;

/** Rows a text takes once word-wrapped to `width`. */
export function wrappedRows(text: string, width: number): number {
  let rows = 1;
  let used = 0;
  for (const word of text.split(' ')) {
    const len = word.length;
    if (used === 0) used = len;
    else if (used + 1 + len <= width) used += 1 + len;
    else {
      rows += 1;
      used = len;
    }
    while (used > width) {
      rows += 1;
      used -= width;
    }
  }
  return rows;
}

/** Pure: the overlay's lines at this width, and how far it scrolls to show them all in `height` rows. */
export function helpLayout(
  groups: readonly HelpGroup[],
  columns: number,
  height: number,
): { lines: Line[]; rows: number; maxOffset: number } {
  const textWidth = Math.max(10, columns - 4 - KEY_WIDTH); // border and padding, then the key column
  const lines: Line[] = [];
  for (const group of groups) {
    const keys = group.keys.filter((k) => k.help);
    if (keys.length === 0) continue;
    lines.push({ kind: 'title', text: group.title });
    for (const k of keys)
      lines.push({ kind: 'key', key: hintOf(k), text: k.help!, rows: wrappedRows(k.help!, textWidth) });
  }
  const rows = Math.max(3, height - 4); // border, the "Keys" line and the closing line
  let maxOffset = 0;
  for (let used = 0, k = lines.length - 1; k >= 0; k--) {
    used += lines[k].kind === 'key' ? (lines[k] as { rows: number }).rows : 1;
    if (used > rows) {
      maxOffset = k + 1;
      break;
    }
  }
  return { lines, rows, maxOffset };
}

/** The `?` overlay: every key and what it does, by screen; scrolls when the terminal is too short for it. */
export function Help({
  groups,
  columns,
  height,
  offset = 0,
}: {
  groups: readonly HelpGroup[];
  columns: number;
  height: number;
  offset?: number;
}) {
  const { lines, rows, maxOffset } = helpLayout(groups, columns, height);
  const from = Math.min(Math.max(0, offset), maxOffset);
  const shown: Line[] = [];
  let used = 0;
  for (const line of lines.slice(from)) {
    const n = line.kind === 'key' ? line.rows : 1;
    if (used + n > rows) break;
    shown.push(line);
    used += n;
  }
  const more = from + shown.length < lines.length;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={columns} flexShrink={0}>
      <Text bold>Keys{from > 0 ? <Text dimColor> (↑ more above)</Text> : null}</Text>
      {shown.map((line, k) =>
        line.kind === 'title' ? (
          <Text key={k} dimColor>
            {line.text}
          </Text>
        ) : (
          <Box key={k}>
            <Box width={KEY_WIDTH} flexShrink={0}>
              <Text bold>{'  ' + line.key}</Text>
            </Box>
            <Text wrap="wrap">{line.text}</Text>
          </Box>
        ),
      )}
      <Text dimColor>Press ? or Esc to close.{more ? ' ↓ more below (↓ or j scrolls)' : ''}</Text>
    </Box>
  );
}
