//! The target list of a campaign: the companies on it, their consultant and outreach status,
//! which visits, calls and placements move forward.
//!
//! Derived data: every insert, delete and change of a target's consultant, status or visit
//! date moves `campaign_status_counts` and `campaign_visit_counts` by trigger
//! (`src/db/triggers/`), which the campaign's progress reads.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = campaign_targets)]
pub struct CampaignTarget {
    pub id: i64,
    pub jobcenter_id: i64,
    pub campaign_id: i64,
    pub company_id: i64,
    pub assigned_to: Option<i64>,
    pub status: TargetStatus,
    pub contacted_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Moves on with every change of consultant or status, by hand or by an activity.
    pub version: i32,
}

/// Which targets a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetListFilter {
    pub status: Option<TargetStatus>,
    pub assigned_to: Option<i64>,
}

/// The columns of a target that its row in the list (and the CSV export) shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_targets)]
pub struct ListedTarget {
    pub id: i64,
    pub company_id: i64,
    pub assigned_to: Option<i64>,
    pub status: TargetStatus,
    pub contacted_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
    pub version: i32,
}

impl From<CampaignTarget> for ListedTarget {
    fn from(t: CampaignTarget) -> Self {
        ListedTarget {
            id: t.id,
            company_id: t.company_id,
            assigned_to: t.assigned_to,
            status: t.status,
            contacted_on: t.contacted_on,
            visited_on: t.visited_on,
            last_activity_on: t.last_activity_on,
            version: t.version,
        }
    }
}

/// A target with what the list shows.
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub target: ListedTarget,
    pub company_name: String,
    pub cvr: String,
    pub city: String,
    pub assigned_name: Option<String>,
}

/// A consultant's open target on the start page.
#[derive(Debug, Clone)]
pub struct MyTarget {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub company_id: i64,
    pub company_name: String,
    pub status: TargetStatus,
}

/// What adding companies to the list came to.
#[derive(Debug, Clone, Default)]
pub struct AddReport {
    pub added: usize,
    pub already: usize,
}

impl CampaignTarget {
    /// Adds companies of the jobcenter to the list; each company is on a campaign once. Ids of
    /// another jobcenter's companies are ignored.
    pub fn add(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_ids: &[i64],
        now: NaiveDateTime,
    ) -> QueryResult<AddReport> {
        write_tx(c, |c| {
            Campaign::find(c, jobcenter_id, campaign_id)?;
            let mut report = AddReport::default();
            for chunk in company_ids.chunks(500) {
                let ours: Vec<(i64, String)> = companies::table
                    .filter(companies::jobcenter_id.eq(jobcenter_id))
                    .filter(companies::id.eq_any(chunk))
                    .select((companies::id, companies::name_search))
                    .load(c)?;
                let present: Vec<i64> = campaign_targets::table
                    .filter(campaign_targets::campaign_id.eq(campaign_id))
                    .filter(campaign_targets::company_id.eq_any(ours.iter().map(|(id, _)| *id)))
                    .select(campaign_targets::company_id)
                    .load(c)?;
                for (company_id, name_search) in ours {
                    if present.contains(&company_id) {
                        report.already += 1;
                        continue;
                    }
                    diesel::insert_into(campaign_targets::table)
                        .values((
                            campaign_targets::jobcenter_id.eq(jobcenter_id),
                            campaign_targets::campaign_id.eq(campaign_id),
                            campaign_targets::company_id.eq(company_id),
                            campaign_targets::company_name_search.eq(name_search),
                            campaign_targets::status.eq(TargetStatus::NotContacted),
                            campaign_targets::created_at.eq(now),
                            campaign_targets::updated_at.eq(now),
                        ))
                        .execute(c)?;
                    report.added += 1;
                }
            }
            Ok(report)
        })
    }

