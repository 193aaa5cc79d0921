import type { KeyHint } from './KeyHints.js';

export type KeyHelp = KeyHint & { help: string };

/** Keys of the home screen, for the hint line and the help overlay. */
export const HOME_KEYS: KeyHelp[] = [
  { key: 'r', label: 'exact counts', help: 'run the exact counts now (a full scan; never two at once)' },
  { key: 'g', label: 'growth', help: 'sessions created per hour and per day, rates and projection' },
  { key: '+/-', label: 'refresh rate', help: 'refresh the cheap figures more or less often (0.5 s to 60 s)' },
  { key: 'space', label: 'pause', help: 'pause or resume the refresh' },
  { key: 'd', label: 'drain', help: "drain: delete what Hatchet's rule allows, throttled (not offered when writes are blocked)" },
  { key: 'i', label: 'create index', help: "build Hatchet's createdAt index when it is missing or INVALID" },
  { key: 'c', label: 'schedule', help: 'scheduled cleanup: hourly throttled drains in the background (not offered when writes are blocked)' },
  { key: 'b', label: 'rebuild', help: 'online rebuild: give the disk back (not offered when writes are blocked or the role does not own the table)' },
];

/** Keys of the rebuild wizard. */
export const REBUILD_KEYS: KeyHelp[] = [
  { key: 'enter', label: 'next', help: 'rebuild: from the checklist to the typed confirmation (type UserSession, then Enter)' },
  { key: 's', label: 'stop', help: 'rebuild: stop at the next safe point; recover finishes or undoes it' },
  { key: 'f/u', label: 'finish/undo', help: 'rebuild: after an interruption, finish it or undo it' },
  { key: 'esc', label: 'back', help: 'rebuild: back home (not while it runs)' },
];

/** Keys of the schedule screen. */
export const SCHEDULE_KEYS: KeyHelp[] = [
  { key: 's', label: 'start/stop', help: 'schedule: start the schedule (a run at once, then hourly), or stop it after the current batch' },
  { key: 'n', label: 'run now', help: 'schedule: run now instead of at the next run time' },
  { key: 'esc', label: 'home', help: 'schedule: back home; the schedule keeps running' },
];

/** Keys of the drain screen. */
export const DRAIN_KEYS: KeyHelp[] = [
  { key: 'p', label: 'pause/resume', help: 'drain: pause or resume between batches' },
  { key: '+/-', label: 'faster/slower', help: 'drain: longer batches and shorter pauses, or the reverse' },
  { key: 's', label: 'stop', help: 'drain: stop after the current batch, then ANALYZE and the summary' },
  { key: 'esc', label: 'home', help: 'drain: back home (before the start or after the end)' },
];

/** Keys of the index screen. */
export const INDEX_KEYS: KeyHelp[] = [
  { key: 'y', label: 'build', help: "index: build Hatchet's index (CREATE INDEX CONCURRENTLY)" },
  { key: 'esc', label: 'back/cancel', help: 'index: back home, or cancel a build in progress' },
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
  { title: 'Drain', keys: DRAIN_KEYS },
  { title: 'Index', keys: INDEX_KEYS },
  { title: 'Schedule', keys: SCHEDULE_KEYS },
  { title: 'Rebuild', keys: REBUILD_KEYS },
  { title: 'Everywhere', keys: GLOBAL_KEYS },
];
