-- The public form's receipts are limited per address and day (a phishing relay otherwise).
CREATE INDEX contact_requests_email_received ON contact_requests (email, received_at);
