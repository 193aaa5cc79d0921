-- The sessions table ($1 schema, $2 table): kind, owner, our privileges and its columns.
SELECT c.oid::bigint AS oid,
       c.relkind AS kind,
       pg_get_userbyid(c.relowner) AS owner,
       pg_has_role(c.relowner, 'MEMBER') AS is_owner,
       has_table_privilege(c.oid, 'SELECT') AS can_select,
       has_table_privilege(c.oid, 'DELETE') AS can_delete,
       (SELECT json_agg(json_build_object('name', a.attname,
                                          'type', format_type(a.atttypid, a.atttypmod),
                                          'notNull', a.attnotnull) ORDER BY a.attnum)
          FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
