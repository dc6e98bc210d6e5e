DROP TABLE jobcenter_settings;
