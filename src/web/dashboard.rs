//! The manager's overview (/dashboard): for a half-year (or quarter, year or run of months)
//! what the consultants did, what came of it, how it stands against the goals, and the
//! benchmark and DI ranks beside it. Every table is built once as a [`FigureTable`] and shown
//! on the page or exported as CSV (/dashboard.csv?table=…) from the same rows.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::AppState;
use super::auth::Manager;
use super::charts::{RankLines, WeekBars};
use super::views::{Layout, Page, csv_response, filters, with_query};
use crate::domain::csv_io::write_excel_csv;
use crate::domain::dates;
use crate::domain::periods::{MAX_MONTHS, Period, Unit, parse_month};
use crate::domain::working_days;
use crate::error::AppError;
use crate::models::FieldErrors;
use crate::models::activity::ActivityKind;
use crate::models::audit::action;
use crate::models::contact_request::ContactRequest;
use crate::models::external_figures::{BenchmarkFigure, DiRanking};
use crate::models::goal::Goal;
use crate::models::need::{Need, NeedFigures, NeedLine};
use crate::models::overview::{
    CampaignReach, Overview, PeriodFigures, Register, WeekCount, percent, quiet_since,
};
use crate::models::placement::PlacementResult;
use crate::models::satisfaction::{Comment, SCORES, Survey, score_label};
use crate::models::settings::Settings;

/// The overview shows (and exports) the newest comments of the period, this many.
const COMMENTS_SHOWN: i64 = 100;

/// A figure as the page shows it and as the CSV holds it.
#[derive(Debug, Clone)]
pub enum Cell {
    Count(i64),
    /// A share in per cent with the counts it is made of; none when there is nothing to share.
    Share(Option<f64>, i64, i64),
    /// Working days, with a decimal comma.
    Days(Option<f64>),
    /// An average with one decimal, none without anything to average.
    Average(Option<f64>),
    Text(String),
}

impl Cell {
    fn share(part: i64, whole: i64) -> Cell {
        Cell::Share(percent(part, whole), part, whole)
    }

    /// For people: "1.234", "45,3 % (120 af 265)", "2,5".
    pub fn shown(&self) -> String {
        match self {
            Cell::Count(n) => thousands(*n),
            Cell::Share(Some(p), part, whole) => {
                format!(
                    "{} % ({} af {})",
                    decimal(*p),
                    thousands(*part),
                    thousands(*whole)
                )
            }
            Cell::Share(None, ..) | Cell::Days(None) | Cell::Average(None) => "–".into(),
            Cell::Days(Some(d)) => working_days::format_days(*d),
            Cell::Average(Some(a)) => decimal(*a),
            Cell::Text(s) => s.clone(),
        }
    }

    /// For Danish Excel: plain numbers with a decimal comma, a share as its per cent.
    fn csv(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Share(Some(p), ..) => decimal(*p),
            Cell::Share(None, ..) | Cell::Days(None) | Cell::Average(None) => String::new(),
            Cell::Days(Some(d)) => working_days::format_days(*d),
            Cell::Average(Some(a)) => decimal(*a),
            Cell::Text(s) => s.clone(),
        }
    }
}

pub use crate::domain::text::thousands;

