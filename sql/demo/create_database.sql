-- The demo's database, owned by its role.
CREATE DATABASE {{database}} OWNER {{role}}
