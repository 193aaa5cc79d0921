-- The number of heap blocks of the relation with oid $1.
SELECT (pg_relation_size($1::oid::regclass) / current_setting('block_size')::bigint)::bigint AS blocks
