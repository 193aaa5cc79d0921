import type { ScheduleState } from '../../src/schedule/scheduler.js';

/** The schedule screen's own state: whether its typed confirmation is shown (the schedule's state is the scheduler's). */
export interface ScheduleScreenState {
  confirming: boolean;
}

export type ScheduleScreenAction = { type: 'ask' } | { type: 'cancel' } | { type: 'confirmed' };

export const initialScheduleScreen: ScheduleScreenState = { confirming: false };

/** The word the schedule's typed confirmation asks for. */
export const SCHEDULE_WORD = 'schedule';

/** Pure: s or n while the schedule is off asks; the typed word or Esc ends the asking. */
export function scheduleScreenReducer(state: ScheduleScreenState, action: ScheduleScreenAction): ScheduleScreenState {
  switch (action.type) {
    case 'ask':
      return state.confirming ? state : { confirming: true };
    case 'cancel':
    case 'confirmed':
      return state.confirming ? { confirming: false } : state;
  }
}

/** Pure: the schedule is on (a next run is planned and no stop was asked for). */
export const scheduleOn = (state: ScheduleState | null): boolean =>
  state !== null && !state.stopping && state.nextRunAt !== null;
