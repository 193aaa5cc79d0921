-- Lock: none on "UserSession". The capture function: logs the id, the operation and the row image of every
-- write. SECURITY DEFINER so Hatchet's role needs no privilege on the log; fixed search_path.
CREATE FUNCTION {{func}}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO {{log}} (op, id, image) VALUES ('D', OLD.id, NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.id IS DISTINCT FROM OLD.id THEN
            INSERT INTO {{log}} (op, id, image) VALUES ('D', OLD.id, NULL);
        END IF;
        INSERT INTO {{log}} (op, id, image) VALUES ('U', NEW.id, to_jsonb(NEW));
    ELSE
        INSERT INTO {{log}} (op, id, image) VALUES ('I', NEW.id, to_jsonb(NEW));
    END IF;
    RETURN NULL;
END
$capture$
