ALTER TABLE jobcenter_settings DROP COLUMN access_log_retention_months;
DROP TABLE access_log;
