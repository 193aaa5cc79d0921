import { EXIT, ToolError } from '../../errors.js';
import { compareDefinitions, readDefinition } from '../definition.js';
import { defineStep } from './step.js';

/** The rebuilt table's indexes and constraints against the original's definition. */
export const verifySchema = defineStep({
  name: 'verify_schema',
  label: 'verify indexes and constraints',
  lock: 'none (catalog reads)',
  files: ['rebuild/indexes', 'rebuild/constraints'],
  async run(ctx) {
    const after = await readDefinition(ctx.client, ctx.names);
    const problems = after ? compareDefinitions(ctx.plan.definition, after) : ['"UserSession" is missing'];
    if (problems.length) {
      await ctx.journal('verify_schema', 'failed', { problems });
      throw new ToolError(`the rebuilt table differs from the original: ${problems.join('; ')}`, EXIT.failure);
    }
    await ctx.journal('verify_schema', 'done');
  },
});
