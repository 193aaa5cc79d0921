import { readDefinition } from '../definition.js';
import { withLockRetry } from '../lock.js';
import { defineStep } from './step.js';
import { sql } from '../../sql.js';

/** The foreign key, added NOT VALID by the swap, validated again (when the original's was valid). */
export const validate = defineStep({
  name: 'validate',
  label: 'validate the foreign key',
  lock: 'SHARE UPDATE EXCLUSIVE on "UserSession", ROW SHARE on "User" (reads and writes go on)',
  files: ['rebuild/validate_constraint'],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const current = await readDefinition(client, names);
    for (const fk of plan.definition.constraints.filter((c) => c.type === 'f' && c.validated)) {
      const now = current?.constraints.find((c) => c.name === fk.name);
      if (now?.validated) continue;
      await withLockRetry(ctx, 'validate', async () => {
        await client.query(sql('session/set_local', names), ['statement_timeout', '0']);
        await client.query(
          sql('rebuild/validate_constraint', names, {
            tables: { target: names.table },
            idents: { constraint: fk.name },
          }),
        );
      });
    }
    await ctx.journal('validate', 'done');
  },
});
