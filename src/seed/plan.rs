//! The plan: every company, campaign and target, and how many activities each company gets on
//! which days, drawn in memory before anything is written, so that derived columns come out
//! right the first time.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use rand::rngs::StdRng;

use super::data::{self, CampaignTheme, Industry, Postcode};
use super::{HISTORY_DAYS, SeedOptions, Staff};
use crate::domain::{cvr, dates, text};
use crate::models::activity::{ActivityKind, Outcome, Topic};
use crate::models::campaign::{CampaignStatus, TargetStatus};
use crate::models::company::{CompanyStatus, EmployeeBand};
use crate::models::placement::PlacementKind;

/// A generator of its own for each kind of data, all from the one seed.
pub(super) fn rng_for(seed: u64, stream: u64) -> StdRng {
    StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ stream)
}

pub(super) const STREAM_COMPANIES: u64 = 1;
pub(super) const STREAM_CAMPAIGNS: u64 = 2;
pub(super) const STREAM_ACTIVITY_PLAN: u64 = 3;
pub(super) const STREAM_CONTACTS: u64 = 4;
pub(super) const STREAM_ACTIVITIES: u64 = 5;
pub(super) const STREAM_PLACEMENTS: u64 = 6;
pub(super) const STREAM_REQUESTS: u64 = 7;

pub(super) struct PlannedCompany {
    pub(super) cvr: String,
    pub(super) p_number: Option<String>,
    pub(super) name: String,
    pub(super) address: String,
    pub(super) postcode: &'static Postcode,
    pub(super) industry: &'static Industry,
    pub(super) employees: Option<EmployeeBand>,
    pub(super) phone: String,
    pub(super) email: String,
    pub(super) website: String,
    pub(super) status: CompanyStatus,
    pub(super) fixed_contact_id: Option<i64>,
    pub(super) notes: &'static str,
    pub(super) created_at: NaiveDateTime,
    pub(super) last_contact_on: Option<NaiveDate>,
    /// The company's web domain, for its people's e-mail addresses.
    pub(super) domain: String,
}

pub(super) struct PlannedCampaign {
    pub(super) theme: &'static CampaignTheme,
    pub(super) name: String,
    pub(super) start_on: NaiveDate,
    pub(super) end_on: NaiveDate,
    pub(super) status: CampaignStatus,
    pub(super) target_companies: i32,
    pub(super) target_placements: Option<i32>,
    pub(super) consultants: Vec<i64>,
    pub(super) targets: Vec<PlannedTarget>,
    pub(super) created_at: NaiveDateTime,
}

pub(super) struct PlannedTarget {
    pub(super) company: usize,
    pub(super) assigned_to: i64,
    pub(super) status: TargetStatus,
    pub(super) contacted_on: Option<NaiveDate>,
    pub(super) visited_on: Option<NaiveDate>,
    pub(super) last_activity_on: Option<NaiveDate>,
}

/// An activity a campaign target's progress rests on.
#[derive(Clone, Copy)]
pub(super) struct CampaignAct {
    pub(super) company: usize,
    pub(super) campaign: usize,
    pub(super) on: NaiveDate,
    pub(super) kind: ActivityKind,
    pub(super) outcome: Option<Outcome>,
    pub(super) user_id: i64,
}

/// The placement that made a target an agreement.
pub(super) struct AgreementPlacement {
    pub(super) company: usize,
    pub(super) campaign: usize,
    pub(super) user_id: i64,
    pub(super) kind: PlacementKind,
    pub(super) start_on: NaiveDate,
}

pub(super) struct Plan {
    pub(super) companies: Vec<PlannedCompany>,
    /// Days (after `first_day`) of each company's activities outside campaigns, ascending per
    /// company; company `i` owns `days[day_ranges[i]..day_ranges[i + 1]]`.
    pub(super) days: Vec<u16>,
    pub(super) day_ranges: Vec<usize>,
    pub(super) first_day: NaiveDate,
    /// Sorted by company, then date.
    pub(super) acts: Vec<CampaignAct>,
    pub(super) campaigns: Vec<PlannedCampaign>,
    pub(super) agreements: Vec<AgreementPlacement>,
}

