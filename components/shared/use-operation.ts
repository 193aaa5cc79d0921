import { useSyncExternalStore } from 'react';
import type { Observable } from '../../src/operation.js';

const none = () => () => {};
const nothing = () => undefined;

/**
 * The one way the console reads engine state: any object of the contract in src/operation.ts (`getSnapshot()`,
 * which returns the same object until something changes, and `subscribe()`), through useSyncExternalStore.
 */
export function useOperation<S>(source: Observable<S>): S;
export function useOperation<S>(source: Observable<S> | null | undefined): S | undefined;
export function useOperation<S>(source: Observable<S> | null | undefined): S | undefined {
  return useSyncExternalStore(source?.subscribe ?? none, source?.getSnapshot ?? nothing);
}
