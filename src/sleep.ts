/** A plain sleep. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A sleep that another part of the program can cut short (pause, resume, stop, run now). */
export class WakeableSleep {
  private wake: (() => void) | null = null;

  /** Resolves after `ms`, or earlier on wakeUp(). */
  async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = null;
  }

  wakeUp(): void {
    this.wake?.();
  }
}
