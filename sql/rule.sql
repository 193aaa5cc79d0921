-- Hatchet's rule (release 0.90.13 on): a session may be deleted once it has expired, or when it is
-- anonymous and older than 24 hours. Always evaluated with the server's NOW(), inside the statement.
("expiresAt" < NOW() OR ("userId" IS NULL AND "createdAt" < NOW() - INTERVAL '24 hours'))
