//! Regional campaigns: one campaign for a cluster of jobcenters. A manager of one member
//! creates it; each member that joins runs its own campaign under it (its own companies,
//! consultants, goal and status, sealed off like any campaign), and the managers of the
//! members see how far each member and all of them together have come — counts only.
//!
//! A member that leaves the cluster keeps its own campaign, sees no one else's progress and
//! is no longer counted in the others'.

use super::*;
use crate::db::schema::regional_campaigns;
use crate::models::cluster::{self, Cluster};

/// Why a jobcenter cannot join a regional campaign twice.
pub(super) const ALREADY_JOINED: &str = "Jobcentret er allerede med i den regionale kampagne.";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = regional_campaigns)]
pub struct RegionalCampaign {
    pub id: i64,
    pub cluster_id: i64,
    /// The member whose manager created it.
    pub jobcenter_id: i64,
    pub name: String,
    pub purpose: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// A regional campaign a member may join, as its managers see it on the campaign list.
#[derive(Debug, Clone)]
pub struct Joinable {
    pub regional: RegionalCampaign,
    pub cluster: String,
    /// The members already on it, by name.
    pub members: Vec<String>,
}

/// One member's part of a regional campaign: counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProgress {
    pub jobcenter: String,
    /// This jobcenter's own campaign.
    pub own: bool,
    pub status: Option<CampaignStatus>,
    pub goal: i64,
    pub targets: i64,
    pub reached: i64,
    pub agreements: i64,
    pub placements: i64,
}

impl MemberProgress {
    pub fn percent(&self) -> i64 {
        percent(self.reached, self.goal)
    }
}

/// The committee view of a regional campaign: every current member's progress, the total
/// and the burn-up of all of them together over the regional campaign's weeks.
#[derive(Debug, Clone)]
pub struct Committee {
    pub regional: RegionalCampaign,
    pub cluster: String,
    pub members: Vec<MemberProgress>,
    pub total: MemberProgress,
    pub weeks: Vec<WeekPoint>,
}

impl RegionalCampaign {
    /// A regional campaign of a cluster the jobcenter is a member of now; not found otherwise.
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<RegionalCampaign> {
        let regional: RegionalCampaign = regional_campaigns::table
            .find(id)
            .select(RegionalCampaign::as_select())
            .first(c)?;
        cluster::find_now(c, jobcenter_id, regional.cluster_id)?;
        Ok(regional)
    }

    /// Opens a regional campaign in a cluster the jobcenter is a member of (inside the
    /// creation of the jobcenter's own campaign under it).
    pub(super) fn open(
        c: &mut DbConn,
        jobcenter_id: i64,
        cluster_id: i64,
        input: &CampaignInput,
        now: NaiveDateTime,
    ) -> Result<i64, WriteError> {
        let Ok(cluster) = cluster::find_now(c, jobcenter_id, cluster_id) else {
            return Err(WriteError::invalid(
                "cluster",
                "Vælg en klynge, jobcentret er medlem af.",
            ));
        };
        Ok(diesel::insert_into(regional_campaigns::table)
            .values((
                regional_campaigns::cluster_id.eq(cluster.id),
                regional_campaigns::jobcenter_id.eq(jobcenter_id),
                regional_campaigns::name.eq(&input.name),
                regional_campaigns::purpose.eq(&input.purpose),
                regional_campaigns::start_on.eq(input.start_on),
                regional_campaigns::end_on.eq(input.end_on),
                regional_campaigns::created_at.eq(now),
            ))
            .returning(regional_campaigns::id)
            .get_result(c)?)
    }

    /// Checks that the jobcenter may join `id` (a member of its cluster now, not on it yet).
    pub(super) fn check_joinable(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
    ) -> Result<RegionalCampaign, WriteError> {
        let Ok(regional) = Self::find(c, jobcenter_id, id) else {
            return Err(WriteError::invalid(
                "regional",
                "Den regionale kampagne findes ikke i jobcentrets klynger.",
            ));
        };
        let joined: i64 = campaigns::table
            .filter(campaigns::regional_campaign_id.eq(id))
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .count()
            .get_result(c)?;
        if joined > 0 {
            return Err(WriteError::invalid("regional", ALREADY_JOINED));
        }
        Ok(regional)
    }