impl Plan {
    pub(super) fn make(
        opts: &SeedOptions,
        staff: &Staff,
        today: NaiveDate,
        now: NaiveDateTime,
        taken_cvrs: &mut HashSet<String>,
        taken_p_numbers: &mut HashSet<String>,
    ) -> Plan {
        let mut rng = rng_for(opts.seed, STREAM_COMPANIES);
        let mut companies: Vec<PlannedCompany> = Vec::with_capacity(opts.companies);
        let words = CompanyGen::new();
        for _ in 0..opts.companies {
            companies.push(words.company(&mut rng, staff, now, taken_cvrs, taken_p_numbers));
        }

        let mut rng = rng_for(opts.seed, STREAM_CAMPAIGNS);
        let (campaigns, mut acts, agreements) = plan_campaigns(
            &mut rng,
            opts.campaigns,
            &companies,
            staff,
            today,
            now,
            opts.activities / 2,
            opts.placements,
        );
        acts.sort_by_key(|a| (a.company, a.on));

        let mut rng = rng_for(opts.seed, STREAM_ACTIVITY_PLAN);
        let first_day = today - Days::new(u64::from(HISTORY_DAYS));
        let counts = activity_counts(&mut rng, companies.len(), opts.activities - acts.len());
        let mut days = Vec::with_capacity(opts.activities - acts.len());
        let mut day_ranges = Vec::with_capacity(companies.len() + 1);
        day_ranges.push(0);
        for count in &counts {
            let start = days.len();
            for _ in 0..*count {
                days.push(weekday_offset(&mut rng, first_day));
            }
            days[start..].sort_unstable();
            day_ranges.push(days.len());
        }

        // The latest activity of each company, campaign activities included.
        let mut act_at = 0;
        for (i, company) in companies.iter_mut().enumerate() {
            let mut last = (day_ranges[i] < day_ranges[i + 1])
                .then(|| first_day + Days::new(u64::from(days[day_ranges[i + 1] - 1])));
            while act_at < acts.len() && acts[act_at].company == i {
                last = last.max(Some(acts[act_at].on));
                act_at += 1;
            }
            company.last_contact_on = last;
            let recent = last.is_some_and(|d| (today - d).num_days() <= 365);
            company.status = match last {
                None if rng.gen_bool(0.9) => CompanyStatus::Prospect,
                None => CompanyStatus::Inactive,
                Some(_) if recent && rng.gen_bool(0.92) => CompanyStatus::Active,
                Some(_) if recent => CompanyStatus::Prospect,
                Some(_) if rng.gen_bool(0.5) => CompanyStatus::Active,
                Some(_) => CompanyStatus::Inactive,
            };
        }
        Plan {
            companies,
            days,
            day_ranges,
            first_day,
            acts,
            campaigns,
            agreements,
        }
    }
}

/// A day in the history window, weighted toward recent months, on a weekday (consultants do
/// not visit on weekends).
pub(super) fn weekday_offset(rng: &mut StdRng, first_day: NaiveDate) -> u16 {
    let x: f64 = rng.r#gen::<f64>().powf(0.8);
    let mut day = ((x * f64::from(HISTORY_DAYS + 1)) as u16).min(HISTORY_DAYS);
    match (first_day + Days::new(u64::from(day))).weekday() {
        Weekday::Sat if day >= 1 => day -= 1,
        Weekday::Sat => day += 2,
        Weekday::Sun if day >= 2 => day -= 2,
        Weekday::Sun => day += 1,
        _ => {}
    }
    day
}

