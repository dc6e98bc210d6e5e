//! The derived counters the triggers keep (`triggers/`), recounted from the rows they count:
//! `jobcenter-crm check` compares each counter table with its recount, `check --repair`
//! rebuilds the ones that differ. The recounts are the statements the migrations filled the
//! counters with, one per dialect.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::{DbConn, write_tx};

/// One counter table and how to count it again.
pub struct Counter {
    pub table: &'static str,
    /// Its columns, in the order the recount gives them.
    columns: &'static str,
    /// Which of its rows count (triggers may leave rows at zero).
    live: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// A company's periods of contact: month, quarter, half-year and year, with whether it is in
/// the cooperation base (it has employees and is not inactive). Macros, so the counts per
/// period can be written around them with `concat!`.
macro_rules! contact_periods_sqlite {
    () => {
        "SELECT x.jobcenter_id AS jobcenter_id, x.period AS period, \
    x.company_id AS company_id, \
    CASE WHEN c.employees IS NOT NULL AND c.status <> 'inactive' THEN 1 ELSE 0 END AS in_base, \
    count(*) AS n FROM ( \
        SELECT jobcenter_id, company_id, strftime('%Y-%m', occurred_on) AS period FROM activities \
        UNION ALL SELECT jobcenter_id, company_id, strftime('%Y', occurred_on) || '-Q' \
            || ((CAST(strftime('%m', occurred_on) AS INTEGER) + 2) / 3) FROM activities \
        UNION ALL SELECT jobcenter_id, company_id, strftime('%Y', occurred_on) || '-H' \
            || ((CAST(strftime('%m', occurred_on) AS INTEGER) + 5) / 6) FROM activities \
        UNION ALL SELECT jobcenter_id, company_id, strftime('%Y', occurred_on) FROM activities \
    ) x JOIN companies c ON c.id = x.company_id \
    GROUP BY x.jobcenter_id, x.period, x.company_id, c.employees IS NOT NULL AND c.status <> 'inactive'"
    };
}

macro_rules! contact_periods_postgres {
    () => {
        "SELECT a.jobcenter_id AS jobcenter_id, k.period AS period, \
    a.company_id AS company_id, \
    CASE WHEN c.employees IS NOT NULL AND c.status <> 'inactive' THEN 1 ELSE 0 END AS in_base, \
    count(*) AS n FROM activities a \
    JOIN companies c ON c.id = a.company_id \
    CROSS JOIN LATERAL unnest(ARRAY[ \
        to_char(a.occurred_on, 'YYYY-MM'), \
        to_char(a.occurred_on, 'YYYY-\"Q\"Q'), \
        to_char(a.occurred_on, 'YYYY') || '-H' || ((extract(month FROM a.occurred_on)::int + 5) / 6), \
        to_char(a.occurred_on, 'YYYY')]) AS k (period) \
    GROUP BY a.jobcenter_id, k.period, a.company_id, c.employees IS NOT NULL AND c.status <> 'inactive'"
    };
}

/// The counts per period, made from the companies' periods of contact as recounted.
macro_rules! counts_per_period {
    ($periods:expr) => {
        concat!(
            "SELECT jobcenter_id, period, count(*), sum(in_base) FROM (",
            $periods,
            ") p GROUP BY jobcenter_id, period"
        )
    };
}

/// Every counter, in the order a repair rebuilds them (company_contact_periods before the
/// counts made from it).
pub const COUNTERS: &[Counter] = &[
    Counter {
        table: "campaign_status_counts",
        columns: "campaign_id, assigned_to, status, n",
        live: "n <> 0",
        sqlite: "SELECT campaign_id, coalesce(assigned_to, 0), status, count(*) FROM campaign_targets \
            GROUP BY campaign_id, coalesce(assigned_to, 0), status",
        postgres: "SELECT campaign_id, coalesce(assigned_to, 0), status, count(*) FROM campaign_targets \
            GROUP BY campaign_id, coalesce(assigned_to, 0), status",
    },
    Counter {
        table: "campaign_visit_counts",
        columns: "campaign_id, visited_on, n",
        live: "n <> 0",
        sqlite: "SELECT campaign_id, visited_on, count(*) FROM campaign_targets \
            WHERE visited_on IS NOT NULL GROUP BY campaign_id, visited_on",
        postgres: "SELECT campaign_id, visited_on, count(*) FROM campaign_targets \
            WHERE visited_on IS NOT NULL GROUP BY campaign_id, visited_on",
    },
    Counter {
        table: "contact_request_counts",
        columns: "jobcenter_id, status, assigned_to, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, status, coalesce(assigned_to, 0), count(*) FROM contact_requests \
            GROUP BY jobcenter_id, status, coalesce(assigned_to, 0)",
        postgres: "SELECT jobcenter_id, status, coalesce(assigned_to, 0), count(*) FROM contact_requests \
            GROUP BY jobcenter_id, status, coalesce(assigned_to, 0)",
    },
    Counter {
        table: "follow_up_day_counts",
        columns: "jobcenter_id, user_id, day, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, user_id, follow_up_on, count(*) FROM activities \
            WHERE NOT follow_up_done AND follow_up_on IS NOT NULL \
            GROUP BY jobcenter_id, user_id, follow_up_on",
        postgres: "SELECT jobcenter_id, user_id, follow_up_on, count(*) FROM activities \
            WHERE NOT follow_up_done AND follow_up_on IS NOT NULL \
            GROUP BY jobcenter_id, user_id, follow_up_on",
    },
    Counter {
        table: "follow_up_month_counts",
        columns: "jobcenter_id, user_id, month, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, user_id, date(follow_up_on, 'start of month'), count(*) \
            FROM activities WHERE NOT follow_up_done AND follow_up_on IS NOT NULL \
            GROUP BY jobcenter_id, user_id, date(follow_up_on, 'start of month')",
        postgres: "SELECT jobcenter_id, user_id, date_trunc('month', follow_up_on)::date, count(*) \
            FROM activities WHERE NOT follow_up_done AND follow_up_on IS NOT NULL \
            GROUP BY jobcenter_id, user_id, date_trunc('month', follow_up_on)::date",
    },
    Counter {
        table: "activity_month_counts",
        columns: "jobcenter_id, month, user_id, kind, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, date(occurred_on, 'start of month'), user_id, kind, count(*) \
            FROM activities GROUP BY jobcenter_id, date(occurred_on, 'start of month'), user_id, kind",
        postgres: "SELECT jobcenter_id, date_trunc('month', occurred_on)::date, user_id, kind, count(*) \
            FROM activities GROUP BY jobcenter_id, date_trunc('month', occurred_on)::date, user_id, kind",
    },
    Counter {
        table: "activity_day_counts",
        columns: "jobcenter_id, day, kind, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, occurred_on, kind, count(*) FROM activities \
            GROUP BY jobcenter_id, occurred_on, kind",
        postgres: "SELECT jobcenter_id, occurred_on, kind, count(*) FROM activities \
            GROUP BY jobcenter_id, occurred_on, kind",
    },
    Counter {
        table: "activity_topic_month_counts",
        columns: "jobcenter_id, month, kind, topic, n",
        live: "n <> 0",
        sqlite: "SELECT a.jobcenter_id, date(a.occurred_on, 'start of month'), a.kind, t.column1, count(*) \
            FROM activities a \
            JOIN (VALUES ('smaajob'), ('fleksjob'), ('praktik'), ('loentilskud'), ('recruitment'), \
                         ('retention'), ('upskilling'), ('other')) t \
                ON instr(a.topics, ',' || t.column1 || ',') > 0 \
            GROUP BY a.jobcenter_id, date(a.occurred_on, 'start of month'), a.kind, t.column1",
        postgres: "SELECT a.jobcenter_id, date_trunc('month', a.occurred_on)::date, a.kind, t.topic, count(*) \
            FROM activities a \
            CROSS JOIN LATERAL unnest(string_to_array(trim(both ',' FROM a.topics), ',')) AS t (topic) \
            WHERE t.topic <> '' \
            GROUP BY a.jobcenter_id, date_trunc('month', a.occurred_on)::date, a.kind, t.topic",
    },
    Counter {
        table: "company_contact_periods",
        columns: "jobcenter_id, period, company_id, in_base, n",
        live: "n <> 0",
        sqlite: contact_periods_sqlite!(),
        postgres: contact_periods_postgres!(),
    },
    Counter {
        table: "contact_period_counts",
        columns: "jobcenter_id, period, companies, in_base",
        live: "companies <> 0",
        sqlite: counts_per_period!(contact_periods_sqlite!()),
        postgres: counts_per_period!(contact_periods_postgres!()),
    },
    Counter {
        table: "company_counts",
        columns: "jobcenter_id, status, has_employees, has_fixed_contact, n",
        live: "n <> 0",
        sqlite: "SELECT jobcenter_id, status, employees IS NOT NULL, fixed_contact_id IS NOT NULL, count(*) \
            FROM companies GROUP BY jobcenter_id, status, employees IS NOT NULL, fixed_contact_id IS NOT NULL",
        postgres: "SELECT jobcenter_id, status, (employees IS NOT NULL)::int, (fixed_contact_id IS NOT NULL)::int, count(*) \
            FROM companies GROUP BY jobcenter_id, status, employees IS NOT NULL, fixed_contact_id IS NOT NULL",
    },
    Counter {
        table: "need_month_counts",
        columns: "jobcenter_id, month, status, kind, user_id, needs, positions, referrals",
        live: "needs <> 0 OR positions <> 0 OR referrals <> 0",
        sqlite: "SELECT n.jobcenter_id, date(n.received_on, 'start of month'), n.status, n.kind, \
            n.user_id, count(*), sum(n.positions), \
            sum((SELECT count(*) FROM referrals r WHERE r.need_id = n.id)) FROM needs n \
            GROUP BY n.jobcenter_id, date(n.received_on, 'start of month'), n.status, n.kind, n.user_id",
        postgres: "SELECT n.jobcenter_id, date_trunc('month', n.received_on)::date, n.status, n.kind, \
            n.user_id, count(*), sum(n.positions)::bigint, \
            sum((SELECT count(*) FROM referrals r WHERE r.need_id = n.id))::bigint FROM needs n \
            GROUP BY n.jobcenter_id, date_trunc('month', n.received_on)::date, n.status, n.kind, n.user_id",
    },
];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl Counter {
    fn recount(&self, conn: &DbConn) -> &'static str {
        match conn {
            DbConn::Sqlite(_) => self.sqlite,
            DbConn::Pg(_) => self.postgres,
        }
    }

