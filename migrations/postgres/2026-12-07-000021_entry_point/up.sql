-- The business entry point's own details, shown on the public form, its receipts and every
-- page's footer; the days the jobcenter keeps closed besides the public holidays (they are not
-- working days in the promise and the response times); and its accessibility statement.
ALTER TABLE jobcenter_settings ADD COLUMN entry_name TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN entry_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN entry_email TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN entry_address TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN entry_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN closed_constitution_day BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobcenter_settings ADD COLUMN closed_christmas_eve BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobcenter_settings ADD COLUMN closed_new_years_eve BOOLEAN NOT NULL DEFAULT FALSE;
-- ISO dates separated by commas (domain::holidays::ClosingDays).
ALTER TABLE jobcenter_settings ADD COLUMN closing_days TEXT NOT NULL DEFAULT '';
ALTER TABLE jobcenter_settings ADD COLUMN accessibility_url TEXT NOT NULL DEFAULT '';
-- Every channel into the same inbox: how a request came ('form', 'phone', 'mail',
-- 'in_person', 'event') and, for one a member of staff put in, who did.
ALTER TABLE contact_requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'form';
ALTER TABLE contact_requests ADD COLUMN registered_by BIGINT REFERENCES users (id);
-- The overview counts a period's requests by channel from the index its figures read.
DROP INDEX contact_requests_by_received;
CREATE INDEX contact_requests_by_received
    ON contact_requests (jobcenter_id, received_at, first_answer_at, status, channel);
