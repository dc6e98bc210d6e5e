//! Clusters of neighbouring jobcenters on one installation: "the labour market does not know
//! municipal borders". An installation's operator creates a cluster and invites its members
//! (the command line); each member's admin accepts before anything is shared and may leave at
//! any time, which ends the sharing at once. Every change of membership leaves an audit row in
//! every member's log.
//!
//! What members share, per company identified by its CVR number (and P-number where both
//! know it): which of them has it in the register, its fixed contact there (the consultant's
//! name, phone and e-mail), the date of the last contact and whether it is on a running
//! campaign there. Never notes, contact persons, placements, requests or audit rows. Beyond
//! that, members work together through regional campaigns (`models::campaign`), hand requests
//! to each other (`models::contact_request`) and count their work together ([`figures`]):
//! numbers only.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::WriteError;
use super::activity::ActivityKind;
use super::audit::{NewAuditEntry, action};
use super::campaign::CampaignStatus;
use super::overview::Overview;
use super::placement::PlacementKind;
use super::settings::Settings;
use crate::db::schema::{
    campaign_targets, campaigns, cluster_members, clusters, companies, jobcenters, users,
};
use crate::db::{DbConn, write_tx};
use crate::domain::periods::Period;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clusters)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// Where a jobcenter stands in a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Invited, not yet accepted: nothing is shared.
    Invited,
    Member,
    Left,
}

impl Standing {
    fn of(accepted_at: Option<NaiveDateTime>, left_at: Option<NaiveDateTime>) -> Standing {
        match (accepted_at, left_at) {
            (_, Some(_)) => Standing::Left,
            (Some(_), None) => Standing::Member,
            (None, None) => Standing::Invited,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Invited => "Inviteret",
            Standing::Member => "Medlem",
            Standing::Left => "Har forladt klyngen",
        }
    }
}

/// A cluster's members (jobcenter names) with their standing.
pub type Members = Vec<(String, Standing)>;

/// A cluster as one of its members sees it: its own standing and every member's.
#[derive(Debug, Clone)]
pub struct ClusterView {
    pub cluster: Cluster,
    pub standing: Standing,
    /// The members (this jobcenter too) by name, with their standing.
    pub members: Members,
}

