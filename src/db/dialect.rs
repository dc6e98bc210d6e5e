//! The few places where SQLite and PostgreSQL need different SQL.

use diesel::connection::SimpleConnection;
use diesel::dsl::{AsExprOf, sql};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::sql_types::{Bool, Text};

use super::DbConn;

/// Folds the WAL back into the main file so a stopped SQLite database is one consistent file.
/// PostgreSQL needs nothing.
pub fn checkpoint(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);"),
        DbConn::Pg(_) => Ok(()),
    }
}

/// A filter on `companies.id` that a company search by text adds before its LIKE.
pub type SearchCandidates =
    SqlLiteral<Bool, UncheckedBind<SqlLiteral<Bool>, AsExprOf<String, Text>>>;

/// The companies a search by `folded_term` can match, from the database's trigram index. On
/// SQLite that is the FTS5 table `companies_fts` (tokenizer `trigram`), asked for the term as a
/// phrase; it knows no term under three characters, which the LIKE then answers alone. On
/// PostgreSQL the pg_trgm GIN index serves the LIKE itself, so nothing is added.
pub fn search_candidates(conn: &DbConn, folded_term: &str) -> Option<SearchCandidates> {
    match conn {
        DbConn::Sqlite(_) if folded_term.chars().count() >= 3 => {
            let phrase = format!("\"{}\"", folded_term.replace('"', "\"\""));
            Some(
                sql::<Bool>(
                    "companies.id IN (SELECT rowid FROM companies_fts WHERE companies_fts MATCH ",
                )
                .bind::<Text, _>(phrase)
                .sql(")"),
            )
        }
        _ => None,
    }
}