    /// The creator's edits of its own campaign carry the shared name, purpose and period.
    pub(super) fn follow(
        c: &mut DbConn,
        campaign: &Campaign,
        input: &CampaignInput,
    ) -> QueryResult<()> {
        let Some(id) = campaign.regional_campaign_id else {
            return Ok(());
        };
        // A creator that has left the cluster no longer speaks for it.
        let regional = match Self::find(c, campaign.jobcenter_id, id) {
            Ok(r) => r,
            Err(diesel::result::Error::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        };
        diesel::update(
            regional_campaigns::table
                .filter(regional_campaigns::id.eq(regional.id))
                .filter(regional_campaigns::jobcenter_id.eq(campaign.jobcenter_id)),
        )
        .set((
            regional_campaigns::name.eq(&input.name),
            regional_campaigns::purpose.eq(&input.purpose),
            regional_campaigns::start_on.eq(input.start_on),
            regional_campaigns::end_on.eq(input.end_on),
        ))
        .execute(c)
        .map(drop)
    }

    /// The regional campaigns of the jobcenter's clusters it has not joined, that have not
    /// ended by `today`.
    pub fn joinable(
        c: &mut DbConn,
        jobcenter_id: i64,
        today: NaiveDate,
    ) -> QueryResult<Vec<Joinable>> {
        let clusters = cluster::clusters_now(c, jobcenter_id)?;
        if clusters.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = clusters.iter().map(|k| k.id).collect();
        let joined = campaigns::table
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::regional_campaign_id.is_not_null())
            .select(campaigns::regional_campaign_id.assume_not_null());
        let open: Vec<RegionalCampaign> = regional_campaigns::table
            .filter(regional_campaigns::cluster_id.eq_any(&ids))
            .filter(regional_campaigns::end_on.ge(today))
            .filter(regional_campaigns::id.ne_all(joined))
            .order((regional_campaigns::start_on, regional_campaigns::id))
            .select(RegionalCampaign::as_select())
            .load(c)?;
        let mut out = Vec::with_capacity(open.len());
        for regional in open {
            let cluster = clusters
                .iter()
                .find(|k| k.id == regional.cluster_id)
                .map_or_else(String::new, |k| k.name.clone());
            let members = Self::participants(c, &regional)?
                .into_iter()
                .map(|(_, name, _)| name)
                .collect();
            out.push(Joinable {
                regional,
                cluster,
                members,
            });
        }
        Ok(out)
    }

    /// The members' campaigns under a regional campaign, of the members of its cluster now:
    /// (jobcenter id, jobcenter name, campaign).
    fn participants(
        c: &mut DbConn,
        regional: &RegionalCampaign,
    ) -> QueryResult<Vec<(i64, String, Campaign)>> {
        let members = cluster::members_now(c, regional.cluster_id)?;
        let ids: Vec<i64> = members.iter().map(|(id, _)| *id).collect();
        let rows: Vec<Campaign> = campaigns::table
            .filter(campaigns::regional_campaign_id.eq(regional.id))
            .filter(campaigns::jobcenter_id.eq_any(&ids))
            .select(Campaign::as_select())
            .load(c)?;
        // In the members' order, by name.
        Ok(members
            .into_iter()
            .filter_map(|(jc, name)| {
                let campaign = rows.iter().find(|k| k.jobcenter_id == jc)?.clone();
                Some((jc, name, campaign))
            })
            .collect())
    }
}

impl Committee {
    /// The committee view of the regional campaign `campaign` runs under, when its
    /// jobcenter is a member of the cluster now; none for any other campaign.
    pub fn of(
        c: &mut DbConn,
        campaign: &Campaign,
        today: NaiveDate,
    ) -> QueryResult<Option<Committee>> {
        let Some(regional_id) = campaign.regional_campaign_id else {
            return Ok(None);
        };
        let regional = match RegionalCampaign::find(c, campaign.jobcenter_id, regional_id) {
            Ok(r) => r,
            Err(diesel::result::Error::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let cluster: Cluster = crate::db::schema::clusters::table
            .find(regional.cluster_id)
            .select(Cluster::as_select())
            .first(c)?;
        let participants = RegionalCampaign::participants(c, &regional)?;
        let ids: Vec<i64> = participants.iter().map(|(_, _, k)| k.id).collect();
        let counts: Vec<(i64, TargetStatus, i64)> = campaign_status_counts::table
            .filter(campaign_status_counts::campaign_id.eq_any(&ids))
            .filter(campaign_status_counts::n.gt(0))
            .select((
                campaign_status_counts::campaign_id,
                campaign_status_counts::status,
                campaign_status_counts::n,
            ))
            .load(c)?;
        let visits: Vec<(NaiveDate, i64)> = campaign_visit_counts::table
            .filter(campaign_visit_counts::campaign_id.eq_any(&ids))
            .filter(campaign_visit_counts::n.gt(0))
            .select((campaign_visit_counts::visited_on, campaign_visit_counts::n))
            .load(c)?;
        let mut members = Vec::with_capacity(participants.len());
        let mut total = MemberProgress {
            jobcenter: "I alt".into(),
            ..Default::default()
        };
        // Each placement names its campaign, which is its jobcenter's own.
        let placed: Vec<Option<i64>> = placements::table
            .filter(placements::campaign_id.eq_any(&ids))
            .select(placements::campaign_id)
            .load(c)?;
        for (jc, name, k) in participants {
            let sum = |keep: &dyn Fn(TargetStatus) -> bool| -> i64 {
                counts
                    .iter()
                    .filter(|(id, s, _)| *id == k.id && keep(*s))
                    .map(|(_, _, n)| n)
                    .sum()
            };
            let placements = placed.iter().filter(|p| **p == Some(k.id)).count() as i64;
            let member = MemberProgress {
                jobcenter: name,
                own: jc == campaign.jobcenter_id,
                status: Some(k.status),
                goal: i64::from(k.target_companies),
                targets: sum(&|_| true),
                reached: sum(&TargetStatus::reached),
                agreements: sum(&|s| s == TargetStatus::Agreement),
                placements,
            };
            total.goal += member.goal;
            total.targets += member.targets;
            total.reached += member.reached;
            total.agreements += member.agreements;
            total.placements += member.placements;
            members.push(member);
        }
        let weeks = progress::weeks(
            regional.start_on,
            regional.end_on,
            total.goal,
            &visits,
            today,
        );
        Ok(Some(Committee {
            cluster: cluster.name,
            regional,
            members,
            total,
            weeks,
        }))
    }
}
