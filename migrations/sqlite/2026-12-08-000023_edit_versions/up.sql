-- Contact persons, campaign targets and a jobcenter's settings carry a version like companies
-- and activities: a save made on an older version is refused, never silently applied.
ALTER TABLE contact_persons ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE campaign_targets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobcenter_settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
