//! The postings of the company search: `company_trigrams` holds a row per company and distinct
//! run of three bytes of its search text, in name order within a run, and
//! `company_trigram_counts` how many companies of a jobcenter have each run. A search by name
//! walks the postings of its term's rarest run instead of the whole name index. Every write of
//! a company keeps both tables ([`reindex`]); bulk writers use [`PostingWriter`].

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::DbConn;
use crate::db::schema::{companies, company_trigram_counts, company_trigrams, jobcenters};
use crate::domain::text;

/// Rows per multi-row INSERT of postings (five parameters each), under the parameter limits of
/// both databases.
const POSTINGS_PER_INSERT: usize = 1_000;

/// The keys a company is found by, as `companies` stores them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SearchKeysRef<'a> {
    pub name_search: &'a str,
    pub search_text: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = company_trigrams)]
struct Posting<'a> {
    jobcenter_id: i64,
    trigram: i32,
    name_search: &'a str,
    company_id: i64,
    search_missing: i64,
}

/// Moves one company's postings from its `old` keys (`None` for a new company) to its `new`
/// ones (`None` when it is deleted). Call it in the transaction that writes the company.
pub fn reindex(
    c: &mut DbConn,
    jobcenter_id: i64,
    company_id: i64,
    old: Option<SearchKeysRef<'_>>,
    new: Option<SearchKeysRef<'_>>,
) -> QueryResult<()> {
    if old == new {
        return Ok(());
    }
    let runs = |keys: Option<SearchKeysRef<'_>>| {
        keys.map(|k| text::trigrams(k.search_text))
            .unwrap_or_default()
    };
    let (old_runs, new_runs) = (runs(old), runs(new));
    if let Some(old) = old {
        diesel::delete(
            company_trigrams::table
                .filter(company_trigrams::jobcenter_id.eq(jobcenter_id))
                .filter(company_trigrams::trigram.eq_any(&old_runs))
                .filter(company_trigrams::name_search.eq(old.name_search))
                .filter(company_trigrams::company_id.eq(company_id)),
        )
        .execute(c)?;
        let gone: Vec<i32> = old_runs.difference(&new_runs).copied().collect();
        diesel::update(
            company_trigram_counts::table
                .filter(company_trigram_counts::jobcenter_id.eq(jobcenter_id))
                .filter(company_trigram_counts::trigram.eq_any(gone)),
        )
        .set(company_trigram_counts::companies.eq(company_trigram_counts::companies - 1))
        .execute(c)?;
    }
    if let Some(new) = new {
        let missing = text::missing_trigram_bits(new.search_text);
        let rows: Vec<Posting<'_>> = new_runs
            .iter()
            .map(|&run| Posting {
                jobcenter_id,
                trigram: run,
                name_search: new.name_search,
                company_id,
                search_missing: missing,
            })
            .collect();
        if !rows.is_empty() {
            crate::on_backend!(c, |c| diesel::insert_into(company_trigrams::table)
                .values(&rows)
                .execute(c))?;
        }
        let added = new_runs
            .difference(&old_runs)
            .map(|&run| ((jobcenter_id, run), 1))
            .collect();
        add_counts(c, &added)?;
    }
    Ok(())
}

/// The postings of many companies (the demo data, the rebuild), written in key order: appended
/// to the index rather than scattered through it, which is many times faster on both
/// databases. The counts are added up on the way.
#[derive(Default)]
pub struct PostingWriter {
    /// (jobcenter, company, name key, trigram bits) of each company added.
    companies: Vec<(i64, i64, String, i64)>,
    /// (run, index into `companies`) of each posting.
    postings: Vec<(i32, usize)>,
}

impl PostingWriter {
    pub fn add(&mut self, jobcenter_id: i64, company_id: i64, keys: SearchKeysRef<'_>) {
        let index = self.companies.len();
        self.companies.push((
            jobcenter_id,
            company_id,
            keys.name_search.to_string(),
            text::missing_trigram_bits(keys.search_text),
        ));
        self.postings.extend(
            text::trigrams(keys.search_text)
                .into_iter()
                .map(|run| (run, index)),
        );
    }

