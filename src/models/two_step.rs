//! Two-step sign-in: a TOTP key per user (RFC 6238, by the `totp-rs` crate: 6 digits, 30-second
//! steps, one step either side accepted), each code accepted once, and ten single-use recovery
//! codes stored hashed. A jobcenter may require it of everyone or of its managers and admins.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use totp_rs::{Builder, Secret, Totp};

use super::text_enum;
use super::user::Role;
use crate::crypto;
use crate::db::schema::{recovery_codes, users};
use crate::db::{DbConn, write_tx};

pub const RECOVERY_CODES: usize = 10;

text_enum! {
    /// Whom a jobcenter requires to sign in in two steps.
    pub enum TwoStepPolicy {
        Nobody => ("none", "Ingen (frivilligt)"),
        Leaders => ("managers", "Ledere og administratorer"),
        Everyone => ("everyone", "Alle medarbejdere"),
    }
}

impl TwoStepPolicy {
    pub fn requires(self, role: Role) -> bool {
        match self {
            TwoStepPolicy::Nobody => false,
            TwoStepPolicy::Leaders => role >= Role::Manager,
            TwoStepPolicy::Everyone => true,
        }
    }
}

/// A fresh key, base32 as authenticator apps take it typed in: 160 random bits (RFC 4226).
pub fn new_key() -> String {
    let bytes: [u8; 20] = rand::rngs::OsRng.r#gen();
    Secret::from(bytes).to_base32()
}

/// The key as an authenticator app sees it: the jobcenter as issuer, the e-mail as account.
/// None when the key is not base32.
pub fn totp(key: &str, issuer: &str, account: &str) -> Option<Totp> {
    Builder::new()
        .with_secret(Secret::try_from_base32(key).ok()?)
        // The otpauth label separates issuer and account with a colon.
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(account.replace(':', " "))
        .build()
        .ok()
}

/// The address an authenticator app reads from the QR code.
pub fn otpauth_url(key: &str, issuer: &str, account: &str) -> Option<String> {
    totp(key, issuer, account)?.to_url().ok()
}

/// Whether `code` is the key's code at `unix_time` (± one step): the matched time step.
pub fn check(key: &str, code: &str, unix_time: u64) -> Option<u64> {
    totp(key, "", "x")?.check(&code.replace(' ', ""), unix_time)
}

/// How a second step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Code,
    RecoveryCode,
    Wrong,
}

/// Ten codes like `k7m2-q9xp-4t`, easy to read aloud and type.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
        })
        .collect()
}

/// Recovery codes are compared without dashes, spaces or case.
fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    crypto::sha256_hex(&plain)
}

pub struct TwoStep;

impl TwoStep {
    /// The user's key, if they have turned two-step sign-in on.
    pub fn key(c: &mut DbConn, user_id: i64) -> QueryResult<Option<String>> {
        users::table
            .find(user_id)
            .select(users::totp_secret)
            .first(c)
    }

    /// Turns it on with a key the user has proved with a code of `step`; returns the recovery
    /// codes, in clear this once.
    pub fn enable(c: &mut DbConn, user_id: i64, key: &str, step: u64) -> QueryResult<Vec<String>> {
        write_tx(c, |c| {
            diesel::update(users::table.find(user_id))
                .set((
                    users::totp_secret.eq(key),
                    users::totp_last_step.eq(step as i64),
                ))
                .execute(c)?;
            Self::new_recovery_codes(c, user_id)
        })
    }

    /// Replaces the recovery codes with ten new ones, returned in clear this once.
    pub fn new_recovery_codes(c: &mut DbConn, user_id: i64) -> QueryResult<Vec<String>> {
        let codes = new_recovery_codes();
        write_tx(c, |c| {
            diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
                .execute(c)?;
            for code in &codes {
                diesel::insert_into(recovery_codes::table)
                    .values((
                        recovery_codes::user_id.eq(user_id),
                        recovery_codes::code_hash.eq(recovery_hash(code)),
                    ))
                    .execute(c)?;
            }
            QueryResult::Ok(())
        })?;
        Ok(codes)
    }

    /// Turns it off (the user, or an admin resetting it): key and recovery codes are gone.
    pub fn disable(c: &mut DbConn, user_id: i64) -> QueryResult<()> {
        write_tx(c, |c| {
            diesel::update(users::table.find(user_id))
                .set((
                    users::totp_secret.eq(None::<String>),
                    users::totp_last_step.eq(None::<i64>),
                ))
                .execute(c)?;
            diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
                .execute(c)
                .map(drop)
        })
    }

    /// Unused recovery codes left.
    pub fn recovery_codes_left(c: &mut DbConn, user_id: i64) -> QueryResult<i64> {
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::used_at.is_null())
            .count()
            .get_result(c)
    }

    /// Checks a second step: the current code of the user's key, in a time step later than the
    /// last one accepted (a code works once, even when two requests race: the step moves
    /// forward in one conditional update), or an unused recovery code, which is used up.
    pub fn verify(
        c: &mut DbConn,
        user_id: i64,
        code: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Verified> {
        let Some(key) = Self::key(c, user_id)? else {
            return Ok(Verified::Wrong);
        };
        let unix_time = now.and_utc().timestamp().max(0) as u64;
        if let Some(step) = check(&key, code, unix_time) {
            let step = step as i64;
            let accepted = diesel::update(
                users::table.find(user_id).filter(
                    users::totp_last_step
                        .is_null()
                        .or(users::totp_last_step.lt(step)),
                ),
            )
            .set(users::totp_last_step.eq(step))
            .execute(c)?;
            return Ok(if accepted == 1 {
                Verified::Code
            } else {
                Verified::Wrong
            });
        }
        let used = diesel::update(
            recovery_codes::table
                .filter(recovery_codes::user_id.eq(user_id))
                .filter(recovery_codes::code_hash.eq(recovery_hash(code)))
                .filter(recovery_codes::used_at.is_null()),
        )
        .set(recovery_codes::used_at.eq(now))
        .execute(c)?;
        Ok(if used == 1 {
            Verified::RecoveryCode
        } else {
            Verified::Wrong
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_valid_one_step_either_side_and_no_further() {
        let key = new_key();
        let totp = totp(&key, "Jobcenter: Køge", "anne@koege.dk").unwrap();
        let now = 1_800_000_000;
        let code = totp.generate(now).to_string();
        assert!(check(&key, &code, now).is_some());
        assert!(check(&key, &code, now + 30).is_some());
        assert!(check(&key, &code, now - 30).is_some());
        assert!(check(&key, &code, now + 90).is_none());
        assert!(check(&key, "000000x", now).is_none());
        let url = otpauth_url(&key, "Jobcenter: Køge", "anne@koege.dk").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={key}")), "{url}");
    }

    #[test]
    fn recovery_codes_are_ten_different_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            codes
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            10
        );
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase().replace('-', " "))
        );
    }
}
