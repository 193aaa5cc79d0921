import type { KeyHint } from './KeyHints.js';

export type KeyHelp = KeyHint & { help: string };

/** Keys of the home screen, for the hint line and the help overlay. */
export const HOME_KEYS: KeyHelp[] = [
  { key: 'r', label: 'exact counts', help: 'run the exact counts now (a full scan; never two at once)' },
  { key: 'g', label: 'growth', help: 'sessions created per hour and per day, rates and projection' },
  { key: '+/-', label: 'refresh rate', help: 'refresh the cheap figures more or less often (0.5 s to 60 s)' },
  { key: 'space', label: 'pause', help: 'pause or resume the refresh' },
];

/** Keys of the growth view. */
export const GROWTH_KEYS: KeyHelp[] = [
  { key: 'r', label: 'reload', help: 'growth view: read the figures again' },
  { key: 'esc', label: 'home', help: 'back to the home screen (also g)' },
];

/** Keys that work on every screen. */
export const GLOBAL_KEYS: KeyHelp[] = [
  { key: '?', label: 'help', help: 'show or hide this help' },
  { key: 'q', label: 'quit', help: 'quit (also Ctrl-C): connections closed, demo server stopped' },
];

/** Everything the help overlay lists, in order. */
export const ALL_KEYS: Array<{ title: string; keys: KeyHelp[] }> = [
  { title: 'Home', keys: HOME_KEYS },
  { title: 'Growth', keys: GROWTH_KEYS },
  { title: 'Everywhere', keys: GLOBAL_KEYS },
];