    /// Writes the postings and adds their counts.
    pub fn finish(mut self, c: &mut DbConn) -> QueryResult<()> {
        let companies = &self.companies;
        self.postings.sort_unstable_by(|&(a_run, a), &(b_run, b)| {
            let (a_jc, a_id, a_name, _) = &companies[a];
            let (b_jc, b_id, b_name, _) = &companies[b];
            (a_jc, a_run, a_name, a_id).cmp(&(b_jc, b_run, b_name, b_id))
        });
        let mut counts: HashMap<(i64, i32), i64> = HashMap::new();
        for chunk in self.postings.chunks(POSTINGS_PER_INSERT) {
            let rows: Vec<Posting<'_>> = chunk
                .iter()
                .map(|&(run, index)| {
                    let (jobcenter_id, company_id, name_search, missing) = &companies[index];
                    *counts.entry((*jobcenter_id, run)).or_default() += 1;
                    Posting {
                        jobcenter_id: *jobcenter_id,
                        trigram: run,
                        name_search,
                        company_id: *company_id,
                        search_missing: *missing,
                    }
                })
                .collect();
            crate::on_backend!(c, |c| diesel::insert_into(company_trigrams::table)
                .values(&rows)
                .execute(c))?;
        }
        add_counts(c, &counts)
    }
}

/// Adds to the companies counted per (jobcenter, run).
fn add_counts(c: &mut DbConn, counts: &HashMap<(i64, i32), i64>) -> QueryResult<()> {
    let rows: Vec<_> = counts
        .iter()
        .map(|(&(jobcenter_id, run), &n)| {
            (
                company_trigram_counts::jobcenter_id.eq(jobcenter_id),
                company_trigram_counts::trigram.eq(run),
                company_trigram_counts::companies.eq(n),
            )
        })
        .collect();
    for chunk in rows.chunks(POSTINGS_PER_INSERT) {
        crate::on_backend!(c, |c| diesel::insert_into(company_trigram_counts::table)
            .values(chunk)
            .on_conflict((
                company_trigram_counts::jobcenter_id,
                company_trigram_counts::trigram,
            ))
            .do_update()
            .set(
                company_trigram_counts::companies
                    .eq(company_trigram_counts::companies
                        + excluded(company_trigram_counts::companies)),
            )
            .execute(c))?;
    }
    Ok(())
}

/// Writes the postings of every company anew (once, after the migration that added them), a
/// jobcenter at a time.
pub fn rebuild(c: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(company_trigrams::table).execute(c)?;
    diesel::delete(company_trigram_counts::table).execute(c)?;
    let jobcenters: Vec<i64> = jobcenters::table
        .select(jobcenters::id)
        .order(jobcenters::id)
        .load(c)?;
    let mut indexed = 0;
    for jobcenter_id in jobcenters {
        let rows: Vec<(i64, String, String)> = companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .select((
                companies::id,
                companies::name_search,
                companies::search_text,
            ))
            .load(c)?;
        let mut writer = PostingWriter::default();
        for (id, name_search, search_text) in &rows {
            let keys = SearchKeysRef {
                name_search,
                search_text,
            };
            writer.add(jobcenter_id, *id, keys);
        }
        writer.finish(c)?;
        indexed += rows.len();
    }
    Ok(indexed)
}

/// How many of a term's runs [`rarest_run`] looks up: a fixed number, so that its statement is
/// the same for every term and prepared once (an `IN` list of varying length is prepared anew
/// each time). A term with more runs is looked up by this many of them, spread over them.
const RUNS_LOOKED_UP: usize = 6;

/// Where a search for `term` (folded) starts: the run of it that the fewest companies of the
/// jobcenter have, and how many do (0: no company's text holds the term). `None` when the term
/// is shorter than three bytes and has no run.
pub fn rarest_run(
    c: &mut DbConn,
    jobcenter_id: i64,
    term: &str,
) -> QueryResult<Option<(i32, i64)>> {
    let all: Vec<i32> = text::trigrams(term).into_iter().collect();
    if all.is_empty() {
        return Ok(None);
    }
    let step = all.len().div_ceil(RUNS_LOOKED_UP);
    let mut runs: Vec<i32> = all.into_iter().step_by(step).collect();
    // Padded with its last run to the fixed number.
    runs.resize(RUNS_LOOKED_UP, runs[runs.len() - 1]);
    let run = company_trigram_counts::trigram;
    let counted: Vec<(i32, i64)> = company_trigram_counts::table
        .filter(company_trigram_counts::jobcenter_id.eq(jobcenter_id))
        .filter(
            run.eq(runs[0])
                .or(run.eq(runs[1]))
                .or(run.eq(runs[2]))
                .or(run.eq(runs[3]))
                .or(run.eq(runs[4]))
                .or(run.eq(runs[5])),
        )
        .select((run, company_trigram_counts::companies))
        .load(c)?;
    if let Some(uncounted) = runs
        .iter()
        .find(|run| !counted.iter().any(|(counted, _)| counted == *run))
    {
        return Ok(Some((*uncounted, 0)));
    }
    Ok(counted.into_iter().min_by_key(|&(_, n)| n))
}
