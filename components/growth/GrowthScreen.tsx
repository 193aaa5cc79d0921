import React, { useEffect, useReducer, useRef } from 'react';
import { describeError } from '../../src/errors.js';
import { useKeyScope } from '../shared/key-router.js';
import type { ScreenProps } from '../shared/screen.js';
import { useNow } from '../shared/use-now.js';
import { Growth } from './Growth.js';
import { GROWTH_KEYS } from './keys.js';
import { growthReducer, initialGrowth } from './use-growth-state.js';

/** The growth screen: read when opened and on r; the reading that came last wins. */
export function GrowthScreen({ controller, back }: Pick<ScreenProps, 'controller' | 'back'>) {
  const [state, dispatch] = useReducer(growthReducer, initialGrowth);
  const now = useNow();
  const reading = useRef(0);
  const load = () => {
    const n = ++reading.current;
    dispatch({ type: 'load' });
    controller.growth().then(
      (data) => n === reading.current && dispatch({ type: 'loaded', data }),
      (err: unknown) => n === reading.current && dispatch({ type: 'failed', message: describeError(err) }),
    );
  };
  useEffect(() => {
    load();
    return () => void (reading.current = -1);
    // (once per controller: `load` is a new function every render, and the reload key calls it itself)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller]);
  useKeyScope(GROWTH_KEYS, { reload: load, back });
  return <Growth state={state} now={now} />;
}
