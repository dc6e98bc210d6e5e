-- Open follow-ups are read per jobcenter and user: the jobcenter leads, as in every other index,
-- so the planner seeks straight to a user's open follow-ups instead of walking all their activities.
DROP INDEX activities_open_follow_ups;
CREATE INDEX activities_open_follow_ups ON activities (jobcenter_id, user_id, follow_up_done, follow_up_on, id);

-- The inbox counts the open requests waiting past the promised answer time: status and
-- received_at (and first_answer_at, read from the index) without touching the rows.
CREATE INDEX contact_requests_waiting ON contact_requests (jobcenter_id, status, received_at, first_answer_at);

-- A campaign's placements, newest first, within the jobcenter: the planner would otherwise
-- walk all of the jobcenter's placements by start date to find the campaign's few.
DROP INDEX placements_campaign;
CREATE INDEX placements_campaign ON placements (jobcenter_id, campaign_id, start_on, id);

-- A campaign's target list is read in company-name order, a page at a time. The target keeps
-- its company's sort key (kept in step when the company is renamed), so a page is a walk of
-- one index instead of joining and sorting every company of the campaign.
ALTER TABLE campaign_targets ADD COLUMN company_name_search TEXT NOT NULL DEFAULT '';
UPDATE campaign_targets SET company_name_search =
    (SELECT name_search FROM companies WHERE companies.id = campaign_targets.company_id);
CREATE INDEX campaign_targets_by_name ON campaign_targets (campaign_id, company_name_search, company_id);

-- A consultant's open campaign companies on the start page, sorted within the index.
DROP INDEX campaign_targets_by_consultant;
CREATE INDEX campaign_targets_by_consultant
    ON campaign_targets (jobcenter_id, assigned_to, status, company_name_search, campaign_id, company_id);

-- A campaign's progress (per consultant and status, per visit date) is counted in the index.
DROP INDEX campaign_targets_by_status;
CREATE INDEX campaign_targets_by_status ON campaign_targets (campaign_id, status, assigned_to, visited_on);
