use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::text_enum;
use crate::db::DbConn;
use crate::db::schema::{sessions, users};

text_enum! {
    /// What a member of staff may do; ordered, so `role >= Role::Manager` reads as "manager or more".
    /// A reader ("Læseadgang") may look but not change anything, and sees no free text about
    /// visits and no citizen's case number (`web::auth::Viewer`).
    pub enum Role {
        Reader => ("reader", "Læseadgang"),
        Consultant => ("consultant", "Konsulent"),
        Manager => ("manager", "Leder"),
        Admin => ("admin", "Administrator"),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub jobcenter_id: i64,
    pub email: String,
    pub name: String,
    pub phone: String,
    pub title: String,
    pub role: Role,
    pub active: bool,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

/// What an admin may change about a member of staff (the e-mail is their login and stays).
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub phone: String,
    pub title: String,
    pub role: Role,
}

/// A member of staff as lists and choices name them.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub role: Role,
}

impl StaffMember {
    /// Whether work can be given to them: active, and not someone who may only look.
    pub fn can_take_work(&self) -> bool {
        self.active && self.role >= Role::Consultant
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub jobcenter_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub title: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
}

impl NewUser<'_> {
    /// Fails with a unique violation when the e-mail is taken.
    pub fn insert(&self, c: &mut DbConn) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(self)
            // The columns of `User` (not `all_columns`: the two-step key stays out of it).
            .returning((
                users::id,
                users::jobcenter_id,
                users::email,
                users::name,
                users::phone,
                users::title,
                users::role,
                users::active,
                users::password_hash,
                users::created_at,
                users::last_login_at,
            ))
            .get_result(c)
    }
}

impl User {
    /// Whether work can be given to them: active, and not someone who may only look.
    pub fn can_take_work(&self) -> bool {
        self.active && self.role >= Role::Consultant
    }

    /// Refuses, next to the `user_id` field, a consultant who is not an active member of the
    /// jobcenter's staff (the forms that name who did or owns something) — unless it is
    /// `present`, the one the record has now: a deactivated colleague's record can be edited
    /// without moving it to someone else.
    pub fn require_active_consultant(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        present: Option<i64>,
    ) -> Result<(), super::WriteError> {
        match Self::find(c, jobcenter_id, id).optional()? {
            Some(u) if u.can_take_work() || present == Some(u.id) => Ok(()),
            _ => Err(super::WriteError::invalid(
                "user_id",
                "Vælg en aktiv konsulent fra jobcenteret.",
            )),
        }
    }

    pub fn any_exists(c: &mut DbConn) -> QueryResult<bool> {
        Ok(users::table
            .select(users::id)
            .first::<i64>(c)
            .optional()?
            .is_some())
    }

    pub fn find_by_email(c: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(c)
            .optional()
    }

    /// A user by id whatever their jobcenter: for a sign-in under way, which has no jobcenter
    /// yet. Everything else goes through [`User::find`].
    pub fn find_any(c: &mut DbConn, id: i64) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(c)
    }

    /// A user of the given jobcenter; one of another jobcenter is not found.
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<User> {
        users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .filter(users::id.eq(id))
            .select(User::as_select())
            .first(c)
    }

    /// The staff of a jobcenter, by name; a jobcenter has tens of users, not thousands.
    pub fn list(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .order((users::name, users::id))
            .select(User::as_select())
            .load(c)
    }

    /// The jobcenter's staff by name, only what lists and choices need.
    pub fn roster(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<StaffMember>> {
        users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .order((users::name, users::id))
            .select(StaffMember::as_select())
            .load(c)
    }

    pub fn record_login(c: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::last_login_at.eq(now))
            .execute(c)
            .map(drop)
    }

    /// A new password ends every session of the user.
    pub fn set_password(c: &mut DbConn, id: i64, password_hash: &str) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(password_hash))
            .execute(c)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(c)?;
        Ok(())
    }

    /// Saves an admin's edit of name, phone, title and role, only if they still hold what the
    /// form started from (`was`); false when someone changed them in the meantime.
    pub fn update_profile(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        was: &Profile,
        now: &Profile,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            users::table
                .filter(users::jobcenter_id.eq(jobcenter_id))
                .filter(users::id.eq(id))
                .filter(users::name.eq(&was.name))
                .filter(users::phone.eq(&was.phone))
                .filter(users::title.eq(&was.title))
                .filter(users::role.eq(was.role)),
        )
        .set((
            users::name.eq(&now.name),
            users::phone.eq(&now.phone),
            users::title.eq(&now.title),
            users::role.eq(now.role),
        ))
        .execute(c)?;
        Ok(changed == 1)
    }

    /// Disabling ends every session of the user at once.
    pub fn set_active(c: &mut DbConn, id: i64, active: bool) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::active.eq(active))
            .execute(c)?;
        if !active {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(c)?;
        }
        Ok(())
    }

    /// Whether the jobcenter has staff besides `user_id` (a new jobcenter's first admin has not).
    pub fn has_colleagues(c: &mut DbConn, jobcenter_id: i64, user_id: i64) -> QueryResult<bool> {
        Ok(users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .filter(users::id.ne(user_id))
            .select(users::id)
            .first::<i64>(c)
            .optional()?
            .is_some())
    }

    pub fn count_active_admins(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<i64> {
        users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .filter(users::role.eq(Role::Admin))
            .filter(users::active.eq(true))
            .count()
            .get_result(c)
    }
}
