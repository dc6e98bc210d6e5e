ALTER TABLE jobcenter_settings DROP COLUMN survey_after_visit;
ALTER TABLE jobcenter_settings DROP COLUMN survey_after_request;
DROP TABLE satisfaction_surveys;
