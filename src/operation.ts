/**
 * The one contract of every long operation (drain, scheduled run, rebuild, recover, index build, backup drop) and of
 * the dashboard's sampler: a typed snapshot, `subscribe`, typed events and cancellation by AbortSignal.
 *
 * - `getSnapshot()` returns the current state. It is a new object after every change and the same object otherwise,
 *   so the console reads it with React's `useSyncExternalStore` (components/shared/use-operation.ts) and headless
 *   commands print the events as JSON lines. Nothing outside an operation writes its state.
 * - `subscribe(listener)` calls the listener after every change with the event that caused it; it returns the
 *   function that unsubscribes.
 * - Events are `{ type: 'kebab-case-name', ... }`: `type` is the one field that names the event's kind, here and in
 *   the headless JSON lines.
 * - Cancellation: `abort()` (or the AbortSignal given at construction) asks the operation to stop at its next safe
 *   point; what that point is, each operation says.
 */
export interface OperationEvent {
  type: string;
}

export interface Observable<S, E extends OperationEvent = OperationEvent> {
  getSnapshot(): S;
  subscribe(listener: (event: E) => void): () => void;
}

export abstract class Operation<S, E extends OperationEvent> implements Observable<S, E> {
  private snapshot: S;
  private readonly listeners = new Set<(event: E) => void>();
  private readonly controller = new AbortController();

  protected constructor(initial: S, signal?: AbortSignal) {
    this.snapshot = initial;
    if (signal) {
      if (signal.aborted) this.controller.abort(signal.reason);
      else signal.addEventListener('abort', () => this.abort(signal.reason), { once: true });
    }
  }

  readonly getSnapshot = (): S => this.snapshot;

  readonly subscribe = (listener: (event: E) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Aborted once a stop was asked for; operations check it at their safe points. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ask the operation to stop at its next safe point. */
  abort(reason?: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.onAbort();
  }

  /** Hook for an operation that must wake up (a sleep, a lock wait) when asked to stop. */
  protected onAbort(): void {}

  /** Change the snapshot (when `patch` is given) and tell every listener, with the event that caused it. */
  protected publish(event: E, patch?: Partial<S>): void {
    if (patch) this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener(event);
  }
}
