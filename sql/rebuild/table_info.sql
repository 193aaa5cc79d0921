-- What the new table must copy from the old one ($1 schema, $2 table): owner, storage parameters (heap and
-- TOAST), comment, kind, row security, inheritance, tablespace, grants.
SELECT c.oid::bigint AS oid,
       c.relkind AS kind,
       pg_get_userbyid(c.relowner) AS owner,
       pg_has_role(c.relowner, 'MEMBER') AS is_owner,
       COALESCE(c.reloptions, '{}') AS reloptions,
       COALESCE((SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid), '{}') AS toast_reloptions,
       obj_description(c.oid, 'pg_class') AS comment,
       c.relpersistence AS persistence,
       c.relrowsecurity AS row_security,
       c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid) AS inherits,
       c.reltablespace <> 0 AS own_tablespace,
       (SELECT json_agg(json_build_object('grantee', CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee) END,
                                          'privilege', x.privilege_type,
                                          'grantable', x.is_grantable))
          FROM aclexplode(c.relacl) x) AS grants,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attacl IS NOT NULL)::int AS column_grants
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
