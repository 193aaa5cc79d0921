import React, { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box } from 'ink';
import type { DrainOperation } from '../../src/drain/operation.js';
import { drainEngineFor, type DrainEngine } from '../../src/drain/console.js';
import { useTypedConfirmation } from '../confirm/use-typed-confirmation.js';
import { useKeyScope } from '../shared/key-router.js';
import { LiveFigures } from '../shared/LiveFigures.js';
import type { ScreenProps } from '../shared/screen.js';
import { useOperation } from '../shared/use-operation.js';
import { DrainView } from './DrainView.js';
import { DRAIN_KEYS } from './keys.js';
import { CONFIRM_WORD, drainPhase, drainScreenReducer, initialDrainState } from './use-drain-state.js';

/** The drain screen wired to the engine: the plan, the typed confirmation, then the drain's snapshot and keys. */
export function DrainPanel({
  engine,
  onBack,
  onFinished,
  columns,
  rows,
}: {
  engine: DrainEngine;
  onBack: () => void;
  /** Called when the drain has ended (its summary is on screen), e.g. to count the table again. */
  onFinished?: () => void;
  columns?: number;
  rows?: number;
}) {
  const [state, dispatch] = useReducer(drainScreenReducer, initialDrainState);
  const [running, setRunning] = useState<DrainOperation | null>(null);
  const run = useOperation(running);
  const op = useRef<DrainOperation | null>(null);

  useEffect(() => {
    let live = true;
    engine.plan().then(
      (plan) => live && dispatch({ type: 'plan', plan }),
      (err: unknown) => live && dispatch({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
      op.current?.abort(); // leaving the screen (quit) stops after the current batch
    };
  }, [engine]);

  const start = () => {
    if (op.current) return;
    const operation = engine.create();
    op.current = operation;
    setRunning(operation);
    dispatch({ type: 'start' });
    void engine.run(operation).finally(() => onFinished?.());
  };
  const confirmation = useTypedConfirmation(CONFIRM_WORD, start, onBack);
  const phase = drainPhase(state, run);
  useKeyScope(
    DRAIN_KEYS,
    { phase, op: running, back: onBack, notice: (text: string) => dispatch({ type: 'notice', text }) },
    phase === 'confirm' ? confirmation.field : undefined,
  );
  return <DrainView state={state} run={run} confirmation={confirmation.state} columns={columns} rows={rows} />;
}

/** The drain screen in the console: the live figures above it; a finished drain counts the table again. */
export function DrainScreen({ session, controller, sampler, samplerState, columns, rows, back }: ScreenProps) {
  const engine = useMemo(() => drainEngineFor(session, undefined, undefined, controller.work), [session, controller]);
  return (
    <Box flexDirection="column">
      <LiveFigures sampler={samplerState} />
      <DrainPanel
        engine={engine}
        onBack={back}
        onFinished={() => void sampler.refreshExact()}
        columns={columns}
        rows={rows}
      />
    </Box>
  );
}
