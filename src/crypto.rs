//! Random tokens, hashes, password hashing and the keys derived from the secret key.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// 32 random bytes, URL-safe: for session cookies, setup links and feed URLs.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored hashed, so a copy of the database opens no session.
pub fn sha256_hex(input: &str) -> String {
    use std::fmt::Write;
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(input.as_bytes()) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters")
        .to_string()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Keys derived from the one secret key, each for its own purpose.
pub struct Keys {
    pub cookie: actix_web::cookie::Key,
    csrf: Vec<u8>,
    client: Vec<u8>,
    signing: Vec<u8>,
}

impl Keys {
    pub fn derive(secret: &[u8]) -> Keys {
        let derive = |label: &str| {
            let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
            mac.update(label.as_bytes());
            mac.finalize().into_bytes().to_vec()
        };
        let mut cookie = derive("jobcenter-crm cookie signing");
        cookie.extend(derive("jobcenter-crm cookie encryption"));
        Keys {
            cookie: actix_web::cookie::Key::from(&cookie),
            csrf: derive("jobcenter-crm csrf"),
            client: derive("jobcenter-crm client address"),
            signing: derive("jobcenter-crm signed values"),
        }
    }

    /// A keyed hash of a client address, for rate limits: the same address always gives the
    /// same value, but without the secret key the address can neither be read back nor guessed
    /// by hashing candidates.
    pub fn client_hash(&self, address: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.client).expect("HMAC takes any key length");
        mac.update(address.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn signing_mac(&self, value: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.signing).expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        mac
    }

    /// A token only the holder of the secret key can make from `value`: every instance that
    /// shares the key makes the same one (the setup link).
    pub fn token_for(&self, value: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.signing_mac(value).finalize().into_bytes())
    }

    /// `value` with a signature appended ("value.signature"), for a hidden form field whose
    /// content the server must get back unchanged (e.g. when a form was handed out).
    pub fn sign(&self, value: &str) -> String {
        let sig = URL_SAFE_NO_PAD.encode(self.signing_mac(value).finalize().into_bytes());
        format!("{value}.{sig}")
    }

    /// The value of a string made by `sign`, if its signature holds (checked in constant time).
    pub fn verify_signed<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let (value, sig) = signed.trim().rsplit_once('.')?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        self.signing_mac(value).verify_slice(&sig).ok()?;
        Some(value)
    }

    fn csrf_mac(&self, binding: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.csrf).expect("HMAC takes any key length");
        mac.update(binding.as_bytes());
        mac
    }

    /// The form token for a session (or an anonymous visitor's cookie).
    pub fn csrf_token(&self, binding: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.csrf_mac(binding).finalize().into_bytes())
    }

    /// Constant-time check of a submitted form token.
    pub fn verify_csrf(&self, binding: &str, token: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(token.trim()) {
            Ok(bytes) => self.csrf_mac(binding).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("korrekt hest batteri");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&hash, "korrekt hest batteri"));
        assert!(!verify_password(&hash, "forkert"));
        assert!(!verify_password("not a hash", "forkert"));
    }

    #[test]
    fn csrf_tokens_are_bound() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let token = keys.csrf_token("session-a");
        assert!(keys.verify_csrf("session-a", &token));
        assert!(!keys.verify_csrf("session-b", &token));
        assert!(!keys.verify_csrf("session-a", ""));
        assert!(!keys.verify_csrf("session-a", "!!!"));
        let other = Keys::derive(b"another secret key, 32 chars long!!");
        assert!(!other.verify_csrf("session-a", &token));
    }

    #[test]
    fn signed_values_round_trip_and_resist_tampering() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let signed = keys.sign("7.1700000000.abc");
        assert_eq!(keys.verify_signed(&signed), Some("7.1700000000.abc"));
        assert_eq!(keys.verify_signed(&signed.replacen('7', "8", 1)), None);
        assert_eq!(keys.verify_signed("7.1700000000.abc"), None);
        assert_eq!(keys.verify_signed(""), None);
        let other = Keys::derive(b"another secret key, 32 chars long!!");
        assert_eq!(other.verify_signed(&signed), None);
    }

    #[test]
    fn client_hashes_are_keyed_and_stable() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let h = keys.client_hash("203.0.113.7");
        assert_eq!(h, keys.client_hash("203.0.113.7"));
        assert_ne!(h, keys.client_hash("203.0.113.8"));
        assert_eq!(h.len(), 64);
        assert!(!h.contains("203"));
        let other = Keys::derive(b"another secret key, 32 chars long!!");
        assert_ne!(h, other.client_hash("203.0.113.7"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