/// How many activities (outside campaigns) each company gets: the first company thousands (a
/// long timeline for the benchmarks), the next four a third of that, the rest by a skewed
/// weight: some companies never, most a few times, some often.
pub(super) fn activity_counts(rng: &mut StdRng, companies: usize, total: usize) -> Vec<usize> {
    let mut counts = vec![0usize; companies];
    if companies == 0 || total == 0 {
        return counts;
    }
    let heavy = if total >= 100_000 {
        3_000
    } else {
        total * 3 / 100
    };
    let mut left = total;
    for (i, count) in counts.iter_mut().enumerate().take(5) {
        let want = if i == 0 { heavy } else { heavy / 3 };
        *count = want.min(left);
        left -= *count;
    }
    let rest = companies.saturating_sub(5);
    if rest == 0 {
        counts[0] += left;
        return counts;
    }
    let weights: Vec<u64> = (0..rest)
        .map(|_| match rng.gen_range(0..100) {
            0..=17 => 0,
            18..=62 => 1,
            63..=89 => 3,
            _ => 10,
        })
        .collect();
    let weight_sum: u64 = weights.iter().sum();
    let (weights, weight_sum) = if weight_sum == 0 {
        (vec![1; rest], rest as u64)
    } else {
        (weights, weight_sum)
    };
    let mut given = 0;
    for (count, w) in counts[5..].iter_mut().zip(&weights) {
        *count = (left as u64 * w / weight_sum) as usize;
        given += *count;
    }
    // The remainder, one each, from a random place onward among those that get any.
    let mut i = rng.gen_range(0..rest);
    while given < left {
        if weights[i] > 0 {
            counts[5 + i] += 1;
            given += 1;
        }
        i = (i + 1) % rest;
    }
    counts
}

/// Word lists with their weights, ready to draw from.
pub(super) struct CompanyGen {
    pub(super) industries: WeightedIndex<u32>,
    pub(super) postcodes: WeightedIndex<u32>,
    pub(super) forms: WeightedIndex<u32>,
    pub(super) bands: WeightedIndex<u32>,
}

pub(super) const LEGAL_FORMS: &[(&str, u32)] = &[
    ("ApS", 45),
    ("", 25),
    ("A/S", 12),
    ("I/S", 8),
    ("P/S", 3),
    ("K/S", 2),
];

/// None, then the bands from 1–4 to 250+.
pub(super) const BAND_WEIGHTS: &[u32] = &[3, 33, 22, 17, 13, 6, 4, 2];

impl CompanyGen {
    pub(super) fn new() -> CompanyGen {
        CompanyGen {
            industries: WeightedIndex::new(data::INDUSTRIES.iter().map(|i| i.weight))
                .expect("industry weights"),
            postcodes: WeightedIndex::new(data::POSTCODES.iter().map(|p| p.weight))
                .expect("postcode weights"),
            forms: WeightedIndex::new(LEGAL_FORMS.iter().map(|f| f.1)).expect("form weights"),
            bands: WeightedIndex::new(BAND_WEIGHTS.iter().copied()).expect("band weights"),
        }
    }

    pub(super) fn company(
        &self,
        rng: &mut StdRng,
        staff: &Staff,
        now: NaiveDateTime,
        taken_cvrs: &mut HashSet<String>,
        taken_p_numbers: &mut HashSet<String>,
    ) -> PlannedCompany {
        let industry = &data::INDUSTRIES[self.industries.sample(rng)];
        let postcode = &data::POSTCODES[self.postcodes.sample(rng)];
        let form = LEGAL_FORMS[self.forms.sample(rng)].0;
        let (name, sole_trader) = company_name(rng, industry, postcode);
        let name = match (sole_trader, form) {
            (true, _) | (false, "") => name,
            (false, form) => format!("{name} {form}"),
        };
        let cvr = new_cvr(rng, taken_cvrs);
        let p_number = rng.gen_bool(0.12).then(|| {
            loop {
                let p = format!("1{:09}", rng.gen_range(0..1_000_000_000u32));
                if taken_p_numbers.insert(p.clone()) {
                    break p;
                }
            }
        });
        let street = data::STREETS.choose(rng).expect("streets");
        let mut address = format!("{street} {}", rng.gen_range(1..=180));
        if rng.gen_bool(0.08) {
            address.push(*['A', 'B', 'C'].choose(rng).expect("letters"));
        }
        let mut band = self.bands.sample(rng);
        if band > 0 && (industry.big || form == "A/S") {
            band = (band + rng.gen_range(1..=2)).min(BAND_WEIGHTS.len() - 1);
        }
        let employees = band.checked_sub(1).map(|b| EmployeeBand::ALL[b]);
        let domain = domain_of(&name);
        let phone = if rng.gen_bool(0.85) {
            phone_number(rng, data::LANDLINE_PREFIXES)
        } else {
            phone_number(rng, data::MOBILE_PREFIXES)
        };
        let email = match rng.gen_range(0..100) {
            0..=49 => format!("info@{domain}"),
            50..=69 => format!("kontakt@{domain}"),
            70..=84 => format!(
                "{}@{domain}",
                ascii_fold(data::FIRST_NAMES.choose(rng).expect("names"))
            ),
            _ => String::new(),
        };
        let website = if rng.gen_bool(0.6) {
            format!("https://www.{domain}")
        } else {
            String::new()
        };
        let fixed_contact_id = rng.gen_bool(0.8).then(|| staff.consultant(rng).id);
        let notes = if rng.gen_bool(0.2) {
            data::COMPANY_NOTES.choose(rng).expect("notes")
        } else {
            ""
        };
        let created_at = now
            - TimeDelta::days(rng.gen_range(i64::from(HISTORY_DAYS) + 5..3_000))
            - TimeDelta::minutes(rng.gen_range(0..600));
        PlannedCompany {
            cvr,
            p_number,
            name,
            address,
            postcode,
            industry,
            employees,
            phone,
            email,
            website,
            status: CompanyStatus::Prospect,
            fixed_contact_id,
            notes,
            created_at,
            last_contact_on: None,
            domain,
        }
    }
}

