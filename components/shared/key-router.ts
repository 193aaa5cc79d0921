import { createContext, useContext, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';
import { hintsFor, keyName, runBinding, type Binding, type Hint } from './bindings.js';

/** A text field (the typed confirmation): while one is shown it gets every key but Ctrl-C, and has the hints. */
export interface TextField {
  capture(input: string, key: Key): void;
  hints: Hint[];
}

/** The keys of the screen on view: its bindings bound to its current state. */
export interface KeyScope {
  hints: Hint[];
  handle(name: string): boolean;
  capture?: TextField['capture'];
}

export interface KeyView {
  hints: Hint[];
  /** A typed confirmation has the keys: q and ? are text. */
  textEntry: boolean;
}

const NO_KEYS: KeyView = { hints: [], textEntry: false };

/**
 * Holds the key scope of the screen on view, for the console's one input handler (App) and its hint bar.
 * The hint bar reads it with useSyncExternalStore: a new view object only when the hints change.
 */
export class KeyRouter {
  private scope: KeyScope | null = null;
  private owner: object | null = null;
  private view: KeyView = NO_KEYS;
  private readonly listeners = new Set<() => void>();

  set(owner: object, scope: KeyScope | null): void {
    if (scope === null && owner !== this.owner) return; // an old screen leaving after the new one came
    this.owner = scope ? owner : null;
    this.scope = scope;
    const next: KeyView = scope ? { hints: scope.hints, textEntry: Boolean(scope.capture) } : NO_KEYS;
    if (JSON.stringify(next) === JSON.stringify(this.view)) return;
    this.view = next;
    for (const fn of [...this.listeners]) fn();
  }

  /** Route a key to the screen: its text field when one is shown, else its bindings. */
  route(input: string, key: Key): boolean {
    const scope = this.scope;
    if (!scope) return false;
    if (scope.capture) {
      scope.capture(input, key);
      return true;
    }
    return scope.handle(keyName(input, key));
  }

  readonly getSnapshot = (): KeyView => this.view;

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
}

export const KeyRouterContext = createContext<KeyRouter | null>(null);

/**
 * Declare the screen's keys: `bindings` (from its keys.ts) against `ctx` (its state and actions), and a text
 * field when a confirmation is shown. Inside the console the router routes the keys; rendered alone (tests),
 * the screen reads them itself.
 */
export function useKeyScope<C>(bindings: readonly Binding<C>[], ctx: C, field?: TextField, active = true): void {
  const router = useContext(KeyRouterContext);
  const owner = useRef({}).current;
  const scope: KeyScope = {
    hints: field?.hints ?? hintsFor(bindings, ctx),
    handle: (name) => runBinding(bindings, ctx, name),
    capture: field?.capture,
  };
  // Read by the handlers: a key that arrives right after a frame must see that frame's state.
  const current = useRef(scope);
  current.current = scope;
  useLayoutEffect(() => {
    router?.set(owner, active ? scope : null);
  });
  useLayoutEffect(() => () => router?.set(owner, null), [router, owner]);
  useInput(
    (input, key) => {
      const s = current.current;
      if (s.capture) s.capture(input, key);
      else s.handle(keyName(input, key));
    },
    { isActive: active && router === null },
  );
}
