import { withTransaction } from '../../db.js';
import { sql, quoteIdent } from '../../sql.js';
import { checkedPrivilege, literal, reloptionsText } from '../names.js';
import { defineStep } from './step.js';

/** The new table, empty, with the original's storage parameters, owner, grants and comment; autovacuum off for the copy. */
export const createTable = defineStep({
  name: 'create_table',
  label: 'create the new table',
  lock: 'ACCESS SHARE on "UserSession" (catalog read only)',
  files: [
    'rebuild/journal_create',
    'rebuild/create_table',
    'rebuild/set_reloptions',
    'rebuild/autovacuum_off',
    'rebuild/set_owner',
    'rebuild/grant',
    'rebuild/comment_table',
  ],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const def = plan.definition;
    await withTransaction(client, async () => {
      await client.query(sql('rebuild/create_table', names));
      if (def.reloptions.length || def.toastReloptions.length) {
        await client.query(
          sql('rebuild/set_reloptions', names, {
            raw: { reloptions: reloptionsText(def.reloptions, def.toastReloptions) },
          }),
        );
      }
      await client.query(sql('rebuild/autovacuum_off', names));
      await client.query(sql('rebuild/set_owner', names, { idents: { owner: def.owner } }));
      for (const g of def.grants) {
        const file = g.grantable ? 'rebuild/grant_with_option' : 'rebuild/grant';
        const grantee = g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee);
        await client.query(sql(file, names, { raw: { privilege: checkedPrivilege(g.privilege), grantee } }));
      }
      if (def.comment !== null)
        await client.query(sql('rebuild/comment_table', names, { raw: { comment: literal(def.comment) } }));
      await ctx.hook('mid:create_table');
      await ctx.journal('create_table', 'done');
    });
  },
});
