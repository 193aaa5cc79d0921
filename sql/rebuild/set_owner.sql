-- Lock: none on "UserSession". The old table's owner.
ALTER TABLE {{new}} OWNER TO {{owner}}
