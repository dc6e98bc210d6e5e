//! The few places where SQLite and PostgreSQL need different SQL.

use diesel::connection::SimpleConnection;

use super::DbConn;

/// Folds the WAL back into the main file so a stopped SQLite database is one consistent file.
/// PostgreSQL needs nothing.
pub fn checkpoint(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);"),
        DbConn::Pg(_) => Ok(()),
    }
}

/// Whether a company search tests the trigram bits (`search_missing` of the company or of its
/// postings) before its LIKE. On SQLite the test turns down most entries walked for the price
/// of one AND; PostgreSQL cannot estimate it, takes the match for rare and may sort after a
/// sequential scan, and its index-only walk of the postings is fast without it.
pub fn search_tests_trigrams(conn: &DbConn) -> bool {
    match conn {
        DbConn::Sqlite(_) => true,
        DbConn::Pg(_) => false,
    }
}