/// 45.25 → "45,3".
fn decimal(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

pub struct FigureRow {
    pub label: String,
    pub link: Option<String>,
    pub cells: Vec<Cell>,
}

/// One table of the overview: the page shows it, the CSV export writes it.
pub struct FigureTable {
    /// Its name in /dashboard.csv?table=… and its heading's id.
    pub id: &'static str,
    pub caption: String,
    /// The heading of the label column, then of each value column.
    pub headers: Vec<String>,
    pub rows: Vec<FigureRow>,
}

impl FigureTable {
    fn new(id: &'static str, caption: &str, headers: Vec<String>) -> FigureTable {
        FigureTable {
            id,
            caption: caption.into(),
            headers,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, label: impl Into<String>, cells: Vec<Cell>) {
        self.rows.push(FigureRow {
            label: label.into(),
            link: None,
            cells,
        });
    }

    fn csv(&self) -> Vec<u8> {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        write_excel_csv(
            &headers,
            self.rows.iter().map(|r| {
                std::iter::once(r.label.clone())
                    .chain(r.cells.iter().map(Cell::csv))
                    .collect()
            }),
        )
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewParams {
    /// A period as `Period::param` writes it.
    period: String,
    /// A unit picked on its own: its current period.
    unit: String,
    /// A run of months, as typed.
    from: String,
    to: String,
    /// The table of /dashboard.csv.
    table: String,
}

/// The period asked for, or the current half-year with the reason the request was refused.
fn chosen_period(params: &OverviewParams, today: NaiveDate) -> (Period, FieldErrors) {
    let mut errors = FieldErrors::new();
    let this_half = Period::containing(Unit::Half, today);
    if params.unit == "months" || !params.from.is_empty() || !params.to.is_empty() {
        if params.from.is_empty() && params.to.is_empty() {
            let from = Period::containing(Unit::Half, today).first;
            return (Period::months(from, today).unwrap_or(this_half), errors);
        }
        let from = parse_month(&params.from);
        let to = parse_month(&params.to);
        if from.is_none() {
            errors.insert("from", "Skriv måneden som mm-åååå, fx 03-2026.".into());
        }
        if to.is_none() {
            errors.insert("to", "Skriv måneden som mm-åååå, fx 06-2026.".into());
        }
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.insert("to", "Til-måneden må ikke ligge før fra-måneden.".into());
            } else if let Some(p) = Period::months(from, to) {
                return (p, errors);
            } else {
                errors.insert(
                    "to",
                    format!("En periode kan højst være {MAX_MONTHS} måneder."),
                );
            }
        }
        return (this_half, errors);
    }
    if !params.period.is_empty() {
        match Period::parse_param(&params.period) {
            Some(p) => return (p, errors),
            None => {
                errors.insert(
                    "period",
                    "Perioden findes ikke. Vælg et halvår, et kvartal, et år eller en periode af måneder.".into(),
                );
                return (this_half, errors);
            }
        }
    }
    let unit = match params.unit.as_str() {
        "quarter" => Unit::Quarter,
        "year" => Unit::Year,
        _ => Unit::Half,
    };
    (Period::containing(unit, today), errors)
}

/// The periods the figures are shown for: the chosen one, the one before it and the same one
/// a year earlier (for a year, those two are the same year).
fn compared(period: &Period) -> Vec<Period> {
    let mut periods = vec![*period, period.previous()];
    if period.year_before() != period.previous() {
        periods.push(period.year_before());
    }
    periods
}

/// All the overview shows, read in one go.
struct Data {
    figures: Vec<PeriodFigures>,
    register: Register,
    active: Vec<(crate::models::placement::PlacementKind, i64)>,
    campaigns: Vec<CampaignReach>,
    weeks: Vec<WeekCount>,
    goals: Vec<super::goals::GoalLine>,
    years: Vec<YearLine>,
    promise_days: i32,
    workload: Vec<(String, i64)>,
    /// Satisfaction mails sent in each compared period.
    surveys_sent: Vec<i64>,
    /// The chosen period's comments, newest first.
    comments: Vec<Comment>,
    /// What became of the recruitment needs received in the chosen period.
    needs: NeedFigures,
}

/// The CRM's own figures of a year beside the figures it cannot count.
pub struct YearLine {
    pub year: i32,
    pub visits: i64,
    pub companies: i64,
    pub placements: i64,
    pub benchmark_rank: Option<i32>,
    pub benchmark_note: String,
    pub di: Option<DiRanking>,
}

/// The years of the side-by-side table: those with external figures, and up to this year.
fn years_of(
    c: &mut crate::db::DbConn,
    jc: i64,
    today: NaiveDate,
    benchmark: &[BenchmarkFigure],
    di: &[DiRanking],
) -> diesel::QueryResult<Vec<YearLine>> {
    let first = benchmark
        .iter()
        .filter_map(BenchmarkFigure::year)
        .chain(di.iter().map(|d| d.year))
        .min()
        .unwrap_or(today.year() - 2)
        .max(today.year() - 12);
    let counted = Overview::years(c, jc, first, today.year(), today)?;
    let mut lines = Vec::new();
    for (year, (visits, companies, placements)) in counted {
        // Yearly ranks first; a half-year's rank stands in only when the year has none.
        let bench = benchmark
            .iter()
            .filter(|b| b.year() == Some(year))
            .max_by_key(|b| b.period().map(|p| (p.unit == Unit::Year, p.first)));
        lines.push(YearLine {
            year,
            visits,
            companies,
            placements,
            benchmark_rank: bench.and_then(|b| b.rank),
            benchmark_note: bench
                .filter(|b| !b.measured)
                .map(|b| b.note.clone())
                .unwrap_or_default(),
            di: di.iter().find(|d| d.year == year).cloned(),
        });
    }
    Ok(lines)
}

async fn load(state: &AppState, jc: i64, period: Period, full: bool) -> Result<Data, AppError> {
    let now = state.now();
    let today = super::views::local_date(now);
    state
        .db
        .run(move |c| {
            Ok(crate::db::read_tx(c, |c| -> diesel::QueryResult<Data> {
                let settings = Settings::get(c, jc)?;
                let promise_days = settings.answer_promise_days;
                let figures = Overview::figures(c, jc, &compared(&period), today, now, &settings)?;
                let (benchmark, di) = if full {
                    (BenchmarkFigure::list(c, jc)?, DiRanking::list(c, jc)?)
                } else {
                    (Vec::new(), Vec::new())
                };
                let half = Period::containing(Unit::Half, period.first);
                let goals = if full {
                    let goals = Goal::of_half_year(c, jc, &half)?;
                    let known = figures.first().map(|f| (&period, f));
                    super::goals::lines(c, jc, &goals, today, now, known)?
                } else {
                    Vec::new()
                };
                Ok(Data {
                    register: Overview::register(c, jc, today)?,
                    active: Overview::active_placements(c, jc, today)?,
                    campaigns: Overview::campaigns(c, jc, &period, today)?,
                    weeks: Overview::weeks(c, jc, &period)?,
                    goals,
                    years: if full {
                        years_of(c, jc, today, &benchmark, &di)?
                    } else {
                        Vec::new()
                    },
                    workload: ContactRequest::open_per_assignee(c, jc)?,
                    surveys_sent: compared(&period)
                        .iter()
                        .map(|p| {
                            Survey::sent(
                                c,
                                jc,
                                dates::local_midnight_utc(p.first),
                                dates::local_midnight_utc(p.end()),
                            )
                        })
                        .collect::<diesel::QueryResult<_>>()?,
                    comments: Survey::comments(
                        c,
                        jc,
                        dates::local_midnight_utc(period.first),
                        dates::local_midnight_utc(period.end()),
                        COMMENTS_SHOWN,
                    )?,
                    needs: Need::figures(c, jc, period.first, period.end())?,
                    figures,
                    promise_days,
                })
            })?)
        })
        .await
}

/// The tables of the overview, in the order of the page.
fn tables(period: &Period, data: &Data) -> Vec<FigureTable> {
    let periods = compared(period);
    let headers = |first: &str| -> Vec<String> {
        std::iter::once(first.to_string())
            .chain(periods.iter().map(Period::label))
            .collect()
    };
    let per =
        |f: &dyn Fn(&PeriodFigures) -> Cell| -> Vec<Cell> { data.figures.iter().map(f).collect() };
    let mut out = Vec::new();

    let mut work = FigureTable::new("work", "Kontakt med virksomheder", headers("Tal"));
    work.row(
        "Aktiviteter i alt",
        per(&|f| Cell::Count(f.work.activities())),
    );
    for kind in ActivityKind::ALL {
        work.row(kind.label(), per(&|f| Cell::Count(f.work.of_kind(*kind))));
    }
    work.row(
        "Forskellige virksomheder kontaktet",
        per(&|f| Cell::Count(f.work.companies_contacted)),
    );
    let rate_label = if data.register.base_imported_at.is_some() {
        "Samarbejdsgrad blandt kommunens virksomheder (CVR)"
    } else {
        "Samarbejdsgrad i registret"
    };
    work.row(
        rate_label,
        per(&|f| Cell::share(f.work.contacted_in_base, data.register.cooperation_base)),
    );
    work.row(
        "Nye virksomheder i registret",
        per(&|f| Cell::Count(f.work.new_companies)),
    );
    out.push(work);

    let mut topics = FigureTable::new("topics", "Aktiviteter pr. emne", headers("Emne"));
    if let Some(first) = data.figures.first() {
        for (i, (topic, _)) in first.work.by_topic.iter().enumerate() {
            topics.row(topic.label(), per(&|f| Cell::Count(f.work.by_topic[i].1)));
        }
    }
    out.push(topics);

    let mut consultants = FigureTable::new(
        "consultants",
        "Besøg og aktiviteter pr. konsulent",
        vec![
            "Konsulent".into(),
            "Besøg".into(),
            "Aktiviteter i alt".into(),
        ],
    );
    if let Some(first) = data.figures.first() {
        for w in &first.work.by_consultant {
            consultants.row(
                w.name.clone(),
                vec![Cell::Count(w.visits), Cell::Count(w.activities)],
            );
        }
    }
    out.push(consultants);

    let mut weeks = FigureTable::new(
        "weeks",
        "Besøg og andre kontakter pr. uge",
        vec![
            "Uge".into(),
            "Mandag".into(),
            "Besøg".into(),
            "Andre kontakter".into(),
        ],
    );
    for w in &data.weeks {
        weeks.row(
            format!("Uge {}", w.week),
            vec![
                Cell::Text(dates::dk_date(w.monday)),
                Cell::Count(w.visits),
                Cell::Count(w.other),
            ],
        );
    }
    out.push(weeks);

    let mut placements = FigureTable::new("placements", "Forløb", headers("Tal"));
    placements.row("Startet i alt", per(&|f| Cell::Count(f.placements.started)));
    if let Some(first) = data.figures.first() {
        for (i, (kind, _)) in first.placements.started_by_kind.iter().enumerate() {
            placements.row(
                format!("Startet: {}", kind.label()),
                per(&|f| Cell::Count(f.placements.started_by_kind[i].1)),
            );
        }
    }
    placements.row(
        "Virksomheder med mindst ét startet forløb",
        per(&|f| Cell::Count(f.placements.companies)),
    );
    placements.row("Afsluttet i alt", per(&|f| Cell::Count(f.placements.ended)));
    if let Some(first) = data.figures.first() {
        for (i, (result, _)) in first.placements.ended_by_result.iter().enumerate() {
            let label = result.map_or("uden resultat", PlacementResult::label);
            placements.row(
                format!("Afsluttet: {}", label.to_lowercase()),
                per(&|f| Cell::Count(f.placements.ended_by_result[i].1)),
            );
        }
    }
    placements.row(
        "Afsluttet i job eller uddannelse",
        per(&|f| Cell::share(f.placements.ended_in_job_or_education, f.placements.ended)),
    );
    out.push(placements);

    let need_headers = |first: &str| -> Vec<String> {
        [
            first,
            "Behov modtaget",
            "Stillinger",
            "Besat af jobcentret",
            "Besat af virksomheden selv",
            "Annulleret",
            "Andel besat af jobcentret",
            "Mediantid til besat (dage)",
            "Henvisninger pr. besat stilling",
        ]
        .map(String::from)
        .to_vec()
    };
    let need_cells = |n: &NeedLine| -> Vec<Cell> {
        vec![
            Cell::Count(n.needs),
            Cell::Count(n.positions),
            Cell::Count(n.filled_by_jobcenter),
            Cell::Count(n.filled_by_company),
            Cell::Count(n.cancelled),
            Cell::share(n.filled_by_jobcenter, n.needs),
            Cell::Average(n.median_days()),
            Cell::Average(n.referrals_per_filled()),
        ]
    };
    let mut needs = FigureTable::new("needs", "Rekrutteringsbehov pr. type", need_headers("Type"));
    needs.row("I alt", need_cells(&data.needs.total));
    for (kind, line) in &data.needs.by_kind {
        needs.row(kind.label(), need_cells(line));
    }
    out.push(needs);
    let mut need_consultants = FigureTable::new(
        "needs_consultants",
        "Rekrutteringsbehov pr. ansvarlig konsulent",
        need_headers("Konsulent"),
    );
    for (name, line) in &data.needs.by_consultant {
        need_consultants.row(name.clone(), need_cells(line));
    }
    out.push(need_consultants);

    let mut active = FigureTable::new(
        "active",
        "Aktive forløb i dag",
        vec!["Type".into(), "Aktive".into()],
    );
    for (kind, n) in &data.active {
        active.row(kind.label(), vec![Cell::Count(*n)]);
    }
    active.row(
        "I alt",
        vec![Cell::Count(data.active.iter().map(|(_, n)| n).sum())],
    );
    out.push(active);

    let mut campaigns = FigureTable::new(
        "campaigns",
        "Kampagner",
        vec![
            "Kampagne".into(),
            "Periode".into(),
            "Status".into(),
            "På listen".into(),
            "Besøgt".into(),
            "Mål".into(),
            "Nået af målet".into(),
        ],
    );
    for c in &data.campaigns {
        campaigns.rows.push(FigureRow {
            label: c.name.clone(),
            link: Some(format!("/campaigns/{}", c.id)),
            cells: vec![
                Cell::Text(dates::week_span(c.start_on, c.end_on)),
                Cell::Text(c.status.label().into()),
                Cell::Count(c.on_list),
                Cell::Count(c.reached),
                Cell::Count(i64::from(c.target_companies)),
                Cell::share(c.reached, i64::from(c.target_companies)),
            ],
        });
    }
    out.push(campaigns);

    let mut requests = FigureTable::new("requests", "Svartider på henvendelser", headers("Tal"));
    requests.row(
        "Modtaget",
        per(&|f| Cell::Count(f.requests.received as i64)),
    );
    if let Some(first) = data.figures.first() {
        for (i, (channel, _)) in first.requests.by_channel.iter().enumerate() {
            requests.row(
                format!("Modtaget: {}", channel.label().to_lowercase()),
                per(&|f| Cell::Count(f.requests.by_channel[i].1)),
            );
        }
    }
    requests.row(
        "Besvaret",
        per(&|f| Cell::Count(f.requests.stats.answered as i64)),
    );
    requests.row(
        "Median tid til første svar (arbejdsdage)",
        per(&|f| Cell::Days(f.requests.stats.median)),
    );
    requests.row(
        "90 % besvaret inden for (arbejdsdage)",
        per(&|f| Cell::Days(f.requests.stats.p90)),
    );
    requests.row(
        format!("Besvaret inden for {} arbejdsdage", data.promise_days),
        per(&|f| {
            Cell::share(
                f.requests.answered_in_time as i64,
                f.requests.stats.answered as i64,
            )
        }),
    );
    requests.row(
        "Venter på svar",
        per(&|f| Cell::Count(f.requests.stats.waiting as i64)),
    );
    requests.row(
        "Venter ud over fristen",
        per(&|f| Cell::Count(f.requests.stats.waiting_past_promise as i64)),
    );
    out.push(requests);

    let mut satisfaction = FigureTable::new(
        "satisfaction",
        "Virksomhedernes tilfredshed",
        headers("Tal"),
    );
    satisfaction.row(
        "Mails sendt",
        data.surveys_sent.iter().map(|n| Cell::Count(*n)).collect(),
    );
    satisfaction.row("Svar", per(&|f| Cell::Count(f.satisfaction.answers)));
    satisfaction.row(
        "Gennemsnit (1–5)",
        per(&|f| Cell::Average(f.satisfaction.average())),
    );
    for (i, (score, label)) in SCORES.iter().enumerate() {
        satisfaction.row(
            format!("{score} – {}", label.to_lowercase()),
            per(&|f| Cell::Count(f.satisfaction.by_score[i])),
        );
    }
    out.push(satisfaction);

    let mut rated = FigureTable::new(
        "satisfaction_consultants",
        "Tilfredshed pr. konsulent",
        vec!["Konsulent".into(), "Svar".into(), "Gennemsnit (1–5)".into()],
    );
    if let Some(first) = data.figures.first() {
        for (_, name, n, sum) in &first.satisfaction.by_consultant {
            let name = if name.is_empty() {
                "Ingen konsulent".to_string()
            } else {
                name.clone()
            };
            rated.row(
                name,
                vec![
                    Cell::Count(*n),
                    Cell::Average(Some(*sum as f64 / *n as f64)),
                ],
            );
        }
    }
    out.push(rated);

    let mut comments = FigureTable::new(
        "satisfaction_comments",
        "Kommentarer fra virksomhederne",
        vec![
            "Dato".into(),
            "Virksomhed".into(),
            "Konsulent".into(),
            "Svar".into(),
            "Kommentar".into(),
        ],
    );
    for c in &data.comments {
        comments.row(
            dates::dk_date(dates::local_date(c.answered_at)),
            vec![
                Cell::Text(c.company_name.clone()),
                Cell::Text(c.consultant.clone().unwrap_or_default()),
                Cell::Text(format!("{} – {}", c.score, score_label(c.score))),
                Cell::Text(c.comment.clone()),
            ],
        );
    }
    out.push(comments);

    let r = &data.register;
    let mut reach = FigureTable::new(
        "reach",
        "Rækkevidde i dag",
        vec!["Tal".into(), "I dag".into()],
    );
    reach.row(
        "Aktive virksomheder med fast kontaktperson",
        vec![Cell::share(r.active_with_fixed_contact, r.active)],
    );
    reach.rows.push(FigureRow {
        label: "Aktive virksomheder uden kontakt i 12 måneder".into(),
        link: Some("/companies?status=active&quiet=12".into()),
        cells: vec![Cell::Count(r.active_quiet)],
    });
    let base_label = match r.base_imported_at {
        Some(at) => format!(
            "Produktionsenheder i kommunen i drift med ansatte, fra CVR-udtrækket importeret {} \
             (grundlag for samarbejdsgraden)",
            super::views::dk_datetime(at)
        ),
        None => "Virksomheder i registret med ansatte, der ikke er inaktive (grundlag for \
                 samarbejdsgraden; importér kommunens CVR-udtræk for at regne ud fra alle virksomheder i kommunen)"
            .to_string(),
    };
    reach.row(&base_label, vec![Cell::Count(r.cooperation_base)]);
    out.push(reach);

    if !data.years.is_empty() {
        let mut years = FigureTable::new(
            "years",
            "Egne tal, benchmark og DI pr. år",
            vec![
                "År".into(),
                "Besøg".into(),
                "Virksomheder kontaktet".into(),
                "Forløb startet".into(),
                "Benchmark-placering".into(),
                "DI samlet".into(),
                "DI arbejdskraft".into(),
                "DI samarbejde med jobcentret".into(),
            ],
        );
        let rank = |r: Option<i32>| Cell::Text(r.map_or_else(|| "–".into(), |r| r.to_string()));
        for y in &data.years {
            years.row(
                y.year.to_string(),
                vec![
                    Cell::Count(y.visits),
                    Cell::Count(y.companies),
                    Cell::Count(y.placements),
                    if y.benchmark_note.is_empty() {
                        rank(y.benchmark_rank)
                    } else {
                        Cell::Text(y.benchmark_note.clone())
                    },
                    rank(y.di.as_ref().and_then(|d| d.overall_rank)),
                    rank(y.di.as_ref().and_then(|d| d.workforce_rank)),
                    rank(y.di.as_ref().and_then(|d| d.cooperation_rank)),
                ],
            );
        }
        out.push(years);
    }
    out
}

/// The page's period picker: the units as tabs, the neighbouring periods as links.
struct Picker {
    unit: Unit,
    units: Vec<(Unit, String)>,
    previous: String,
    next: Option<String>,
    from: String,
    to: String,
}

fn picker(period: &Period, params: &OverviewParams, today: NaiveDate) -> Picker {
    let link = |p: &Period| match p.unit {
        Unit::Months => format!(
            "/dashboard?unit=months&from={}&to={}",
            p.first.format("%m-%Y"),
            p.last_day().format("%m-%Y")
        ),
        _ => format!("/dashboard?period={}", p.param()),
    };
    let next = period.next();
    Picker {
        unit: period.unit,
        units: [Unit::Half, Unit::Quarter, Unit::Year, Unit::Months]
            .into_iter()
            .map(|u| (u, format!("/dashboard?unit={}", u.as_str())))
            .collect(),
        previous: link(&period.previous()),
        next: (next.first <= today).then(|| link(&next)),
        from: if params.from.is_empty() {
            period.first.format("%m-%Y").to_string()
        } else {
            params.from.clone()
        },
        to: if params.to.is_empty() {
            period.last_day().format("%m-%Y").to_string()
        } else {
            params.to.clone()
        },
    }
}

#[get("/dashboard")]
pub async fn dashboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<OverviewParams>,
) -> Result<HttpResponse, AppError> {
    let today = super::views::local_date(state.now());
    let (period, errors) = chosen_period(&params, today);
    let data = load(&state, user.jobcenter_id, period, true).await?;
    let jc = user.jobcenter_id;
    let clusters = state
        .db
        .run(move |c| Ok(crate::models::cluster::clusters_now(c, jc)?))
        .await?;
    let tables = tables(&period, &data);
    let chart = WeekBars::new(&data.weeks);
    let years: Vec<i32> = data.years.iter().map(|y| y.year).collect();
    let ranks = RankLines::new(
        &years,
        vec![
            (
                "Benchmark".into(),
                String::new(),
                data.years.iter().map(|y| y.benchmark_rank).collect(),
            ),
            (
                "DI samlet".into(),
                "6 4".into(),
                data.years
                    .iter()
                    .map(|y| y.di.as_ref().and_then(|d| d.overall_rank))
                    .collect(),
            ),
            (
                "DI samarbejde med jobcentret".into(),
                "2 3".into(),
                data.years
                    .iter()
                    .map(|y| y.di.as_ref().and_then(|d| d.cooperation_rank))
                    .collect(),
            ),
        ],
    );
    let has_ranks = data
        .years
        .iter()
        .any(|y| y.benchmark_rank.is_some() || y.di.is_some());
    let query = req.query_string().to_string();
    let csv_base = with_query("/dashboard.csv", &strip_table(&query));
    let picker = picker(&period, &params, today);
    let page = Page::new(&req);
    let page = if errors.is_empty() {
        page
    } else {
        page.invalid(&errors)
    };
    page.render(&state, |l| DashboardPage {
        l,
        label: period.label(),
        first: period.first,
        last: period.last_day(),
        compared: compared(&period)
            .iter()
            .skip(1)
            .map(Period::label)
            .collect(),
        half_label: Period::containing(Unit::Half, period.first).label(),
        half_param: Period::containing(Unit::Half, period.first).param(),
        clusters,
        csv_base,
        picker,
        tables,
        chart,
        ranks,
        has_ranks,
        goals: data.goals,
        workload: data.workload,
        new: user.new_requests,
        quiet_since: quiet_since(today),
    })
}

/// The query string without its `table` parameter, for the export links.
fn strip_table(query: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("table="))
        .collect::<Vec<_>>()
        .join("&")
}