type MemberRow = (
    i64,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

impl Cluster {
    /// Creates a cluster and invites its members (at least two jobcenters); each member's log
    /// gets a row.
    pub fn create(
        c: &mut DbConn,
        name: &str,
        jobcenter_ids: &[i64],
        now: NaiveDateTime,
    ) -> Result<Cluster, WriteError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(WriteError::invalid("name", "Giv klyngen et navn."));
        }
        let mut ids = jobcenter_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() < 2 {
            return Err(WriteError::invalid(
                "members",
                "En klynge har mindst to jobcentre.",
            ));
        }
        write_tx(c, |c| {
            let taken: i64 = clusters::table
                .filter(clusters::name.eq(name))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(WriteError::invalid(
                    "name",
                    "Der er allerede en klynge med det navn.",
                ));
            }
            let id: i64 = diesel::insert_into(clusters::table)
                .values((clusters::name.eq(name), clusters::created_at.eq(now)))
                .returning(clusters::id)
                .get_result(c)?;
            let cluster = Cluster {
                id,
                name: name.to_string(),
                created_at: now,
            };
            for jc in &ids {
                diesel::insert_into(cluster_members::table)
                    .values((
                        cluster_members::cluster_id.eq(cluster.id),
                        cluster_members::jobcenter_id.eq(jc),
                        cluster_members::invited_at.eq(now),
                    ))
                    .execute(c)?;
            }
            let details = format!("Klyngen «{name}»: jobcentrets administrator skal acceptere");
            log_to(c, &ids, action::CLUSTER_INVITED, cluster.id, &details, now)?;
            Ok(cluster)
        })
    }

    /// Invites a jobcenter to a cluster (the command line): a new member, or again one that
    /// declined or left; its admin accepts as before.
    pub fn invite(
        c: &mut DbConn,
        cluster_name: &str,
        jobcenter_id: i64,
        now: NaiveDateTime,
    ) -> Result<Cluster, WriteError> {
        write_tx(c, |c| {
            let Some(cluster) = clusters::table
                .filter(clusters::name.eq(cluster_name))
                .select(Cluster::as_select())
                .first(c)
                .optional()?
            else {
                return Err(WriteError::invalid(
                    "name",
                    "Der er ingen klynge med det navn.",
                ));
            };
            let row: Option<(i64, Option<NaiveDateTime>)> = cluster_members::table
                .filter(cluster_members::cluster_id.eq(cluster.id))
                .filter(cluster_members::jobcenter_id.eq(jobcenter_id))
                .select((cluster_members::id, cluster_members::left_at))
                .first(c)
                .optional()?;
            match row {
                Some((_, None)) => {
                    return Err(WriteError::invalid(
                        "members",
                        "Jobcentret er allerede inviteret til eller medlem af klyngen.",
                    ));
                }
                Some((id, Some(_))) => {
                    diesel::update(cluster_members::table.find(id))
                        .set((
                            cluster_members::invited_at.eq(now),
                            cluster_members::accepted_at.eq(None::<NaiveDateTime>),
                            cluster_members::left_at.eq(None::<NaiveDateTime>),
                        ))
                        .execute(c)?;
                }
                None => {
                    diesel::insert_into(cluster_members::table)
                        .values((
                            cluster_members::cluster_id.eq(cluster.id),
                            cluster_members::jobcenter_id.eq(jobcenter_id),
                            cluster_members::invited_at.eq(now),
                        ))
                        .execute(c)?;
                }
            }
            let details = format!(
                "Klyngen «{}»: jobcentrets administrator skal acceptere",
                cluster.name
            );
            log_to(
                c,
                &[jobcenter_id],
                action::CLUSTER_INVITED,
                cluster.id,
                &details,
                now,
            )?;
            Ok(cluster)
        })
    }

    /// Every cluster and its members (the command line).
    pub fn all(c: &mut DbConn) -> QueryResult<Vec<(Cluster, Members)>> {
        let all: Vec<Cluster> = clusters::table
            .order(clusters::name)
            .select(Cluster::as_select())
            .load(c)?;
        let mut members = Self::members_of(c, &all.iter().map(|k| k.id).collect::<Vec<_>>())?;
        Ok(all
            .into_iter()
            .map(|k| {
                let m = members
                    .remove(&k.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, _, name, acc, left)| (name, Standing::of(acc, left)))
                    .collect();
                (k, m)
            })
            .collect())
    }

    fn members_of(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<MemberRow>>> {
        let rows: Vec<MemberRow> = cluster_members::table
            .inner_join(jobcenters::table)
            .filter(cluster_members::cluster_id.eq_any(ids))
            .order(jobcenters::name)
            .select((
                cluster_members::cluster_id,
                cluster_members::jobcenter_id,
                jobcenters::name,
                cluster_members::accepted_at,
                cluster_members::left_at,
            ))
            .load(c)?;
        let mut out: HashMap<i64, Vec<MemberRow>> = HashMap::new();
        for row in rows {
            out.entry(row.0).or_default().push(row);
        }
        Ok(out)
    }

    /// The clusters a jobcenter has been invited to, as it sees them.
    pub fn of_jobcenter(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<ClusterView>> {
        let ids: Vec<i64> = cluster_members::table
            .filter(cluster_members::jobcenter_id.eq(jobcenter_id))
            .select(cluster_members::cluster_id)
            .load(c)?;
        let mut members = Self::members_of(c, &ids)?;
        let mut out: Vec<ClusterView> = clusters::table
            .filter(clusters::id.eq_any(&ids))
            .order(clusters::name)
            .select(Cluster::as_select())
            .load(c)?
            .into_iter()
            .map(|cluster| {
                let rows = members.remove(&cluster.id).unwrap_or_default();
                let standing = rows
                    .iter()
                    .find(|r| r.1 == jobcenter_id)
                    .map_or(Standing::Left, |r| Standing::of(r.3, r.4));
                ClusterView {
                    members: rows
                        .into_iter()
                        .map(|(_, _, name, acc, left)| (name, Standing::of(acc, left)))
                        .collect(),
                    standing,
                    cluster,
                }
            })
            .collect();
        out.sort_by(|a, b| a.cluster.name.cmp(&b.cluster.name));
        Ok(out)
    }

    /// The jobcenter's admin accepts an invitation: from now on it shares and sees the other
    /// members' facts. Not invited (or another jobcenter's cluster): not found; a member that
    /// left needs a new invitation.
    pub fn accept(
        c: &mut DbConn,
        jobcenter_id: i64,
        cluster_id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<Cluster, WriteError> {
        Self::change(c, jobcenter_id, cluster_id, user_id, now, true)
    }

    /// The jobcenter leaves: nothing is shared either way from this moment.
    pub fn leave(
        c: &mut DbConn,
        jobcenter_id: i64,
        cluster_id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<Cluster, WriteError> {
        Self::change(c, jobcenter_id, cluster_id, user_id, now, false)
    }

    fn change(
        c: &mut DbConn,
        jobcenter_id: i64,
        cluster_id: i64,
        user_id: i64,
        now: NaiveDateTime,
        join: bool,
    ) -> Result<Cluster, WriteError> {
        write_tx(c, |c| {
            let (id, accepted_at, left_at): (i64, Option<NaiveDateTime>, Option<NaiveDateTime>) =
                cluster_members::table
                    .filter(cluster_members::cluster_id.eq(cluster_id))
                    .filter(cluster_members::jobcenter_id.eq(jobcenter_id))
                    .select((
                        cluster_members::id,
                        cluster_members::accepted_at,
                        cluster_members::left_at,
                    ))
                    .first(c)?;
            let standing = Standing::of(accepted_at, left_at);
            let refuse = |m: &str| Err(WriteError::invalid("cluster", m));
            match (join, standing) {
                (true, Standing::Invited) => {
                    diesel::update(cluster_members::table.find(id))
                        .set(cluster_members::accepted_at.eq(now))
                        .execute(c)?;
                }
                (false, Standing::Invited | Standing::Member) => {
                    diesel::update(cluster_members::table.find(id))
                        .set(cluster_members::left_at.eq(now))
                        .execute(c)?;
                }
                (true, Standing::Member) => return refuse("Jobcentret er allerede medlem."),
                (_, Standing::Left) => {
                    return refuse(
                        "Jobcentret har forladt klyngen; det kræver en ny invitation at komme tilbage.",
                    );
                }
            }
            let cluster: Cluster = clusters::table
                .find(cluster_id)
                .select(Cluster::as_select())
                .first(c)?;
            let me: String = jobcenters::table
                .find(jobcenter_id)
                .select(jobcenters::name)
                .first(c)?;
            let details = match (join, standing) {
                (true, _) => format!(
                    "{me} har accepteret invitationen til klyngen «{}»",
                    cluster.name
                ),
                (false, Standing::Invited) => {
                    format!(
                        "{me} har afslået invitationen til klyngen «{}»",
                        cluster.name
                    )
                }
                (false, _) => format!("{me} har forladt klyngen «{}»", cluster.name),
            };
            let what = if join {
                action::CLUSTER_JOINED
            } else {
                action::CLUSTER_LEFT
            };
            NewAuditEntry {
                jobcenter_id: Some(jobcenter_id),
                user_id: Some(user_id),
                action: what,
                entity: "cluster",
                entity_id: Some(cluster_id),
                details: details.clone(),
                created_at: now,
                ..Default::default()
            }
            .insert(c)?;
            // The news reaches the members that are still in it (invited or members).
            let others: Vec<i64> = cluster_members::table
                .filter(cluster_members::cluster_id.eq(cluster_id))
                .filter(cluster_members::jobcenter_id.ne(jobcenter_id))
                .filter(cluster_members::left_at.is_null())
                .select(cluster_members::jobcenter_id)
                .load(c)?;
            log_to(c, &others, what, cluster_id, &details, now)?;
            Ok(cluster)
        })
    }
}

/// An audit row about a cluster in each of these jobcenters' logs.
fn log_to(
    c: &mut DbConn,
    jobcenter_ids: &[i64],
    what: &str,
    cluster_id: i64,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for jc in jobcenter_ids {
        NewAuditEntry {
            jobcenter_id: Some(*jc),
            action: what,
            entity: "cluster",
            entity_id: Some(cluster_id),
            details: details.to_string(),
            created_at: now,
            ..Default::default()
        }
        .insert(c)?;
    }
    Ok(())
}

/// The jobcenters this one shares with now: members of a cluster it is a member of, that
/// have accepted and not left. Empty for a jobcenter in no cluster.
pub fn partners(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for cluster in clusters_now(c, jobcenter_id)? {
        let members = members_now(c, cluster.id)?;
        out.extend(members.into_iter().filter(|(id, _)| *id != jobcenter_id));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What a partner knows of a company: the facts a cluster shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownByPartner {
    pub jobcenter: String,
    /// The fixed contact there: name, phone, e-mail.
    pub fixed_contact: Option<(String, String, String)>,
    pub last_contact_on: Option<NaiveDate>,
    pub on_running_campaign: bool,
}

/// The partners that have this company (CVR number, and P-number where both know it) in
/// their registers, with the facts a cluster shares — nothing else of theirs is read.
pub fn known_by_partners(
    c: &mut DbConn,
    jobcenter_id: i64,
    cvr: &str,
    p_number: Option<&str>,
) -> QueryResult<Vec<KnownByPartner>> {
    let partners = partners(c, jobcenter_id)?;
    if partners.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = partners.iter().map(|(id, _)| *id).collect();
    type Row = (i64, i64, Option<String>, Option<i64>, Option<NaiveDate>);
    let rows: Vec<Row> = companies::table
        .filter(companies::jobcenter_id.eq_any(&ids))
        .filter(companies::cvr.eq(cvr))
        .select((
            companies::id,
            companies::jobcenter_id,
            companies::p_number,
            companies::fixed_contact_id,
            companies::last_contact_on,
        ))
        .load(c)?;
    let mut out = Vec::new();
    for (company_id, jc, their_p, contact, last_contact_on) in rows {
        // Two different P-numbers are two workplaces of one company.
        if let (Some(mine), Some(theirs)) = (p_number, their_p.as_deref())
            && mine != theirs
        {
            continue;
        }
        let fixed_contact = match contact {
            // A former colleague's details are not shared.
            Some(uid) => users::table
                .filter(users::id.eq(uid))
                .filter(users::jobcenter_id.eq(jc))
                .filter(users::active.eq(true))
                .select((users::name, users::phone, users::email))
                .first(c)
                .optional()?,
            None => None,
        };
        let running: i64 = campaign_targets::table
            .inner_join(campaigns::table)
            .filter(campaign_targets::company_id.eq(company_id))
            .filter(campaigns::status.eq(CampaignStatus::Running))
            .count()
            .get_result(c)?;
        let name = partners
            .iter()
            .find(|(id, _)| *id == jc)
            .map_or_else(String::new, |(_, n)| n.clone());
        out.push(KnownByPartner {
            jobcenter: name,
            fixed_contact,
            last_contact_on,
            on_running_campaign: running > 0,
        });
    }
    out.sort_by(|a, b| a.jobcenter.cmp(&b.jobcenter));
    Ok(out)
}

/// The members of a cluster now (accepted, not left), by name.
pub fn members_now(c: &mut DbConn, cluster_id: i64) -> QueryResult<Vec<(i64, String)>> {
    cluster_members::table
        .inner_join(jobcenters::table)
        .filter(cluster_members::cluster_id.eq(cluster_id))
        .filter(cluster_members::accepted_at.is_not_null())
        .filter(cluster_members::left_at.is_null())
        .order(jobcenters::name)
        .select((jobcenters::id, jobcenters::name))
        .load(c)
}

/// The clusters a jobcenter is a member of now (accepted, not left).
pub fn clusters_now(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<Cluster>> {
    clusters::table
        .inner_join(cluster_members::table)
        .filter(cluster_members::jobcenter_id.eq(jobcenter_id))
        .filter(cluster_members::accepted_at.is_not_null())
        .filter(cluster_members::left_at.is_null())
        .order(clusters::name)
        .select(Cluster::as_select())
        .load(c)
}

/// A cluster the jobcenter is a member of now; not found otherwise (an outsider, a member
/// that was only invited or has left).
pub fn find_now(c: &mut DbConn, jobcenter_id: i64, cluster_id: i64) -> QueryResult<Cluster> {
    clusters_now(c, jobcenter_id)?
        .into_iter()
        .find(|k| k.id == cluster_id)
        .ok_or(diesel::result::Error::NotFound)
}

/// One member's work in a period, as the cluster's figures count it: numbers only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFigures {
    pub jobcenter: String,
    pub visits: i64,
    /// Distinct companies contacted (any kind of activity).
    pub companies: i64,
    /// Placements started, per kind in the order of [`PlacementKind::ALL`].
    pub placements: Vec<(PlacementKind, i64)>,
    pub placements_total: i64,
}

/// Every current member's visits, companies contacted and placements started in `period`,
/// for a member's managers; not found for anyone else. The last line is the total.
pub fn figures(
    c: &mut DbConn,
    jobcenter_id: i64,
    cluster_id: i64,
    period: &Period,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<(Cluster, Vec<MemberFigures>)> {
    let cluster = find_now(c, jobcenter_id, cluster_id)?;
    let mut out = Vec::new();
    let mut total = MemberFigures {
        jobcenter: "I alt".into(),
        placements: PlacementKind::ALL.iter().map(|k| (*k, 0)).collect(),
        ..Default::default()
    };
    for (member, name) in members_now(c, cluster_id)? {
        let settings = Settings::get(c, member)?;
        let Some(f) = Overview::figures(c, member, &[*period], today, now, &settings)?.pop() else {
            continue;
        };
        let line = MemberFigures {
            jobcenter: name,
            visits: f.work.of_kind(ActivityKind::Visit),
            companies: f.work.companies_contacted,
            placements: f.placements.started_by_kind.clone(),
            placements_total: f.placements.started,
        };
        total.visits += line.visits;
        total.companies += line.companies;
        total.placements_total += line.placements_total;
        for ((_, sum), (_, n)) in total.placements.iter_mut().zip(&line.placements) {
            *sum += n;
        }
        out.push(line);
    }
    out.push(total);
    Ok((cluster, out))
}
