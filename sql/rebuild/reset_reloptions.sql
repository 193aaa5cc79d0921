-- Lock: none on "UserSession" (ACCESS EXCLUSIVE on the new table, already held in the swap). Removes the listed
-- storage parameters of the new table, before the original's are set again in their original order.
ALTER TABLE {{new}} RESET ({{keys}})
