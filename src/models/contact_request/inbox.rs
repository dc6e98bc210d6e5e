//! The inbox: its tabs and pages, the counts in the navigation, and the response-time figures.

use super::*;

/// The inbox's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxTab {
    /// Unassigned and unanswered.
    New,
    /// Assigned to the user and unanswered.
    Mine,
    /// New and assigned, anyone's.
    Open,
    Answered,
    Closed,
    /// Admins only.
    Spam,
}

impl InboxTab {
    pub const ALL: &'static [InboxTab] = &[
        InboxTab::Open,
        InboxTab::New,
        InboxTab::Mine,
        InboxTab::Answered,
        InboxTab::Closed,
        InboxTab::Spam,
    ];

    pub fn parse(s: &str) -> Option<InboxTab> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InboxTab::New => "new",
            InboxTab::Mine => "mine",
            InboxTab::Open => "open",
            InboxTab::Answered => "answered",
            InboxTab::Closed => "closed",
            InboxTab::Spam => "spam",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxTab::New => "Nye",
            InboxTab::Mine => "Tildelt mig",
            InboxTab::Open => "Alle åbne",
            InboxTab::Answered => "Besvarede",
            InboxTab::Closed => "Lukkede",
            InboxTab::Spam => "Spam",
        }
    }
}

/// A line of the inbox.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contact_requests)]
pub struct InboxRow {
    pub id: i64,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub topic: RequestTopic,
    pub status: RequestStatus,
    pub assigned_to: Option<i64>,
    pub received_at: NaiveDateTime,
    pub first_answer_at: Option<NaiveDateTime>,
    pub channel: RequestChannel,
}

pub struct InboxPage {
    /// The rows with the name of whoever each is assigned to.
    pub rows: Vec<(InboxRow, Option<String>)>,
    /// Where the next page starts (rows with a smaller id).
    pub next_before: Option<i64>,
}

/// The counter rows (see `contact_request_counts`) of the jobcenter's open requests: the new
/// ones and those assigned to anyone.
#[diesel::dsl::auto_type]
fn open_request_counts(jobcenter_id: i64) -> _ {
    let new: RequestStatus = RequestStatus::New;
    let assigned: RequestStatus = RequestStatus::Assigned;
    contact_request_counts::table
        .filter(contact_request_counts::jobcenter_id.eq(jobcenter_id))
        .filter(
            contact_request_counts::status
                .eq(new)
                .or(contact_request_counts::status.eq(assigned)),
        )
}

