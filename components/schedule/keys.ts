import type { Binding } from '../shared/bindings.js';

export interface ScheduleKeyContext {
  on: boolean;
  /** Show the typed confirmation that starts it. */
  ask(): void;
  stop(): void;
  runNow(): void;
  back(): void;
}

const on = (c: ScheduleKeyContext) => c.on;
const off = (c: ScheduleKeyContext) => !c.on;

/** Keys of the schedule screen. Starting it deletes rows: both s and n go through the typed confirmation first. */
export const SCHEDULE_KEYS: Binding<ScheduleKeyContext>[] = [
  {
    keys: ['s'],
    label: 'start',
    help: 'schedule: start it after a typed confirmation (a run at once, then hourly), or stop it after the current batch',
    when: off,
    run: (c) => c.ask(),
  },
  { keys: ['s'], label: 'stop', when: on, run: (c) => c.stop() },
  {
    keys: ['n'],
    label: 'run now',
    help: 'schedule: run now instead of at the next run time (when off: start it, confirmed)',
    when: on,
    run: (c) => c.runNow(),
  },
  { keys: ['n'], when: off, run: (c) => c.ask() },
  { keys: ['esc'], label: 'home', help: 'schedule: back home; the schedule keeps running', run: (c) => c.back() },
];
