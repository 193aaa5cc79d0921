import { onStopSignal, SIGNAL_EXIT, type StopSignal } from '../signals.js';
import { commandDef, isCommand } from './table.js';

/**
 * The command shell's part every command shares: the stop-signal rule, the exit code of a stop, and output lines
 * (text, or one JSON object a line). Parsing is ./parse.ts, the list of commands ./table.ts, the dispatch and the
 * exit codes of errors main.ts.
 */

/** One line on stdout. */
export const writeLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** One JSON object as one line on stdout (--json). */
export const writeJson = (value: unknown): void => writeLine(JSON.stringify(value));

/**
 * The exit code of a stop signal that comes before the command's own handling (start-up, connecting, checking):
 * 0 for the commands that had begun nothing (the console, drain, schedule), 128 + the signal's number for every
 * other one (the table's `startUpStop`).
 */
export function startUpStopExit(command: string, signal: StopSignal): number {
  return isCommand(command) && commandDef(command).startUpStop === 'ok' ? 0 : SIGNAL_EXIT[signal];
}

/** What a running command knows of stop signals; `abortSignal` is what the operations are given. */
export interface Stop {
  /** The first stop signal, once one came. */
  readonly signal: StopSignal | undefined;
  readonly stopped: boolean;
  /** Aborted at the first stop signal. */
  readonly abortSignal: AbortSignal;
  /** 128 + the first signal's number: the exit code of a one-shot command the signal stopped. */
  readonly exitCode: number | undefined;
}

/**
 * The stop-signal rule of every command, in one place: while `work` runs, the first SIGINT, SIGTERM or SIGHUP
 * calls `onStop` (the operation stops at its next safe point, and `stop` says a signal came), a second one exits
 * at once with 128 + its number (the server rolls back an open transaction; every operation leaves the database
 * consistent when cut anywhere). Outside `work`, the start-up rule of main.ts applies again.
 */
export async function withStopSignals<T>(
  onStop: (signal: StopSignal, stop: Stop) => void,
  work: (stop: Stop) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let first: StopSignal | undefined;
  const stop: Stop = {
    get signal() {
      return first;
    },
    get stopped() {
      return first !== undefined;
    },
    abortSignal: controller.signal,
    get exitCode() {
      return first === undefined ? undefined : SIGNAL_EXIT[first];
    },
  };
  const off = onStopSignal((signal) => {
    if (first !== undefined) process.exit(SIGNAL_EXIT[signal]);
    first = signal;
    controller.abort(signal);
    onStop(signal, stop);
  });
  try {
    return await work(stop);
  } finally {
    off();
  }
}
