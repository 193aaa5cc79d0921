import React, { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { describeError } from '../../src/errors.js';
import { rebuildEngineFor, type RebuildEngine } from '../../src/rebuild/console.js';
import type { RebuildStats } from '../../src/rebuild/events.js';
import type { RebuildOperation } from '../../src/rebuild/operation.js';
import { useTypedConfirmation } from '../confirm/use-typed-confirmation.js';
import { useKeyScope } from '../shared/key-router.js';
import type { ScreenProps } from '../shared/screen.js';
import { useOperation } from '../shared/use-operation.js';
import { REBUILD_KEYS } from './keys.js';
import { RebuildView } from './RebuildView.js';
import { canRecover, initialRebuildState, rebuildReducer, type RebuildIntent } from './use-rebuild-state.js';

/** The rebuild wizard wired to the engine: preflight, checklist, typed table name, then the run's snapshot. */
export function RebuildWizard({ engine, onBack, rows }: { engine: RebuildEngine; onBack: () => void; rows?: number }) {
  const [state, dispatch] = useReducer(rebuildReducer, undefined, initialRebuildState);
  const [running, setRunning] = useState<RebuildOperation<unknown> | null>(null);
  const run = useOperation(running);
  // Quitting the console (unmount) stops the run at its next safe point, as `rebuild` does on a signal.
  const current = useRef<RebuildOperation<unknown> | null>(null);
  useEffect(() => {
    engine.preflight().then(
      (p) => {
        dispatch({ type: 'preflight', preflight: p });
        if (p.leftovers.found && p.leftovers.runningPid === null)
          dispatch({ type: 'failed', message: `${p.leftovers.summary}.` });
      },
      (err: unknown) => dispatch({ type: 'failed', message: describeError(err) }),
    );
    return () => current.current?.abort();
  }, [engine]);

  const go = (intent: RebuildIntent) => {
    const r: RebuildOperation<unknown> =
      intent === 'undo' ? engine.undo() : intent === 'finish' ? engine.finish() : engine.rebuild();
    current.current = r;
    setRunning(r);
    dispatch({ type: 'start' });
    engine.run(r).then(
      (result) => dispatch(intent === 'undo' ? { type: 'undone' } : { type: 'done', stats: result as RebuildStats }),
      (err: unknown) => dispatch({ type: 'failed', message: describeError(err) }),
    );
  };
  const confirmation = useTypedConfirmation(
    engine.tableName,
    () => go(state.intent),
    () => dispatch({ type: 'cancel' }),
  );
  useKeyScope(
    REBUILD_KEYS,
    {
      phase: state.phase,
      ready: Boolean(state.preflight?.ok),
      recoverable: canRecover(state, run),
      stopping: Boolean(run?.stopping),
      confirm: (intent: RebuildIntent) => dispatch({ type: 'confirm', intent }),
      stop: () => running?.abort(),
      back: onBack,
    },
    state.phase === 'confirm' ? confirmation.field : undefined,
  );
  return (
    <RebuildView state={state} run={run} confirmation={confirmation.state} tableName={engine.tableName} rows={rows} />
  );
}

/** The rebuild screen in the console. */
export function RebuildScreen({ session, controller, rows, back }: ScreenProps) {
  const engine = useMemo(() => rebuildEngineFor(session, undefined, controller.work), [session, controller]);
  return <RebuildWizard engine={engine} onBack={back} rows={rows} />;
}
