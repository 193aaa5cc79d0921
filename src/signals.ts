/** The signals that ask the tool to stop: Ctrl-C, a service manager, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit codes of a one-shot command interrupted by a signal: 128 + the signal's number, as shells report. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

// Handlers nest: only the newest one hears a signal (a command's own handler, while its work runs, wins over
// main's start-up one). The process listeners exist while any handler does; without any, Node's default applies.
// Commands do not call this themselves: the command shell's withStopSignals (src/commands/shell.ts) holds the rule.
const handlers: Array<(signal: StopSignal) => void> = [];
const listeners = STOP_SIGNALS.map((signal) => [signal, () => handlers[handlers.length - 1]?.(signal)] as const);

/** Call `handler` on any stop signal (instead of dying at once); returns a function that removes it. */
export function onStopSignal(handler: (signal: StopSignal) => void): () => void {
  if (handlers.length === 0) for (const [signal, listener] of listeners) process.on(signal, listener);
  handlers.push(handler);
  return () => {
    const i = handlers.lastIndexOf(handler);
    if (i < 0) return;
    handlers.splice(i, 1);
    if (handlers.length === 0) for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
