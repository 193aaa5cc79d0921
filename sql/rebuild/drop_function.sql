-- Lock: none on "UserSession". Removes the capture function once no trigger uses it.
DROP FUNCTION IF EXISTS {{func}}()
