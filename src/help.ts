export const USAGE = `hatchet-sessions: inspect, drain and rebuild Hatchet's "UserSession" table.

Usage: hatchet-sessions [command] [flags]

Commands:
  (none), console   the interactive console (needs a terminal)
  status            exact counts, sizes and checks, once; --json for scripts
  growth            sessions created per hour (48 h) and per day (30 days), rates, projection; --json
  drain             delete what Hatchet's rule allows, by block ranges, throttled; needs --yes without a terminal
                    [--dry-run] [--json] [--target-batch-ms N] [--nice R] [--max-lag D|off] [--max-active N]
                    [--max-wal-rate MB|off] [--wal-compression auto|zstd|lz4|pglz|server]
                    [--max-rows N] [--max-duration D] [--vacuum]
  create-index      build Hatchet's createdAt index as its migration does; needs --yes without a terminal
  schedule          the cleanup loop: a throttled drain every hour (one runner across all instances)
                    [--every D | --cron EXPR] [--no-initial-run] [--jitter D] [--max-run-duration D]
                    [--json] [--metrics-port N] [--metrics-host H] and the drain's throttle flags
  rebuild           online rebuild: copy the kept rows to a new table, swap under a lock of milliseconds;
                    needs 2x the new table's size free; needs --yes without a terminal
                    [--dry-run] [--json] [--terminate-blockers] [--swap-timeout D] [--drop-backup]
  recover           finish (or --undo) a rebuild that was interrupted; needs --yes without a terminal
                    [--undo] [--dry-run] [--json]
  help              this text

Connection (first that is set wins):
  --database-url URL    or DATABASE_URL, or Hatchet's DATABASE_POSTGRES_HOST/_PORT/_USERNAME/
                        _PASSWORD/_DB_NAME/_SSL_MODE, or libpq's PG* variables; else the demo database
  --schema NAME         schema of "UserSession" (default public)
  --connect-timeout D   give up connecting after D (default 10s)
  --read-only           every connection is read-only; no write action is offered

Demo database (used when nothing is configured):
  --demo                use the demo database even when a database is configured
  --demo-reset          throw the demo data away and seed it again
  --demo-rows N         sessions to seed (default 300000; at the first start or with --demo-reset)
  --demo-without-index  seed without Hatchet's createdAt index

Output:
  --json                machine-readable output
  -h, --help            this text
  --version             the version

Exit codes: 0 ok; 1 failure; 2 usage or configuration error; 3 cannot connect or authenticate;
4 table missing or of an unexpected shape; 128 + the signal's number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)
when a signal stopped status, growth, create-index, rebuild or recover (drain and schedule stop with 0).
`;
