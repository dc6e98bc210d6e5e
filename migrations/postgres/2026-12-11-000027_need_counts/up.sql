-- The overview's recruitment figures: needs received per month (its first day), status, kind
-- and consultant responsible, with their positions and the referrals made to them. Counted
-- from the needs on every view, a half-year of a busy jobcenter walks thousands of needs and
-- their referrals; kept by triggers (src/db/triggers/) in the same transaction as the change,
-- a half-year reads a few hundred rows.
CREATE TABLE need_month_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    needs BIGINT NOT NULL,
    positions BIGINT NOT NULL,
    referrals BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, month, status, kind, user_id)
);

INSERT INTO need_month_counts
    (jobcenter_id, month, status, kind, user_id, needs, positions, referrals)
    SELECT n.jobcenter_id, date_trunc('month', n.received_on)::date, n.status, n.kind, n.user_id,
        count(*), sum(n.positions),
        sum((SELECT count(*) FROM referrals r WHERE r.need_id = n.id))
    FROM needs n
    GROUP BY n.jobcenter_id, date_trunc('month', n.received_on)::date, n.status, n.kind, n.user_id;
