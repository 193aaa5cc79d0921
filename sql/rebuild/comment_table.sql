-- Lock: none on "UserSession". The old table's comment.
COMMENT ON TABLE {{new}} IS {{comment}}
