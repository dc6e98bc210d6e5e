//! Dates and timestamps read without chrono's format parser. SQLite keeps them as text, and
//! diesel reads each with `parse_from_str` (an interpreted strftime pattern per value): on a
//! list page with a few dates per row that was ≈ 10 % of the page. A model field opts in with
//! `#[diesel(deserialize_as = Fast<…>)]`; text in diesel's own format ("2026-11-24",
//! "2026-11-24 09:30:00.123456") is parsed here and anything else falls back to diesel. On
//! PostgreSQL (binary values) diesel's own conversion is used as it is.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Date, Nullable, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

use super::MultiBackend as Multi;

/// A date bound as a parameter: on SQLite written as "YYYY-MM-DD" without chrono's formatter
/// (an interpreted strftime pattern per value, like the parser); PostgreSQL binds it as diesel
/// does. For statements that bind many dates (the follow-up groups and their counts).
#[derive(Debug, Clone, Copy, diesel::expression::AsExpression)]
#[diesel(sql_type = Date)]
pub struct FastDate(pub NaiveDate);

impl ToSql<Date, Sqlite> for FastDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        use chrono::Datelike;
        let d = self.0;
        if !(0..=9999).contains(&d.year()) {
            return ToSql::<Date, Sqlite>::to_sql(&self.0, out);
        }
        let pad = |text: &mut String, n: u32, width: u32| {
            for place in (0..width).rev() {
                text.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
            }
        };
        let mut text = String::with_capacity(10);
        pad(&mut text, d.year() as u32, 4);
        text.push('-');
        pad(&mut text, d.month(), 2);
        text.push('-');
        pad(&mut text, d.day(), 2);
        out.set_value(text);
        Ok(IsNull::No)
    }
}

impl ToSql<Date, Pg> for FastDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<Date, Pg>::to_sql(&self.0, out)
    }
}

/// A date or timestamp (or an optional one) read with the fast parser.
#[derive(Debug, diesel::deserialize::FromSqlRow)]
pub struct Fast<T>(T);

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// "YYYY-MM-DD".
fn date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&s[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&s[5..7])?, digits(&s[8..10])?)
}

/// "YYYY-MM-DD HH:MM:SS" with an optional fraction of up to nine digits.
fn datetime(s: &[u8]) -> Option<NaiveDateTime> {
    if s.len() < 19 || !matches!(s[10], b' ' | b'T') || s[13] != b':' || s[16] != b':' {
        return None;
    }
    let nanos = match &s[19..] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            digits(frac)? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(
        digits(&s[11..13])?,
        digits(&s[14..16])?,
        digits(&s[17..19])?,
        nanos,
    )?;
    Some(date(&s[..10])?.and_time(time))
}

macro_rules! fast {
    ($t:ty, $st:ty, $parse:ident) => {
        impl FromSql<$st, Sqlite> for Fast<$t> {
            fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                if let Some(v) = $parse(value.read_text().as_bytes()) {
                    return Ok(Fast(v));
                }
                <$t as FromSql<$st, Sqlite>>::from_sql(value).map(Fast)
            }
        }

        impl FromSql<$st, Pg> for Fast<$t> {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                <$t as FromSql<$st, Pg>>::from_sql(value).map(Fast)
            }
        }

        impl From<Fast<$t>> for $t {
            fn from(v: Fast<$t>) -> $t {
                v.0
            }
        }

        impl From<Fast<Option<$t>>> for Option<$t> {
            fn from(v: Fast<Option<$t>>) -> Option<$t> {
                v.0
            }
        }

        impl<DB> FromSql<Nullable<$st>, DB> for Fast<Option<$t>>
        where
            DB: diesel::backend::Backend,
            Fast<$t>: FromSql<$st, DB>,
        {
            fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
                <Fast<$t> as FromSql<$st, DB>>::from_sql(value).map(|v| Fast(Some(v.0)))
            }

            fn from_nullable_sql(value: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
                value.map_or(Ok(Fast(None)), Self::from_sql)
            }
        }

        impl FromSql<$st, Multi> for Fast<$t> {
            fn from_sql(
                value: <Multi as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                value.from_sql::<Self, $st>()
            }
        }
    };
}

fast!(NaiveDate, Date, date);
fast!(NaiveDateTime, Timestamp, datetime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_bound_as_diesel_writes_them() {
        use diesel::prelude::*;
        for (y, m, day) in [(2026, 11, 24), (1, 1, 1), (9999, 12, 31), (987, 3, 9)] {
            let d = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
            let (ours, diesels): (String, String) = diesel::select((
                diesel::dsl::sql::<diesel::sql_types::Text>("CAST(")
                    .bind::<Date, _>(FastDate(d))
                    .sql(" AS TEXT)"),
                diesel::dsl::sql::<diesel::sql_types::Text>("CAST(")
                    .bind::<Date, _>(d)
                    .sql(" AS TEXT)"),
            ))
            .get_result(&mut conn)
            .unwrap();
            assert_eq!(ours, diesels);
            assert_eq!(ours, d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn diesels_text_formats_are_read_and_nonsense_is_not() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(date(b"2026-11-24"), Some(d(2026, 11, 24)));
        assert_eq!(date(b"2026-02-30"), None);
        assert_eq!(date(b"2026-1-24"), None);
        assert_eq!(date(b"2026-11-24 "), None);
        let at = |h, mi, s, n| d(2026, 11, 24).and_hms_nano_opt(h, mi, s, n).unwrap();
        assert_eq!(datetime(b"2026-11-24 09:30:05"), Some(at(9, 30, 5, 0)));
        assert_eq!(
            datetime(b"2026-11-24 09:30:05.123456"),
            Some(at(9, 30, 5, 123_456_000))
        );
        assert_eq!(
            datetime(b"2026-11-24T23:59:59.5"),
            Some(at(23, 59, 59, 500_000_000))
        );
        assert_eq!(datetime(b"2026-11-24 24:00:00"), None);
        assert_eq!(datetime(b"2026-11-24 09:30:05+01:00"), None);
        assert_eq!(datetime(b"2026-11-24 09:30:05."), None);
        // What diesel writes reads back the same.
        let t = at(8, 1, 2, 345_678_000);
        let written = t.format("%F %T%.f").to_string();
        assert_eq!(datetime(written.as_bytes()), Some(t));
    }
}
