ALTER TABLE sessions DROP COLUMN client_network;
ALTER TABLE sessions DROP COLUMN user_agent;
