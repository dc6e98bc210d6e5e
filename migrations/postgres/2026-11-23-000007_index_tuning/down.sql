DROP INDEX campaign_targets_by_consultant;
CREATE INDEX campaign_targets_by_consultant ON campaign_targets (assigned_to, status);
DROP INDEX campaign_targets_by_name;
ALTER TABLE campaign_targets DROP COLUMN company_name_search;
DROP INDEX placements_campaign;
CREATE INDEX placements_campaign ON placements (campaign_id);
DROP INDEX contact_requests_waiting;
DROP INDEX activities_open_follow_ups;
CREATE INDEX activities_open_follow_ups ON activities (user_id, follow_up_done, follow_up_on);
