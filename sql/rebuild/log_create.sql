-- Lock: none on "UserSession". The capture log: every write to "UserSession" during the rebuild, in order.
CREATE TABLE {{log}} (
    seq bigserial PRIMARY KEY,
    op text NOT NULL,
    id uuid NOT NULL,
    image jsonb,
    applied boolean NOT NULL DEFAULT false,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
)
