import type { ConsoleController } from '../../src/console-controller.js';
import type { Sampler, SamplerState } from '../../src/sampler.js';
import type { Session } from '../../src/session.js';

export type ScreenId = 'home' | 'growth' | 'drain' | 'index' | 'schedule' | 'rebuild';

/** What the console gives the screen on view (components/screens.tsx renders it). */
export interface ScreenProps {
  controller: ConsoleController;
  session: Session;
  sampler: Sampler;
  samplerState: SamplerState;
  columns: number;
  rows: number;
  /** Go to another screen (home's keys). */
  open(id: ScreenId): void;
  /** Back home. */
  back(): void;
}
