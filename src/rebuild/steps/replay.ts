import { replayUntilCaughtUp } from '../replay.js';
import { defineStep } from './step.js';

/** The changes captured since the copy's snapshot, applied to the new table in batches until caught up. */
export const replay = defineStep({
  name: 'replay',
  label: 'replay captured writes',
  lock: 'ACCESS SHARE on "UserSession"; new table and log only',
  files: ['rebuild/replay_claim', 'rebuild/replay_delete', 'rebuild/replay_insert', 'rebuild/backlog'],
  async run(ctx) {
    await replayUntilCaughtUp(ctx, 'replay');
    await ctx.journal('replay', 'done');
  },
});
