-- Lock: none on "UserSession". One of the old table's grants, with grant option.
GRANT {{privilege}} ON {{new}} TO {{grantee}} WITH GRANT OPTION
