/**
 * The operations the console has running (a drain, a rebuild, an index build). Quitting asks each to stop at its
 * next safe point (the screens do that as they close) and waits here until they have, before the connections and a
 * demo server are closed: a stop signal in the console ends a drain like `drain` does, never in the middle of a step.
 */
export class RunningWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Track `work` until it settles; returns it unchanged. */
  add<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => void this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once every tracked operation has ended, however it ended. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