    /// Rows that differ between the counter table and its recount (each way).
    pub fn differences(&self, conn: &mut DbConn) -> QueryResult<i64> {
        let kept = format!(
            "SELECT {} FROM {} WHERE {}",
            self.columns, self.table, self.live
        );
        let recount = self.recount(conn);
        let sql = format!(
            "SELECT COUNT(*) AS n FROM ( \
                SELECT * FROM ({kept} EXCEPT {recount}) a \
                UNION ALL SELECT * FROM ({recount} EXCEPT {kept}) b \
            ) d"
        );
        Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
    }

    /// Replaces the counter table's rows by its recount.
    fn rebuild(&self, conn: &mut DbConn) -> QueryResult<()> {
        let sql = format!(
            "DELETE FROM {table}; INSERT INTO {table} ({columns}) {recount}",
            table = self.table,
            columns = self.columns,
            recount = self.recount(conn),
        );
        conn.batch_execute(&sql)
    }
}

/// Rebuilds the counters that differ from their recount, in one write transaction; returns
/// the tables rebuilt.
pub fn repair(conn: &mut DbConn) -> QueryResult<Vec<&'static str>> {
    write_tx(conn, |c| {
        let mut rebuilt = Vec::new();
        for counter in COUNTERS {
            if counter.differences(c)? > 0 {
                counter.rebuild(c)?;
                rebuilt.push(counter.table);
            }
        }
        Ok(rebuilt)
    })
}