    pub fn find(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        id: i64,
    ) -> QueryResult<CampaignTarget> {
        campaign_targets::table
            .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_targets::campaign_id.eq(campaign_id))
            .filter(campaign_targets::id.eq(id))
            .select(CampaignTarget::as_select())
            .first(c)
    }

    /// The list, by company name, optionally narrowed to a status or a consultant: `limit`
    /// rows after the cursor (company name key and id), and the cursor of the next page.
    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        filter: TargetListFilter,
        after: Option<&Cursor>,
        limit: i64,
    ) -> QueryResult<(Vec<TargetRow>, Option<Cursor>)> {
        type Row = (ListedTarget, String, String, String, String, Option<String>);
        let mut rows: Vec<Row> = {
            // The consultant's name comes with the row (a LEFT JOIN cannot lead the walk).
            let mut query = campaign_targets::table
                .inner_join(companies::table)
                .left_join(users::table.on(users::id.nullable().eq(campaign_targets::assigned_to)))
                .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .into_boxed();
            if let Some(s) = filter.status {
                query = query.filter(campaign_targets::status.eq(s));
            }
            if let Some(u) = filter.assigned_to {
                query = query.filter(campaign_targets::assigned_to.eq(u));
            }
            if let Some(cur) = after {
                query = query.filter(cur.after(
                    campaign_targets::company_name_search,
                    campaign_targets::company_id,
                ));
            }
            query
                .order((
                    campaign_targets::company_name_search,
                    campaign_targets::company_id,
                ))
                .limit(limit + 1)
                .select((
                    ListedTarget::as_select(),
                    companies::name,
                    companies::cvr,
                    companies::city,
                    campaign_targets::company_name_search,
                    users::name.nullable(),
                ))
                .load(c)
        }?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|(t, _, _, _, key, _)| Cursor {
                key: Some(key.clone()),
                id: t.company_id,
            })
        } else {
            None
        };
        let rows = rows
            .into_iter()
            .map(
                |(target, company_name, cvr, city, _, assigned_name)| TargetRow {
                    assigned_name,
                    company_name,
                    cvr,
                    city,
                    target,
                },
            )
            .collect();
        Ok((rows, next))
    }

    /// Gives the unassigned companies to the campaign's consultants, each to whoever has the
    /// fewest, so the shares differ by at most one. Returns how many were assigned.
    pub fn split_evenly(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        now: NaiveDateTime,
    ) -> Result<usize, WriteError> {
        write_tx(c, |c| {
            Campaign::find(c, jobcenter_id, campaign_id)?;
            let consultants: Vec<i64> = Campaign::consultants(c, campaign_id)?
                .into_iter()
                .filter(StaffMember::can_take_work)
                .map(|u| u.id)
                .collect();
            if consultants.is_empty() {
                return Err(WriteError::invalid(
                    "consultants",
                    "Kampagnen har ingen konsulenter endnu.",
                ));
            }
            let assigned: Vec<Option<i64>> = campaign_targets::table
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .select(campaign_targets::assigned_to)
                .load(c)?;
            let mut load: Vec<(usize, i64)> = consultants
                .iter()
                .map(|id| (assigned.iter().filter(|a| **a == Some(*id)).count(), *id))
                .collect();
            let unassigned: Vec<i64> = campaign_targets::table
                .inner_join(companies::table)
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .filter(campaign_targets::assigned_to.is_null())
                .order(companies::name_search)
                .select(campaign_targets::id)
                .load(c)?;
            for target_id in &unassigned {
                load.sort();
                let (count, user_id) = &mut load[0];
                diesel::update(campaign_targets::table.find(*target_id))
                    .set((
                        campaign_targets::assigned_to.eq(*user_id),
                        campaign_targets::updated_at.eq(now),
                        campaign_targets::version.eq(campaign_targets::version + 1),
                    ))
                    .execute(c)?;
                *count += 1;
            }
            Ok(unassigned.len())
        })
    }

    /// Sets the consultant and/or the status by hand, on the version the page showed; a
    /// change since (by a colleague or an activity) refuses it.
    #[allow(clippy::too_many_arguments)]
    pub fn set(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        id: i64,
        expected_version: i32,
        assigned_to: Option<i64>,
        status: TargetStatus,
        now: NaiveDateTime,
    ) -> Result<CampaignTarget, WriteError> {
        let today = dates::local_date(now);
        write_tx(c, |c| {
            let target = Self::find(c, jobcenter_id, campaign_id, id)?;
            if target.version != expected_version {
                return Err(WriteError::Stale);
            }
            if let Some(u) = assigned_to
                && !Campaign::is_consultant(c, campaign_id, u)?
            {
                return Err(WriteError::invalid(
                    "assigned_to",
                    "Vælg en af kampagnens konsulenter.",
                ));
            }
            diesel::update(campaign_targets::table.find(target.id))
                .set((
                    campaign_targets::assigned_to.eq(assigned_to),
                    campaign_targets::status.eq(status),
                    campaign_targets::contacted_on.eq(target
                        .contacted_on
                        .or((status.rank() >= 1).then_some(today))),
                    campaign_targets::visited_on
                        .eq(target.visited_on.or(status.reached().then_some(today))),
                    campaign_targets::updated_at.eq(now),
                    campaign_targets::version.eq(expected_version + 1),
                ))
                .execute(c)?;
            Ok(Self::find(c, jobcenter_id, campaign_id, id)?)
        })
    }

    pub fn remove(c: &mut DbConn, jobcenter_id: i64, campaign_id: i64, id: i64) -> QueryResult<()> {
        let target = Self::find(c, jobcenter_id, campaign_id, id)?;
        diesel::delete(campaign_targets::table.find(target.id))
            .execute(c)
            .map(drop)
    }

    /// Moves the company's target forward after an activity: a call or mail → contacted, a
    /// visit, meeting or event → visited, "interested" → interested. Never backwards, and a
    /// declined company stays declined. Fails with `Invalid` when the company is not on the list.
    pub fn progress_from_activity(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        (kind, outcome, on): (ActivityKind, Option<Outcome>, NaiveDate),
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        let mut reached = match kind {
            ActivityKind::Phone | ActivityKind::Mail => TargetStatus::Contacted,
            ActivityKind::Visit | ActivityKind::Meeting | ActivityKind::Event => {
                TargetStatus::Visited
            }
        };
        if matches!(outcome, Some(Outcome::Interested | Outcome::Positive)) {
            reached = TargetStatus::Interested;
        }
        Self::progress(c, jobcenter_id, campaign_id, company_id, reached, on, now)
    }

    /// A placement that came of the campaign makes its company an agreement.
    pub fn progress_from_placement(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        Self::progress(
            c,
            jobcenter_id,
            campaign_id,
            company_id,
            TargetStatus::Agreement,
            on,
            now,
        )
    }

    fn progress(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        reached: TargetStatus,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        let target: Option<CampaignTarget> = campaign_targets::table
            .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_targets::campaign_id.eq(campaign_id))
            .filter(campaign_targets::company_id.eq(company_id))
            .select(CampaignTarget::as_select())
            .first(c)
            .optional()?;
        let Some(target) = target else {
            return Err(WriteError::invalid(
                "campaign_id",
                "Virksomheden er ikke på kampagnens liste.",
            ));
        };
        let status =
            if target.status == TargetStatus::Declined || target.status.rank() >= reached.rank() {
                target.status
            } else {
                reached
            };
        let earliest = |d: Option<NaiveDate>| Some(d.map_or(on, |d| d.min(on)));
        diesel::update(campaign_targets::table.find(target.id))
            .set((
                campaign_targets::status.eq(status),
                campaign_targets::contacted_on.eq(earliest(target.contacted_on)),
                campaign_targets::visited_on.eq(if reached.reached() {
                    earliest(target.visited_on)
                } else {
                    target.visited_on
                }),
                campaign_targets::last_activity_on
                    .eq(Some(target.last_activity_on.map_or(on, |d| d.max(on)))),
                campaign_targets::updated_at.eq(now),
                campaign_targets::version.eq(campaign_targets::version + 1),
            ))
            .execute(c)?;
        Ok(())
    }

    /// Of `company_ids`, those on a running campaign other than `except`, with its name.
    pub fn on_other_running(
        c: &mut DbConn,
        jobcenter_id: i64,
        except: i64,
        company_ids: &[i64],
    ) -> QueryResult<Vec<(i64, String)>> {
        campaign_targets::table
            .inner_join(campaigns::table)
            .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_targets::company_id.eq_any(company_ids))
            .filter(campaigns::status.eq(CampaignStatus::Running))
            .filter(campaigns::id.ne(except))
            .select((campaign_targets::company_id, campaigns::name))
            .load(c)
    }

    /// The open companies of running campaigns assigned to a user, not contacted ones first,
    /// then by name: the first `limit` and how many there are in all. Sorted within the
    /// consultant index; only the companies shown are read.
    pub fn open_for_user(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        limit: i64,
    ) -> QueryResult<(Vec<MyTarget>, i64)> {
        // Spelled out rather than `eq_any`: a statement with an IN list is prepared anew on
        // every call, and this one runs on every start page.
        let open = || {
            campaign_targets::table
                .inner_join(campaigns::table)
                .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                .filter(campaign_targets::assigned_to.eq(user_id))
                .filter(campaigns::status.eq(CampaignStatus::Running))
        };
        // Companies not contacted yet come first, then those under way, each by name. Read
        // as two queries so the first walks the index in its order (no sort of every target).
        let row = (
            campaign_targets::campaign_id,
            campaigns::name,
            campaign_targets::company_id,
            companies::name,
            campaign_targets::status,
        );
        let mut rows: Vec<(i64, String, i64, String, TargetStatus)> = (open()
            .inner_join(companies::table)
            .filter(campaign_targets::status.eq(TargetStatus::NotContacted))
            .order((
                campaign_targets::company_name_search,
                campaign_targets::company_id,
            ))
            .limit(limit)
            .select(row)
            .load(c))?;
        let missing = limit - rows.len() as i64;
        if missing > 0 {
            rows.extend(
                (open()
                    .inner_join(companies::table)
                    .filter(
                        campaign_targets::status
                            .eq(TargetStatus::Contacted)
                            .or(campaign_targets::status.eq(TargetStatus::Visited)),
                    )
                    .order((
                        campaign_targets::company_name_search,
                        campaign_targets::company_id,
                    ))
                    .limit(missing)
                    .select(row)
                    .load::<(i64, String, i64, String, TargetStatus)>(c))?,
            );
        }
        // The total from the counters the triggers on campaign_targets keep: a few rows per
        // running campaign rather than every open target.
        let total: Vec<i64> = campaign_status_counts::table
            .inner_join(campaigns::table)
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::status.eq(CampaignStatus::Running))
            .filter(campaign_status_counts::assigned_to.eq(user_id))
            .filter(
                campaign_status_counts::status
                    .eq(TargetStatus::NotContacted)
                    .or(campaign_status_counts::status.eq(TargetStatus::Contacted))
                    .or(campaign_status_counts::status.eq(TargetStatus::Visited)),
            )
            .select(campaign_status_counts::n)
            .load(c)?;
        let total = total.iter().sum();
        let targets = rows
            .into_iter()
            .map(
                |(campaign_id, campaign_name, company_id, company_name, status)| MyTarget {
                    campaign_id,
                    campaign_name,
                    company_id,
                    company_name,
                    status,
                },
            )
            .collect();
        Ok((targets, total))
    }
}
