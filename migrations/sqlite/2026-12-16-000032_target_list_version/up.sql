-- The target list's rows carry their version (the API's targets are changed from it): the
-- index that answers the list takes it too, so a page still reads no campaign_targets row.
DROP INDEX campaign_targets_by_name;
CREATE INDEX campaign_targets_by_name ON campaign_targets (campaign_id, company_name_search, company_id,
    jobcenter_id, id, assigned_to, status, contacted_on, visited_on, last_activity_on, version);
