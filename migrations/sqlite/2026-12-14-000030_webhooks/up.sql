-- Webhooks (models::webhook): an administrator subscribes a URL to events of the jobcenter.
-- `events` holds the subscribed event names between commas (",company.created,"). The secret
-- signs every delivery (HMAC-SHA256); it is shown once, when the webhook is made.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX webhooks_jobcenter ON webhooks (jobcenter_id, id);

-- One event for one webhook, written in the same transaction as the change it tells about and
-- sent by the background sender with retries, like the mail outbox.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_status INTEGER,
    last_error TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
