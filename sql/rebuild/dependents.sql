-- Objects that depend on the table ($1 oid) and that a rebuild by rename would leave pointing at the
-- backup: views, rules, triggers other than ours ($2 = our trigger's name), row security policies,
-- publications, foreign keys from other tables, inheritance children.
SELECT 'view' AS kind, v.oid::regclass::text AS name
  FROM pg_depend d
  JOIN pg_rewrite r ON r.oid = d.objid
  JOIN pg_class v ON v.oid = r.ev_class
 WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = $1::oid AND v.oid <> $1::oid
UNION
SELECT 'rule', r.rulename::text FROM pg_rewrite r WHERE r.ev_class = $1::oid
UNION
SELECT 'trigger', t.tgname::text FROM pg_trigger t WHERE t.tgrelid = $1::oid AND NOT t.tgisinternal AND t.tgname <> $2
UNION
SELECT 'policy', p.polname::text FROM pg_policy p WHERE p.polrelid = $1::oid
UNION
SELECT 'publication', pub.pubname::text
  FROM pg_publication_rel pr JOIN pg_publication pub ON pub.oid = pr.prpubid WHERE pr.prrelid = $1::oid
UNION
SELECT 'foreign key', format('%s on %s', k.conname, k.conrelid::regclass)
  FROM pg_constraint k WHERE k.contype = 'f' AND k.confrelid = $1::oid AND k.conrelid <> $1::oid
UNION
SELECT 'inheritance child', i.inhrelid::regclass::text FROM pg_inherits i WHERE i.inhparent = $1::oid
ORDER BY 1, 2
