DROP TABLE referrals;
DROP TABLE need_events;
DROP TABLE needs;
