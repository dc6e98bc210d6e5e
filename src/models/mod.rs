//! Data types, validation and queries, one file per aggregate. Every query of tenant data takes
//! the jobcenter id; a row of another jobcenter is simply not found.

pub mod access_log;
pub mod activity;
pub mod api_token;
pub mod audit;
pub mod calendar_feed;
pub mod campaign;
pub mod cluster;
pub mod company;
pub mod company_import;
pub mod company_merge;
pub mod contact_form_hit;
pub mod contact_person;
pub mod contact_request;
pub mod external_figures;
pub mod goal;
pub mod jobcenter;
pub mod kept_form;
pub mod login_attempt;
pub mod need;
pub mod outbox;
pub mod overview;
pub mod placement;
pub mod population;
pub mod satisfaction;
pub mod session;
pub mod settings;
pub mod setup_token;
pub mod text;
pub mod two_step;
pub mod user;
pub mod visit_summary;
pub mod webhook;

use crate::error::AppError;

/// Field name → Danish message, shown next to the field; in the order the fields were checked,
/// which is the order of the form, so the error summary reads top to bottom.
pub type FieldErrors = indexmap::IndexMap<&'static str, String>;

/// An option of a select list: the value sent and the Danish label shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Why a write was refused.
#[derive(Debug)]
pub enum WriteError {
    /// Bad input; nothing was saved.
    Invalid(FieldErrors),
    /// The record exists already (e.g. the same CVR): the id of the existing one, and the
    /// message next to the field that makes it the same.
    Duplicate {
        existing: i64,
        errors: FieldErrors,
    },
    /// Someone else saved in between; the form's version is out of date.
    Stale,
    Failed(AppError),
}

impl From<diesel::result::Error> for WriteError {
    fn from(e: diesel::result::Error) -> Self {
        WriteError::Failed(e.into())
    }
}

impl From<AppError> for WriteError {
    fn from(e: AppError) -> Self {
        WriteError::Failed(e)
    }
}

impl WriteError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        WriteError::Invalid(FieldErrors::from([(field, message.into())]))
    }
}

/// An enum stored as text in both databases, with its Danish label for the UI.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => ($text:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Danish word shown in the UI.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Every value as an option of a select list.
            pub fn choices() -> Vec<$crate::models::Choice> {
                Self::ALL
                    .iter()
                    .map(|v| $crate::models::Choice { value: v.as_str().into(), label: v.label().into() })
                    .collect()
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl $name {
            fn from_text(s: &str) -> diesel::deserialize::Result<Self> {
                $name::parse(s).ok_or_else(|| format!("unknown {} value '{}'", stringify!($name), s).into())
            }
        }

        // Read from the database's buffer in place: no String per value and row.
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn from_sql(mut value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> diesel::deserialize::Result<Self> {
                $name::from_text(value.read_text())
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                $name::from_text(std::str::from_utf8(value.as_bytes())?)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn from_sql(
                value: <$crate::db::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                value.from_sql::<Self, diesel::sql_types::Text>()
            }
        }

    };
}
pub(crate) use text_enum;
