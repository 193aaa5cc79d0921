import type { Config } from './config.js';
import { describeError, EXIT, ToolError, type ExitCode } from './errors.js';
import { startTraffic } from './demo/traffic.js';
import { Sampler, DEFAULT_SAMPLER } from './sampler.js';
import { readGrowth, type Growth } from './growth.js';
import { openSession, type Session, type SessionStep } from './session.js';

export type ConsolePhase =
  | { kind: 'starting'; step?: SessionStep }
  | { kind: 'ready'; session: Session; sampler: Sampler }
  | { kind: 'failed'; message: string; exitCode: ExitCode };

/** The console's engine: opens the session, runs the sampler (and the demo's live load), closes it all. */
export class ConsoleController {
  phase: ConsolePhase = { kind: 'starting' };
  private listeners = new Set<(p: ConsolePhase) => void>();
  private traffic?: { stop(): Promise<void> };
  private closed = false;
  private started?: Promise<void>;

  constructor(private readonly config: Config) {}

  subscribe(fn: (p: ConsolePhase) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(phase: ConsolePhase): void {
    this.phase = phase;
    for (const fn of this.listeners) fn(phase);
  }

  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<void> {
    try {
      const session = await openSession(this.config, (step) => this.emit({ kind: 'starting', step }));
      if (this.closed) return void (await session.close());
      const sampler = new Sampler(session.pool, session.table, {
        ...DEFAULT_SAMPLER,
        recentByIndex: session.inspection.createdAtIndex === 'valid',
      });
      if (session.demo && !this.config.readOnly) this.traffic = startTraffic(session.target, session.table);
      this.emit({ kind: 'ready', session, sampler });
      sampler.start();
    } catch (err) {
      this.emit({ kind: 'failed', message: describeError(err), exitCode: err instanceof ToolError ? err.exitCode : EXIT.failure });
    }
  }

  /** The growth view's figures (on demand: reads 30 days of "createdAt"). */
  async growth(): Promise<Growth> {
    if (this.phase.kind !== 'ready') throw new Error('not connected yet');
    return readGrowth(this.phase.session.pool, this.phase.session.table);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.started; // a demo being seeded is finished, then stopped: never left half made
    await this.traffic?.stop();
    if (this.phase.kind === 'ready') {
      this.phase.sampler.stop();
      await this.phase.session.close();
    }
  }
}
