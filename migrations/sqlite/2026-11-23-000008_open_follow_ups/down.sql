DROP INDEX activities_open_follow_ups;
CREATE INDEX activities_open_follow_ups ON activities (jobcenter_id, user_id, follow_up_done, follow_up_on, id);
