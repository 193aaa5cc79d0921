import type { KeyHint } from './KeyHints.js';

/** Every key of the home screen, for the hint line and the help overlay. */
export const HOME_KEYS: Array<KeyHint & { help: string }> = [
  { key: 'r', label: 'exact counts', help: 'run the exact counts now (a full scan; never two at once)' },
  { key: '+/-', label: 'refresh rate', help: 'refresh the cheap figures more or less often (0.5 s to 60 s)' },
  { key: 'space', label: 'pause', help: 'pause or resume the refresh' },
  { key: '?', label: 'help', help: 'show or hide this help' },
  { key: 'q', label: 'quit', help: 'quit (also Ctrl-C): connections closed, demo server stopped' },
];
