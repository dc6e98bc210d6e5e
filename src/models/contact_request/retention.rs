//! Retention: closed requests and spam older than the jobcenter keeps them are deleted.

use super::*;

/// What the retention job deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub closed: usize,
    pub spam: usize,
}

impl ContactRequest {
    /// The daily retention job: in each jobcenter, deletes closed requests closed longer ago
    /// than its retention setting (months) and spam received longer ago than its spam setting
    /// (days), with their logs, and notes the numbers in the audit log.
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Purged> {
        let mut total = Purged::default();
        for jobcenter in Jobcenter::all(c)? {
            let settings = Settings::get(c, jobcenter.id)?;
            let months = Months::new(settings.request_retention_months.max(1) as u32);
            let closed_before = now.checked_sub_months(months).unwrap_or(now);
            let spam_before = now - TimeDelta::days(settings.spam_retention_days.max(1).into());
            let purged = write_tx(c, |c| {
                let closed = diesel::delete(
                    contact_requests::table
                        .filter(contact_requests::jobcenter_id.eq(jobcenter.id))
                        .filter(contact_requests::status.eq(RequestStatus::Closed))
                        .filter(contact_requests::closed_at.lt(closed_before)),
                )
                .execute(c)?;
                let spam = diesel::delete(
                    contact_requests::table
                        .filter(contact_requests::jobcenter_id.eq(jobcenter.id))
                        .filter(contact_requests::status.eq(RequestStatus::Spam))
                        .filter(contact_requests::received_at.lt(spam_before)),
                )
                .execute(c)?;
                if closed + spam > 0 {
                    NewAuditEntry {
                        jobcenter_id: Some(jobcenter.id),
                        action: action::REQUESTS_DELETED,
                        entity: "contact_request",
                        details: format!(
                            "{closed} lukkede og {spam} spam slettet efter opbevaringsreglerne"
                        ),
                        created_at: now,
                        ..Default::default()
                    }
                    .insert(c)?;
                }
                Ok::<_, diesel::result::Error>(Purged { closed, spam })
            })?;
            total.closed += purged.closed;
            total.spam += purged.spam;
        }
        Ok(total)
    }
}
