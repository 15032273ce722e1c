//! The one definition of an nhi API key's text, shared by the registry (which mints and
//! verifies keys) and nhi-lint (which finds leaked ones).
//!
//! A key reads `nhik_<body>_<check>`:
//! - `nhik` — a fixed prefix, so secret scanners can spot a key and say what it is;
//! - `body` — [`API_KEY_BODY_LEN`] base62 characters (about 309 bits) of key material;
//! - `check` — CRC-32 (IEEE) of `nhik_<body>` in [`API_KEY_CHECK_LEN`] base62 characters, so
//!   a scanner can tell a real key from random text of the same shape without asking anyone.
//!
//! The first [`API_KEY_HANDLE_BODY_LEN`] characters of the body, with the prefix, form the key's
//! *handle* (`nhik_AbCd1234`): a non-secret name for the key in state, logs and inventories. The
//! rest of the body still carries more than 256 bits.

use std::fmt;

/// The fixed prefix of every key.
pub const API_KEY_PREFIX: &str = "nhik";
/// Base62 characters of key material.
pub const API_KEY_BODY_LEN: usize = 52;
/// Base62 characters of the checksum.
pub const API_KEY_CHECK_LEN: usize = 6;
/// Length of a whole key.
pub const API_KEY_LEN: usize = API_KEY_PREFIX.len() + 1 + API_KEY_BODY_LEN + 1 + API_KEY_CHECK_LEN;
/// Body characters shown in the handle.
pub const API_KEY_HANDLE_BODY_LEN: usize = 8;
/// A regular expression matching text shaped like a key (the checksum still has to be checked
/// with [`check_api_key`]).
pub const API_KEY_PATTERN: &str = r"\bnhik_[0-9A-Za-z]{52}_[0-9A-Za-z]{6}\b";

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Why a text is not an API key. Never quotes the text: it may be a real key with a typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyFormatError {
    #[error("it does not start with \"nhik_\"")]
    Prefix,
    #[error("it has {0} characters; an nhi API key has 64")]
    Length(usize),
    #[error("it contains a character other than letters, digits and the two underscores")]
    Character,
    #[error("its checksum does not match (a character is wrong or missing)")]
    Checksum,
}

/// Turns key material into base62 body characters: each byte below 248 gives one character
/// (248 = 4 × 62, so every character is equally likely); bytes from 248 up are skipped. Returns
/// how many characters were appended.
pub fn push_base62(bytes: &[u8], out: &mut String, want: usize) -> usize {
    let mut added = 0;
    for &b in bytes {
        if added == want {
            break;
        }
        if b < 248 {
            out.push(BASE62[usize::from(b % 62)] as char);
            added += 1;
        }
    }
    added
}

fn checksum(prefix_and_body: &str) -> String {
    let mut n = crc32fast::hash(prefix_and_body.as_bytes());
    let mut digits = [b'0'; API_KEY_CHECK_LEN];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    digits.iter().map(|&b| b as char).collect()
}

/// The whole key for a body of [`API_KEY_BODY_LEN`] base62 characters.
pub fn api_key_from_body(body: &str) -> Result<String, ApiKeyFormatError> {
    if body.len() != API_KEY_BODY_LEN {
        return Err(ApiKeyFormatError::Length(API_KEY_PREFIX.len() + 2 + body.len() + API_KEY_CHECK_LEN));
    }
    if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiKeyFormatError::Character);
    }
    let head = format!("{API_KEY_PREFIX}_{body}");
    let check = checksum(&head);
    Ok(format!("{head}_{check}"))
}

/// Checks that `text` is exactly one well-formed key (prefix, length, characters, checksum).
pub fn check_api_key(text: &str) -> Result<(), ApiKeyFormatError> {
    let Some(rest) = text.strip_prefix(API_KEY_PREFIX).and_then(|r| r.strip_prefix('_')) else {
        return Err(ApiKeyFormatError::Prefix);
    };
    if text.len() != API_KEY_LEN {
        return Err(ApiKeyFormatError::Length(text.chars().count()));
    }
    let (body, check) = rest.split_at(API_KEY_BODY_LEN);
    let Some(check) = check.strip_prefix('_') else { return Err(ApiKeyFormatError::Character) };
    if !body.bytes().chain(check.bytes()).all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiKeyFormatError::Character);
    }
    if checksum(&text[..API_KEY_LEN - API_KEY_CHECK_LEN - 1]) != check {
        return Err(ApiKeyFormatError::Checksum);
    }
    Ok(())
}

/// The non-secret handle of a well-formed key: `nhik_` and the first body characters.
pub fn api_key_handle(key: &str) -> Option<&str> {
    check_api_key(key).ok()?;
    key.get(..API_KEY_PREFIX.len() + 1 + API_KEY_HANDLE_BODY_LEN)
}

/// A secret text (an API key, a token): usable, but never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The secret itself: call only where it is handed to its consumer.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        let mut body = String::new();
        let bytes: Vec<u8> = (0u8..=255).collect();
        push_base62(&bytes, &mut body, API_KEY_BODY_LEN);
        api_key_from_body(&body).unwrap()
    }

    #[test]
    fn minted_keys_check_and_have_a_handle() {
        let key = sample();
        assert_eq!(key.len(), API_KEY_LEN);
        assert_eq!(check_api_key(&key), Ok(()));
        assert!(regex::Regex::new(API_KEY_PATTERN).unwrap().is_match(&key));
        assert_eq!(api_key_handle(&key), Some(&key[..13]));
        assert!(api_key_handle(&key).unwrap().starts_with("nhik_"));
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let key = sample();
        for i in 5..key.len() {
            if key.as_bytes()[i] == b'_' {
                continue;
            }
            let mut bytes = key.clone().into_bytes();
            bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let changed = String::from_utf8(bytes).unwrap();
            assert_eq!(check_api_key(&changed), Err(ApiKeyFormatError::Checksum), "position {i}");
        }
    }

    #[test]
    fn malformed_texts_say_why_without_quoting() {
        let key = sample();
        assert_eq!(check_api_key("ghp_abc"), Err(ApiKeyFormatError::Prefix));
        assert_eq!(check_api_key(&key[..40]), Err(ApiKeyFormatError::Length(40)));
        assert_eq!(check_api_key(&format!("{key}x")), Err(ApiKeyFormatError::Length(65)));
        let bad = key.replacen(&key[10..11], "-", 1);
        assert!(check_api_key(&bad).is_err());
        for e in [ApiKeyFormatError::Checksum, ApiKeyFormatError::Length(3)] {
            assert!(!e.to_string().contains(&key[5..20]));
        }
        assert_eq!(format!("{:?}", Secret::new(key.clone())), "Secret(<redacted>)");
    }

    #[test]
    fn base62_is_unbiased_and_skips_high_bytes() {
        let mut out = String::new();
        assert_eq!(push_base62(&[0, 61, 62, 247, 248, 255, 1], &mut out, 10), 5);
        assert_eq!(out, "0z0z1");
    }
}
