import React from 'react';
import type { Binding } from '../shared/bindings.js';
import { useKeyScope } from '../shared/key-router.js';
import type { ScreenProps } from '../shared/screen.js';
import { useNow } from '../shared/use-now.js';
import { Dashboard } from './Dashboard.js';
import type { HomeKeyContext } from './keys.js';

/** The home screen: the dashboard, and the keys that refresh it or open the other screens. */
export function HomeScreen({
  session,
  sampler,
  samplerState,
  columns,
  open,
  bindings,
}: ScreenProps & { bindings: readonly Binding<HomeKeyContext>[] }) {
  const now = useNow();
  useKeyScope(bindings, { session, sampler, state: samplerState, open });
  return (
    <Dashboard
      description={session.description}
      demo={session.demo ? { rows: session.demo.rows } : undefined}
      inspection={session.inspection}
      sampler={samplerState}
      now={now}
      columns={columns}
    />
  );
}
