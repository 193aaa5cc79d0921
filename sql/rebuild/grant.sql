-- Lock: none on "UserSession". One of the old table's grants.
GRANT {{privilege}} ON {{new}} TO {{grantee}}
