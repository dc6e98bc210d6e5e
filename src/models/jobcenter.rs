use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::jobcenters;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = jobcenters)]
pub struct Jobcenter {
    pub id: i64,
    pub name: String,
    pub municipality_code: String,
    pub slug: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = jobcenters)]
pub struct NewJobcenter<'a> {
    pub name: &'a str,
    pub municipality_code: &'a str,
    pub slug: &'a str,
    pub created_at: NaiveDateTime,
}

impl NewJobcenter<'_> {
    pub fn insert(&self, c: &mut DbConn) -> QueryResult<Jobcenter> {
        diesel::insert_into(jobcenters::table)
            .values(self)
            .returning(jobcenters::all_columns)
            .get_result(c)
    }
}

impl Jobcenter {
    pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Jobcenter> {
        jobcenters::table
            .find(id)
            .select(Jobcenter::as_select())
            .first(c)
    }

    pub fn find_by_slug(c: &mut DbConn, slug: &str) -> QueryResult<Option<Jobcenter>> {
        jobcenters::table
            .filter(jobcenters::slug.eq(slug))
            .select(Jobcenter::as_select())
            .first(c)
            .optional()
    }

    /// An installation holds a handful of jobcenters, never thousands.
    pub fn all(c: &mut DbConn) -> QueryResult<Vec<Jobcenter>> {
        jobcenters::table
            .order(jobcenters::name)
            .select(Jobcenter::as_select())
            .load(c)
    }
}
