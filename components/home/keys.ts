import type { Sampler, SamplerState } from '../../src/sampler.js';
import type { Session } from '../../src/session.js';
import type { Binding } from '../shared/bindings.js';
import type { ScreenId } from '../shared/screen.js';

export interface HomeKeyContext {
  session: Session;
  sampler: Sampler;
  state: SamplerState;
  open(id: ScreenId): void;
}

/** Keys of the home screen itself; the keys that open the other screens come from the registry (openBinding). */
export const HOME_KEYS: Binding<HomeKeyContext>[] = [
  {
    keys: ['r'],
    label: 'exact counts',
    help: 'run the exact counts now (a full scan; never two at once)',
    run: (c) => void c.sampler.refreshExact(),
  },
  {
    keys: ['+', '-'],
    label: 'refresh rate',
    help: 'refresh the cheap figures more or less often (0.5 s to 60 s)',
    run: (c, key) => c.sampler.setTickMs(key === '+' ? c.state.tickMs / 2 : c.state.tickMs * 2),
  },
  {
    keys: ['space'],
    label: 'pause',
    help: 'pause or resume the refresh',
    run: (c) => c.sampler.setPaused(!c.state.paused),
  },
];

/** How a screen is opened from home: its key, and when it is offered. */
export interface ScreenOpener {
  id: ScreenId;
  open?: { key: string; label: string; help: string };
  available?: (session: Session) => boolean;
}

/** Home's binding that opens `screen`: shown and working only while the screen is available. */
export function openBinding(
  screen: ScreenOpener & { open: NonNullable<ScreenOpener['open']> },
): Binding<HomeKeyContext> {
  return {
    keys: [screen.open.key],
    label: screen.open.label,
    help: screen.open.help,
    when: (c) => screen.available?.(c.session) ?? true,
    run: (c) => c.open(screen.id),
  };
}
