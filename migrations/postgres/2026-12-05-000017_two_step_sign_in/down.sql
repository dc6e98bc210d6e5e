ALTER TABLE jobcenter_settings DROP COLUMN require_two_step;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_secret;