/// One table of the overview as CSV for Danish Excel.
#[get("/dashboard.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<OverviewParams>,
) -> Result<HttpResponse, AppError> {
    let today = super::views::local_date(state.now());
    let (period, errors) = chosen_period(&params, today);
    if let Some(message) = errors.values().next() {
        return Err(AppError::Validation(message.clone()));
    }
    let full = params.table == "years";
    let data = load(&state, user.jobcenter_id, period, full).await?;
    let table = tables(&period, &data)
        .into_iter()
        .find(|t| t.id == params.table)
        .ok_or_else(|| AppError::Validation("Tabellen findes ikke i overblikket.".into()))?;
    let actor = user.actor(&req, &state);
    let details = format!("{} – {}", table.caption, period.label());
    state
        .write(actor, move |c, actor| {
            actor.record(
                c,
                action::OVERVIEW_EXPORTED,
                "overview",
                None,
                details.clone(),
            )?;
            Ok(())
        })
        .await??;
    Ok(csv_response(
        format!(
            "overblik-{}-{}.csv",
            table.id,
            period.param().replace("..", "-til-")
        ),
        table.csv(),
    ))
}

#[derive(askama::Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    l: Layout,
    label: String,
    first: NaiveDate,
    last: NaiveDate,
    compared: Vec<String>,
    half_label: String,
    half_param: String,
    /// The clusters the jobcenter is a member of, for their figures.
    clusters: Vec<crate::models::cluster::Cluster>,
    csv_base: String,
    picker: Picker,
    tables: Vec<FigureTable>,
    chart: WeekBars,
    ranks: RankLines,
    has_ranks: bool,
    goals: Vec<super::goals::GoalLine>,
    workload: Vec<(String, i64)>,
    new: i64,
    quiet_since: NaiveDate,
}

