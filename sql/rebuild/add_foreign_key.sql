-- Lock: SHARE ROW EXCLUSIVE on the referenced table ("User"), for the rest of the swap only. The original
-- foreign key, NOT VALID: no scan under the lock; validated after the swap.
ALTER TABLE {{target}} ADD CONSTRAINT {{constraint}} {{definition}} NOT VALID
