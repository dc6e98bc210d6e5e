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
