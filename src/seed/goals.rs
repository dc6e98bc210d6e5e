//! Goals for the last half-years and this one, and the benchmark and DI figures beside them,
//! so the demo's overview and goals page have something to show. Targets are scaled to the
//! size of the demo.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::{SeedError, SeedOptions};
use crate::db::{DbConn, write_tx};
use crate::domain::periods::{Period, Unit};
use crate::models::WriteError;
use crate::models::activity::Topic;
use crate::models::external_figures::{BenchmarkFigure, BenchmarkForm, DiForm, DiRanking};
use crate::models::goal::{Goal, GoalInput, GoalMetric};
use crate::models::placement::PlacementKind;

/// The ministry's benchmark as a press release gives it: year, expected, actual, rank.
const BENCHMARK: [(i32, &str, &str, &str); 8] = [
    (2017, "2.370", "2.455", "69"),
    (2018, "2.310", "2.351", "52"),
    (2020, "2.540", "2.498", "31"),
    (2021, "2.402", "2.330", "22"),
    (2022, "2.215", "2.120", "14"),
    (2023, "2.180", "2.062", "10"),
    (2024, "2.150", "2.071", "12"),
    (2025, "2.120", "2.030", "9"),
];

/// Dansk Industri's ranks: year, overall, "Arbejdskraft", cooperation with the jobcenter.
const DI: [(i32, &str, &str, &str); 4] = [
    (2022, "61", "48", "44"),
    (2023, "55", "44", "42"),
    (2024, "47", "40", "33"),
    (2025, "41", "35", "32"),
];

/// Writes the goals (when the half-years have none yet) and the external figures (saved over
/// earlier ones); the number of rows written.
pub(super) fn goals_and_figures(
    c: &mut DbConn,
    jobcenter_id: i64,
    manager_id: i64,
    opts: &SeedOptions,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<usize, SeedError> {
    let failed = |e: WriteError| SeedError::Invalid(format!("goals and figures: {e:?}"));
    write_tx(c, |c| {
        let mut written = 0;
        let mut half = Period::containing(Unit::Half, today).previous().previous();
        let per_half = |n: usize, share: f64| ((n as f64 / 6.0) * share).round().max(1.0);
        for _ in 0..3 {
            if Goal::of_half_year(c, jobcenter_id, &half)?.is_empty() {
                let goals = [
                    (
                        "Virksomhedssamarbejde",
                        GoalMetric::CompaniesContacted,
                        per_half(opts.companies, 2.0),
                        None,
                        None,
                    ),
                    (
                        "Virksomhedssamarbejde",
                        GoalMetric::CooperationRate,
                        35.0,
                        None,
                        None,
                    ),
                    (
                        "Virksomhedsbesøg",
                        GoalMetric::Visits,
                        per_half(opts.activities, 0.3),
                        None,
                        None,
                    ),
                    (
                        "Flere i småjob",
                        GoalMetric::Visits,
                        per_half(opts.activities, 0.08),
                        Some(Topic::Smaajob),
                        None,
                    ),
                    (
                        "Flere i småjob",
                        GoalMetric::PlacementsStarted,
                        per_half(opts.placements, 0.3),
                        None,
                        Some(PlacementKind::Smaajob),
                    ),
                    (
                        "Job og uddannelse efter forløb",
                        GoalMetric::EndedInJob,
                        45.0,
                        None,
                        None,
                    ),
                    (
                        "Hurtige svar til virksomheder",
                        GoalMetric::RequestsInTime,
                        90.0,
                        None,
                        None,
                    ),
                ];
                for (focus_area, metric, target, topic, placement_kind) in goals {
                    let input = GoalInput {
                        half_year: half,
                        focus_area: focus_area.into(),
                        metric,
                        target,
                        topic,
                        placement_kind,
                        campaign_id: None,
                    };
                    Goal::create(c, jobcenter_id, &input, manager_id, now).map_err(failed)?;
                    written += 1;
                }
            }
            half = half.next();
        }
        let mut benchmark: Vec<_> = BENCHMARK
            .iter()
            .map(|(year, expected, actual, rank)| BenchmarkForm {
                period: year.to_string(),
                expected: (*expected).into(),
                actual: (*actual).into(),
                rank: (*rank).into(),
                ..Default::default()
            })
            .collect();
        benchmark.push(BenchmarkForm {
            period: "2019".into(),
            not_measured: "on".into(),
            note: "Ikke opgjort pga. corona".into(),
            ..Default::default()
        });
        let inputs: Vec<_> = benchmark
            .iter()
            .filter_map(|f| f.validate().ok())
            .filter(|i| i.period.first.year() < today.year())
            .collect();
        written += BenchmarkFigure::import(c, jobcenter_id, &inputs, now).map_err(failed)?;
        for (year, overall, workforce, cooperation) in DI {
            let existing = DiRanking::list(c, jobcenter_id)?;
            if year >= today.year() || existing.iter().any(|r| r.year == year) {
                continue;
            }
            let input = DiForm {
                year: year.to_string(),
                overall_rank: overall.into(),
                workforce_rank: workforce.into(),
                cooperation_rank: cooperation.into(),
                ..Default::default()
            }
            .validate()
            .map_err(|e| SeedError::Invalid(format!("DI: {e:?}")))?;
            DiRanking::create(c, jobcenter_id, &input, now).map_err(failed)?;
            written += 1;
        }
        Ok(written)
    })
}
