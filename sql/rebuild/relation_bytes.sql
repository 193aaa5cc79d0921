-- Total size on disk of the relation with oid $1, indexes and TOAST included.
SELECT pg_total_relation_size($1::oid::regclass)::bigint AS bytes
