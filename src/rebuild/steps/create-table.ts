import { quoteIdent } from '../../sql.js';
import { inTransaction } from '../context.js';
import { checkedPrivilege, literal, reloptionsText, rsql } from '../names.js';
import { defineStep } from './step.js';

/** The new table, empty, with the original's storage parameters, owner, grants and comment; autovacuum off for the copy. */
export const createTable = defineStep({
  name: 'create_table',
  label: 'create the new table',
  lock: 'ACCESS SHARE on "UserSession" (catalog read only)',
  files: ['rebuild_journal_create', 'rebuild_create_table', 'rebuild_set_reloptions', 'rebuild_autovacuum_off', 'rebuild_set_owner', 'rebuild_grant', 'rebuild_comment_table'],
  async run(ctx) {
    const { client, names, plan } = ctx;
    const def = plan.definition;
    await inTransaction(client, async () => {
      await client.query(rsql('rebuild_create_table', names));
      if (def.reloptions.length || def.toastReloptions.length) {
        await client.query(rsql('rebuild_set_reloptions', names, { raw: { reloptions: reloptionsText(def.reloptions, def.toastReloptions) } }));
      }
      await client.query(rsql('rebuild_autovacuum_off', names));
      await client.query(rsql('rebuild_set_owner', names, { idents: { owner: def.owner } }));
      for (const g of def.grants) {
        const file = g.grantable ? 'rebuild_grant_with_option' : 'rebuild_grant';
        const grantee = g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee);
        await client.query(rsql(file, names, { raw: { privilege: checkedPrivilege(g.privilege), grantee } }));
      }
      if (def.comment !== null) await client.query(rsql('rebuild_comment_table', names, { raw: { comment: literal(def.comment) } }));
      await ctx.hook('mid:create_table');
      await ctx.journal('create_table', 'done');
    });
  },
});
