ALTER TABLE jobcenter_settings DROP COLUMN version;
ALTER TABLE campaign_targets DROP COLUMN version;
ALTER TABLE contact_persons DROP COLUMN version;
