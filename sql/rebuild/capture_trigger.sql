-- Lock: SHARE ROW EXCLUSIVE on "UserSession" (waits for writers in flight; taken with a short lock_timeout,
-- retried). From its commit on, every write to "UserSession" is logged.
CREATE TRIGGER {{trigger}} AFTER INSERT OR UPDATE OR DELETE ON {{table}}
    FOR EACH ROW EXECUTE FUNCTION {{func}}()
