-- The demo's role, as Hatchet's own: it owns its database. The password is a literal (escaped): CREATE ROLE takes no
-- parameters.
CREATE ROLE {{role}} LOGIN PASSWORD {{password}}
