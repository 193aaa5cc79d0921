import type { Binding } from '../shared/bindings.js';

export interface GlobalKeyContext {
  /** A typed confirmation has the keys: q and ? are text there. */
  textEntry: boolean;
  toggleHelp(): void;
  closeHelp(): void;
  scrollHelp(by: number): void;
  quit(): void;
}

/** Keys that work on every screen. */
export const GLOBAL_KEYS: Binding<GlobalKeyContext>[] = [
  { keys: ['?'], label: 'help', help: 'show or hide this help', when: (c) => !c.textEntry, run: (c) => c.toggleHelp() },
  {
    keys: ['q'],
    label: 'quit',
    help: 'quit (also Ctrl-C): connections closed, demo server stopped',
    when: (c) => !c.textEntry,
    run: (c) => c.quit(),
  },
  { keys: ['ctrl+c'], run: (c) => c.quit() },
];

/** Keys of the help overlay. */
export const HELP_KEYS: Binding<GlobalKeyContext>[] = [
  {
    keys: ['down', 'up'],
    hint: '↓/↑',
    label: 'scroll',
    help: 'help: scroll when it does not fit (also j/k)',
    run: (c, key) => c.scrollHelp(key === 'down' ? 1 : -1),
  },
  { keys: ['j', 'k'], run: (c, key) => c.scrollHelp(key === 'j' ? 1 : -1) },
  { keys: ['esc'], label: 'close', help: 'help: close it (also ?)', run: (c) => c.closeHelp() },
];