impl DashboardPage {
    fn table(&self, id: &str) -> Option<&FigureTable> {
        self.tables.iter().find(|t| t.id == id)
    }

    fn csv_link(&self, id: &str) -> String {
        let sep = if self.csv_base.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{sep}table={id}", self.csv_base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_danish_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1.234");
        assert_eq!(thousands(-1234567), "-1.234.567");
        assert_eq!(Cell::share(1, 3).shown(), "33,3 % (1 af 3)");
        assert_eq!(Cell::share(1, 0).shown(), "–");
        assert_eq!(Cell::share(1, 3).csv(), "33,3");
    }

    #[test]
    fn bad_periods_fall_back_to_this_half_year_with_a_message() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        let ask = |period: &str, from: &str, to: &str| {
            chosen_period(
                &OverviewParams {
                    period: period.into(),
                    from: from.into(),
                    to: to.into(),
                    ..Default::default()
                },
                today,
            )
        };
        let (p, e) = ask("2026-H3", "", "");
        assert_eq!(
            (p.label(), e.contains_key("period")),
            ("2. halvår 2026".into(), true)
        );
        let (p, e) = ask("", "03-2026", "13-2026");
        assert!(e.contains_key("to") && p.unit == Unit::Half);
        let (p, e) = ask("", "06-2026", "03-2026");
        assert!(e["to"].contains("før"), "{p:?}");
        let (p, e) = ask("", "03-2026", "06-2026");
        assert!(e.is_empty());
        assert_eq!(p.label(), "marts–juni 2026");
        assert_eq!(strip_table("period=2026-H1&table=work"), "period=2026-H1");
    }
}