/// A valid CVR number not yet used in the jobcenter. The range is where most real ones lie.
pub(super) fn new_cvr(rng: &mut StdRng, taken: &mut HashSet<String>) -> String {
    loop {
        if let Some(cvr) = cvr::complete_cvr(rng.gen_range(1_000_000..=4_599_999))
            && taken.insert(cvr.clone())
        {
            return cvr;
        }
    }
}

/// "Hansens" from "Hansen"; "Mads'" from "Mads".
pub(super) fn genitive(name: &str) -> String {
    if name.ends_with(['s', 'x', 'z']) {
        format!("{name}'")
    } else {
        format!("{name}s")
    }
}

/// A Danish company name without its legal form, and whether it is a sole trader's name
/// ("Frisør v/ Mette Hansen"), which takes none.
pub(super) fn company_name(
    rng: &mut StdRng,
    industry: &Industry,
    postcode: &Postcode,
) -> (String, bool) {
    let trade = *industry.trades.choose(rng).expect("trades");
    let surname = *data::SURNAMES.choose(rng).expect("surnames");
    let first = *data::FIRST_NAMES.choose(rng).expect("first names");
    let place = if !postcode.city.contains(' ') && rng.gen_bool(0.3) {
        postcode.city
    } else {
        data::NAME_PLACES.choose(rng).expect("places")
    };
    match rng.gen_range(0..100) {
        0..=29 => (format!("{} {trade}", genitive(surname)), false),
        30..=54 => (format!("{place} {trade}"), false),
        55..=66 => {
            let other = *data::SURNAMES.choose(rng).expect("surnames");
            (format!("{surname} & {other}"), false)
        }
        67..=81 => {
            let adjective = data::NAME_ADJECTIVES.choose(rng).expect("adjectives");
            (format!("{adjective} {trade}"), false)
        }
        82..=92 => (format!("{trade} v/ {first} {surname}"), true),
        _ => (format!("{first} {} {trade}", genitive(surname)), false),
    }
}

/// æ, ø, å and friends spelt the way Danes write them in addresses: "ae", "oe", "aa".
pub(super) fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' => out.push('e'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// "Hansens Bageri ApS" → "hansens-bageri.dk".
pub(super) fn domain_of(name: &str) -> String {
    let words: Vec<String> = ascii_fold(name)
        .split_whitespace()
        .filter(|w| !matches!(*w, "aps" | "a" | "s" | "i" | "p" | "k" | "v"))
        .map(str::to_string)
        .collect();
    let mut domain = words.join("-");
    domain.truncate(40);
    let domain = domain.trim_end_matches('-');
    format!("{domain}.dk")
}

/// "56 63 12 34".
pub(super) fn phone_number(rng: &mut StdRng, prefixes: &[&str]) -> String {
    let prefix = prefixes.choose(rng).expect("prefixes");
    format!(
        "{prefix} {:02} {:02} {:02}",
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    )
}

