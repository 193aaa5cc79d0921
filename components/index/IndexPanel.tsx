import React, { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { IndexBuild } from '../../src/create-index.js';
import { createIndexSql } from '../../src/create-index.js';
import { indexEngineFor, type IndexEngine } from '../../src/create-index-console.js';
import { useKeyScope } from '../shared/key-router.js';
import type { ScreenProps } from '../shared/screen.js';
import { useOperation } from '../shared/use-operation.js';
import { IndexView } from './IndexView.js';
import { INDEX_KEYS } from './keys.js';
import { indexScreenReducer, initialIndexScreen } from './use-index-state.js';

/** The index screen wired to the engine: y builds, Esc cancels a build or goes back. */
export function IndexPanel({ engine, sqlText, onBack }: { engine: IndexEngine; sqlText: string; onBack: () => void }) {
  const [state, dispatch] = useReducer(indexScreenReducer, initialIndexScreen);
  const [running, setRunning] = useState<IndexBuild | null>(null);
  const snapshot = useOperation(running);
  const build = useRef<IndexBuild | null>(null);
  useEffect(() => () => build.current?.abort(), []);
  const start = () => {
    const b = engine.create();
    build.current = b;
    setRunning(b);
    dispatch({ type: 'build' });
    void engine.run(b).then(async (r) => {
      build.current = null;
      await engine.refresh().catch(() => {});
      dispatch({ type: 'finished', outcome: r.outcome });
    });
  };
  useKeyScope(INDEX_KEYS, {
    phase: state.phase,
    build: start,
    cancel: () => build.current?.abort(),
    back: onBack,
  });
  return <IndexView state={state} build={snapshot} sqlText={sqlText} />;
}

/** The index screen in the console. */
export function IndexScreen({ session, controller, back }: ScreenProps) {
  const engine = useMemo(() => indexEngineFor(session, undefined, controller.work), [session, controller]);
  return <IndexPanel engine={engine} sqlText={createIndexSql(session.table).split('\n').at(-1)!} onBack={back} />;
}
