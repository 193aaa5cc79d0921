import React, { useReducer } from 'react';
import { Box } from 'ink';
import type { Observable } from '../../src/operation.js';
import type { ScheduleState } from '../../src/schedule/scheduler.js';
import { useTypedConfirmation } from '../confirm/use-typed-confirmation.js';
import { useKeyScope } from '../shared/key-router.js';
import { LiveFigures } from '../shared/LiveFigures.js';
import type { ScreenProps } from '../shared/screen.js';
import { useNow } from '../shared/use-now.js';
import { useOperation } from '../shared/use-operation.js';
import { SCHEDULE_KEYS } from './keys.js';
import { ScheduleView } from './ScheduleView.js';
import { initialScheduleScreen, SCHEDULE_WORD, scheduleOn, scheduleScreenReducer } from './use-schedule-state.js';

/** The scheduled cleanup as the screen drives it: its state (null until first started) and its controls. */
export interface ScheduleControls extends Observable<ScheduleState | null> {
  description: string;
  start(): void;
  stop(): void;
  runNow(): void;
}

/** The schedule screen: the scheduler's state; s or n start it after the typed word, s stops, n runs now, Esc goes home. */
export function SchedulePanel({
  controls,
  onBack,
  now,
  rows,
  deletable,
}: {
  controls: ScheduleControls;
  onBack: () => void;
  now: Date;
  rows: number;
  deletable?: { count: number; asOf: Date };
}) {
  const state = useOperation(controls);
  const [screen, dispatch] = useReducer(scheduleScreenReducer, initialScheduleScreen);
  const confirmation = useTypedConfirmation(
    SCHEDULE_WORD,
    () => {
      dispatch({ type: 'confirmed' });
      controls.start();
    },
    () => dispatch({ type: 'cancel' }),
  );
  useKeyScope(
    SCHEDULE_KEYS,
    {
      on: scheduleOn(state),
      ask: () => dispatch({ type: 'ask' }),
      stop: controls.stop,
      runNow: controls.runNow,
      back: onBack,
    },
    screen.confirming ? confirmation.field : undefined,
  );
  return (
    <ScheduleView
      state={state}
      description={controls.description}
      now={now}
      rows={rows}
      confirmation={screen.confirming ? confirmation.state : undefined}
      deletable={deletable}
    />
  );
}

/** The schedule screen in the console, under the live figures. */
export function ScheduleScreen({ controller, samplerState, rows, back }: ScreenProps) {
  const now = useNow();
  const counts = samplerState.exact?.counts;
  return (
    <Box flexDirection="column">
      <LiveFigures sampler={samplerState} />
      <SchedulePanel
        controls={controller.schedule}
        onBack={back}
        now={now}
        rows={rows}
        deletable={counts ? { count: counts.deletable, asOf: counts.asOf } : undefined}
      />
    </Box>
  );
}