/// A random day from `from` to `to` (both included), moved off weekends within the range.
pub(super) fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    let mut d = from + Days::new(rng.gen_range(0..=span) as u64);
    for _ in 0..2 {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            if d > from {
                d = d - Days::new(1);
            } else if d < to {
                d = d + Days::new(1);
            }
        }
    }
    d
}

pub(super) fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Days::new(u64::from(d.weekday().num_days_from_monday()))
}

/// Campaigns over the history window: the first is running now (with 500 companies on its
/// list when there are 5,000 or more), one lies ahead, the rest are done. Targets are split
/// evenly between three consultants; how far each has come follows from the time the campaign
/// has run, and rests on campaign activities (within `act_budget`) and, for agreements, a
/// placement (within `placement_budget`).
#[allow(clippy::too_many_arguments)]
pub(super) fn plan_campaigns(
    rng: &mut StdRng,
    count: usize,
    companies: &[PlannedCompany],
    staff: &Staff,
    today: NaiveDate,
    now: NaiveDateTime,
    act_budget: usize,
    placement_budget: usize,
) -> (
    Vec<PlannedCampaign>,
    Vec<CampaignAct>,
    Vec<AgreementPlacement>,
) {
    let mut campaigns = Vec::with_capacity(count);
    let mut acts = Vec::new();
    let mut agreements = Vec::new();
    let n = companies.len();
    for k in 0..count {
        let theme = &data::CAMPAIGN_THEMES[k % data::CAMPAIGN_THEMES.len()];
        let (start_on, weeks) = if k == 0 {
            (monday_of(today) - Days::new(35), 10)
        } else if k == count - 1 && count >= 3 {
            (
                monday_of(today) + Days::new(7 * rng.gen_range(2..=6)),
                rng.gen_range(6..=10),
            )
        } else {
            let back = rng.gen_range(10..=150);
            (
                monday_of(today) - Days::new(7 * back),
                rng.gen_range(4..=12).min(back),
            )
        };
        let end_on = start_on + Days::new(7 * weeks - 1);
        let status = if start_on > today {
            CampaignStatus::Planned
        } else if end_on < today {
            CampaignStatus::Done
        } else {
            CampaignStatus::Running
        };
        let size = if k == 0 {
            if n >= 5_000 {
                500
            } else {
                (n / 10).clamp(1, 50)
            }
        } else {
            rng.gen_range(20..=80)
        }
        .min(n);
        let nc = staff.consultants.len();
        let consultants: Vec<i64> = (0..nc.min(3))
            .map(|j| staff.members[staff.consultants[(k * 3 + j) % nc]].id)
            .collect();
        let mut chosen: Vec<usize> = rand::seq::index::sample(rng, n, size).into_vec();
        // Split evenly in name order, as "Fordel ligeligt" does.
        chosen.sort_by_cached_key(|i| (text::sort_key(&companies[*i].name), *i));
        let progress = match status {
            CampaignStatus::Planned => 0.0,
            CampaignStatus::Done => 0.85,
            CampaignStatus::Running => {
                let total = (end_on - start_on).num_days().max(1) as f64;
                0.9 * (today - start_on).num_days() as f64 / total
            }
        };
        let window_end = end_on.min(today);
        let mut targets = Vec::with_capacity(size);
        for (j, company) in chosen.into_iter().enumerate() {
            let assigned_to = consultants[j % consultants.len()];
            let mut target = PlannedTarget {
                company,
                assigned_to,
                status: TargetStatus::NotContacted,
                contacted_on: None,
                visited_on: None,
                last_activity_on: None,
            };
            if window_end >= start_on && rng.gen_bool(progress) {
                let reached = match rng.gen_range(0..100) {
                    0..=34 => TargetStatus::Contacted,
                    35..=64 => TargetStatus::Visited,
                    65..=79 => TargetStatus::Interested,
                    80..=89 => TargetStatus::Agreement,
                    _ => TargetStatus::Declined,
                };
                let needs = if matches!(reached, TargetStatus::Contacted | TargetStatus::Declined) {
                    1
                } else {
                    2
                };
                if acts.len() + needs <= act_budget {
                    let first = day_between(rng, start_on, window_end);
                    let call = |on, kind, outcome| CampaignAct {
                        company,
                        campaign: k,
                        on,
                        kind,
                        outcome,
                        user_id: assigned_to,
                    };
                    target.status = reached;
                    target.contacted_on = Some(first);
                    target.last_activity_on = Some(first);
                    let kind = if rng.gen_bool(0.7) {
                        ActivityKind::Phone
                    } else {
                        ActivityKind::Mail
                    };
                    if needs == 1 {
                        let outcome = match reached {
                            TargetStatus::Declined => Some(Outcome::NotRelevant),
                            _ => None,
                        };
                        acts.push(call(first, kind, outcome));
                    } else {
                        let visit = day_between(rng, first, window_end);
                        let outcome = match reached {
                            TargetStatus::Interested => Some(Outcome::Interested),
                            TargetStatus::Agreement => Some(Outcome::Positive),
                            _ => None,
                        };
                        acts.push(call(first, kind, Some(Outcome::FollowUp)));
                        acts.push(call(visit, ActivityKind::Visit, outcome));
                        target.visited_on = Some(visit);
                        target.last_activity_on = Some(visit);
                        if reached == TargetStatus::Agreement && agreements.len() < placement_budget
                        {
                            let start_on = visit + Days::new(rng.gen_range(7..=28));
                            target.last_activity_on = Some(start_on);
                            agreements.push(AgreementPlacement {
                                company,
                                campaign: k,
                                user_id: assigned_to,
                                kind: placement_kind_for(theme),
                                start_on,
                            });
                        }
                    }
                }
            }
            targets.push(target);
        }
        let span = dates::week_span(start_on, end_on);
        let name = if start_on.iso_week().year() == end_on.iso_week().year() {
            format!("{}, {span} {}", theme.name, start_on.iso_week().year())
        } else {
            format!("{}, {span}", theme.name)
        };
        let created_at = (start_on - Days::new(rng.gen_range(7..=30)))
            .and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("time"))
            .min(now);
        campaigns.push(PlannedCampaign {
            theme,
            name,
            start_on,
            end_on,
            status,
            target_companies: size.max(1) as i32,
            target_placements: rng.gen_bool(0.7).then(|| (size / 10).max(1) as i32),
            consultants,
            targets,
            created_at,
        });
    }
    (campaigns, acts, agreements)
}

