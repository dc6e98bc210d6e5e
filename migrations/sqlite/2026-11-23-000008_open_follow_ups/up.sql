-- Open follow-ups are a small share of all activities, read a page per group on every visit to
-- Opfølgning and counted on the start page. A partial index holds only them, with the columns
-- the page shows (and the flag, which SQLite reads to check the condition), so neither the
-- pages nor the counts touch the activities themselves. Queries spell the condition as here
-- (NOT follow_up_done), so the planner can prove that the index applies.
DROP INDEX activities_open_follow_ups;
CREATE INDEX activities_open_follow_ups ON activities
    (jobcenter_id, user_id, follow_up_on, id, company_id, kind, follow_up_note, follow_up_done)
    WHERE NOT follow_up_done AND follow_up_on IS NOT NULL;
