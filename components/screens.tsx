import React from 'react';
import type { Session } from '../src/session.js';
import { CONFIRM_KEYS } from './confirm/keys.js';
import { DRAIN_KEYS } from './drain/keys.js';
import { DrainScreen } from './drain/DrainPanel.js';
import { GROWTH_KEYS } from './growth/keys.js';
import { GrowthScreen } from './growth/GrowthScreen.js';
import type { HelpGroup } from './help/Help.js';
import { GLOBAL_KEYS, HELP_KEYS } from './help/keys.js';
import { HomeScreen } from './home/HomeScreen.js';
import { HOME_KEYS, openBinding, type ScreenOpener } from './home/keys.js';
import { INDEX_KEYS } from './index/keys.js';
import { IndexScreen } from './index/IndexPanel.js';
import { REBUILD_KEYS } from './rebuild/keys.js';
import { RebuildScreen } from './rebuild/RebuildWizard.js';
import { SCHEDULE_KEYS } from './schedule/keys.js';
import { ScheduleScreen } from './schedule/SchedulePanel.js';
import type { Binding } from './shared/bindings.js';
import type { ScreenId, ScreenProps } from './shared/screen.js';

/**
 * One entry per screen: its id, the home key that opens it and when it is offered, its keys (declared once, in
 * its keys.ts), its title in the help overlay, and how it is drawn. The console's input routing, its hint bar
 * and its help overlay all come from here.
 */
export interface ScreenDef extends ScreenOpener {
  id: ScreenId;
  title: string;
  bindings: readonly Binding<never>[];
  render(props: ScreenProps): React.ReactNode;
}

/** Writes are possible: not a replica, not read-only, the role may delete. */
const writable = (s: Session) => s.inspection.writeBlockers.length === 0;

const OTHERS: ScreenDef[] = [
  {
    id: 'growth',
    title: 'Growth',
    open: { key: 'g', label: 'growth', help: 'sessions created per hour and per day, rates and projection' },
    bindings: GROWTH_KEYS,
    render: (p) => <GrowthScreen controller={p.controller} back={p.back} />,
  },
  {
    id: 'drain',
    title: 'Drain',
    open: {
      key: 'd',
      label: 'drain',
      help: "drain: delete what Hatchet's rule allows, throttled (not offered when writes are blocked)",
    },
    available: writable,
    bindings: DRAIN_KEYS,
    render: (p) => <DrainScreen {...p} />,
  },
  {
    id: 'index',
    title: 'Index',
    open: { key: 'i', label: 'create index', help: "build Hatchet's createdAt index when it is missing or INVALID" },
    available: (s) => writable(s) && s.inspection.createdAtIndex !== 'valid',
    bindings: INDEX_KEYS,
    render: (p) => <IndexScreen {...p} />,
  },
  {
    id: 'schedule',
    title: 'Schedule',
    open: {
      key: 'c',
      label: 'schedule',
      help: 'scheduled cleanup: hourly throttled drains in the background (not offered when writes are blocked)',
    },
    available: writable,
    bindings: SCHEDULE_KEYS,
    render: (p) => <ScheduleScreen {...p} />,
  },
  {
    id: 'rebuild',
    title: 'Rebuild',
    open: {
      key: 'b',
      label: 'rebuild',
      help: 'online rebuild: give the disk back (not offered when writes are blocked or the role does not own the table)',
    },
    available: (s) => writable(s) && s.inspection.isOwner,
    bindings: REBUILD_KEYS,
    render: (p) => <RebuildScreen {...p} />,
  },
];

/** Home's keys: its own, then one per screen it opens. */
export const HOME_BINDINGS = [
  ...HOME_KEYS,
  ...OTHERS.flatMap((s) => (s.open ? [openBinding({ ...s, open: s.open })] : [])),
];

export const SCREENS: readonly ScreenDef[] = [
  { id: 'home', title: 'Home', bindings: HOME_BINDINGS, render: (p) => <HomeScreen {...p} bindings={HOME_BINDINGS} /> },
  ...OTHERS,
];

export const screenById = (id: ScreenId): ScreenDef => SCREENS.find((s) => s.id === id)!;

/** Everything the help overlay lists, in order. */
export const HELP_GROUPS: HelpGroup[] = [
  ...SCREENS.map((s) => ({ title: s.title, keys: s.bindings })),
  { title: 'Typed confirmation (drain, schedule, rebuild)', keys: CONFIRM_KEYS },
  { title: 'Everywhere', keys: [...GLOBAL_KEYS, ...HELP_KEYS] },
];