pub(super) fn placement_kind_for(theme: &CampaignTheme) -> PlacementKind {
    match theme.topics.first() {
        Some(Topic::Fleksjob) => PlacementKind::Fleksjob,
        Some(Topic::Praktik) => PlacementKind::Praktik,
        Some(Topic::Loentilskud) => PlacementKind::Loentilskud,
        Some(Topic::Recruitment) => PlacementKind::Ordinary,
        _ => PlacementKind::Smaajob,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_domains_read_as_danish_companies() {
        let mut rng = StdRng::seed_from_u64(7);
        let industry = &data::INDUSTRIES[0];
        for _ in 0..200 {
            let (name, _) = company_name(&mut rng, industry, &data::POSTCODES[0]);
            assert!(!name.is_empty());
            let domain = domain_of(&name);
            assert!(domain.ends_with(".dk"), "{domain}");
            assert!(
                domain
                    .trim_end_matches(".dk")
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{domain}"
            );
        }
        assert_eq!(domain_of("Hansens Bageri ApS"), "hansens-bageri.dk");
        assert_eq!(
            domain_of("Ølby Tømrer & Snedker A/S"),
            "oelby-toemrer-snedker.dk"
        );
        assert_eq!(genitive("Hansen"), "Hansens");
        assert_eq!(genitive("Mads"), "Mads'");
    }

    #[test]
    fn activity_counts_add_up_and_favour_the_first_company() {
        let mut rng = StdRng::seed_from_u64(1);
        for (companies, total) in [(1, 10), (3, 100), (200, 2_000), (5_000, 200_000)] {
            let counts = activity_counts(&mut rng, companies, total);
            assert_eq!(counts.iter().sum::<usize>(), total);
            assert!(counts[0] >= *counts.iter().max().unwrap() / 2);
        }
        let counts = activity_counts(&mut rng, 50_000, 1_000_000);
        assert_eq!(counts[0], 3_000);
        assert!(counts.iter().filter(|n| **n == 0).count() > 5_000);
    }
}
