-- What a person sees of their own sessions: the browser and the network it came from (an
-- address prefix, not the address).
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_network TEXT NOT NULL DEFAULT '';