impl ContactRequest {
    /// One page of an inbox tab, newest first, read through the status (or assignee) index.
    pub fn inbox(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        tab: InboxTab,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<InboxPage> {
        let page = |c: &mut DbConn, status: RequestStatus, assignee: Option<i64>| {
            {
                // The assignee's name comes with the row (a LEFT JOIN cannot lead the walk).
                let mut q = contact_requests::table
                    .left_join(
                        users::table.on(users::id.nullable().eq(contact_requests::assigned_to)),
                    )
                    .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
                    .filter(contact_requests::status.eq(status))
                    .into_boxed();
                if let Some(user) = assignee {
                    q = q.filter(contact_requests::assigned_to.eq(user));
                }
                if let Some(before) = before_id {
                    q = q.filter(contact_requests::id.lt(before));
                }
                q.order(contact_requests::id.desc())
                    .limit(limit + 1)
                    .select((InboxRow::as_select(), users::name.nullable()))
                    .load::<(InboxRow, Option<String>)>(c)
            }
        };
        let mut rows = match tab {
            InboxTab::New => page(c, RequestStatus::New, None)?,
            InboxTab::Mine => page(c, RequestStatus::Assigned, Some(user_id))?,
            // Two index ranges merged: each is read only as far as one page needs.
            InboxTab::Open => {
                let mut rows = page(c, RequestStatus::New, None)?;
                rows.extend(page(c, RequestStatus::Assigned, None)?);
                rows.sort_by_key(|(r, _)| std::cmp::Reverse(r.id));
                rows
            }
            InboxTab::Answered => page(c, RequestStatus::Answered, None)?,
            InboxTab::Closed => page(c, RequestStatus::Closed, None)?,
            InboxTab::Spam => page(c, RequestStatus::Spam, None)?,
        };
        let next_before = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|(r, _)| r.id)
        } else {
            None
        };
        Ok(InboxPage { rows, next_before })
    }

    /// How many open requests not answered yet were received before `cutoff` (see
    /// `working_days::past_promise_cutoff`). A request is open (new or assigned) exactly until
    /// it is first answered, so this is every open request — from the counters the triggers
    /// on contact_requests keep — less those received since the cutoff: a walk of the newest
    /// only, however many wait.
    pub fn count_waiting_since_before(
        c: &mut DbConn,
        jobcenter_id: i64,
        cutoff: NaiveDateTime,
    ) -> QueryResult<i64> {
        let open: Vec<i64> = (open_request_counts(jobcenter_id)
            .select(contact_request_counts::n)
            .load(c))?;
        let since: i64 = contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(
                contact_requests::status
                    .eq(RequestStatus::New)
                    .or(contact_requests::status.eq(RequestStatus::Assigned)),
            )
            .filter(contact_requests::received_at.ge(cutoff))
            .count()
            .get_result(c)?;
        Ok(open.iter().sum::<i64>() - since)
    }

    /// The requests that want the user's attention: how many are new, and how many are
    /// assigned to the user and not answered yet. Read from the counters the triggers on
    /// contact_requests keep (a row per status and assignee), cheap enough for every page
    /// (the navigation shows their sum).
    pub fn count_new_and_mine(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
    ) -> QueryResult<(i64, i64)> {
        // The new ones, and the user's own row of the assigned ones (not everyone's): two seeks.
        let counts = || {
            contact_request_counts::table
                .filter(contact_request_counts::jobcenter_id.eq(jobcenter_id))
                .select(contact_request_counts::n)
        };
        let new: Vec<i64> = counts()
            .filter(contact_request_counts::status.eq(RequestStatus::New))
            .load(c)?;
        let mine: Vec<i64> = counts()
            .filter(contact_request_counts::status.eq(RequestStatus::Assigned))
            .filter(contact_request_counts::assigned_to.eq(user_id))
            .load(c)?;
        Ok((new.iter().sum(), mine.iter().sum()))
    }

    /// Requests held as spam (the spam tab's count), from the counters.
    pub fn count_spam(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<i64> {
        let counts: Vec<i64> = contact_request_counts::table
            .filter(contact_request_counts::jobcenter_id.eq(jobcenter_id))
            .filter(contact_request_counts::status.eq(RequestStatus::Spam))
            .select(contact_request_counts::n)
            .load(c)?;
        Ok(counts.iter().sum())
    }

    /// Open requests per member of staff they are assigned to.
    pub fn open_per_assignee(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<(String, i64)>> {
        let counts: Vec<(Option<i64>, i64)> = contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::status.eq(RequestStatus::Assigned))
            .group_by(contact_requests::assigned_to)
            .select((contact_requests::assigned_to, diesel::dsl::count_star()))
            .load(c)?;
        let staff: HashMap<i64, String> = User::list(c, jobcenter_id)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let mut rows: Vec<(String, i64)> = counts
            .into_iter()
            .filter_map(|(id, n)| Some((staff.get(&id?)?.clone(), n)))
            .collect();
        rows.sort();
        Ok(rows)
    }

    /// When requests received from `from` up to `until` came, were answered and by which
    /// channel, for response-time figures (spam left out); read from one index alone.
    pub fn timings(
        c: &mut DbConn,
        jobcenter_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> QueryResult<Vec<(Timing, RequestChannel)>> {
        type Row = (
            NaiveDateTime,
            Option<NaiveDateTime>,
            RequestStatus,
            RequestChannel,
        );
        let rows: Vec<Row> = contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::received_at.ge(from))
            .filter(contact_requests::received_at.lt(until))
            .filter(contact_requests::status.ne(RequestStatus::Spam))
            .select((
                contact_requests::received_at,
                contact_requests::first_answer_at,
                contact_requests::status,
                contact_requests::channel,
            ))
            .load(c)?;
        Ok(rows
            .into_iter()
            .map(|(received_at, first_answer_at, status, channel)| {
                let timing = Timing {
                    received_at,
                    first_answer_at,
                    open: status.is_open(),
                };
                (timing, channel)
            })
            .collect())
    }
}
