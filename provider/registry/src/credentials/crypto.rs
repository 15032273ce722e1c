//! The cryptography behind credentials, in one place: Ed25519 signing keys (ring), JWTs
//! (jsonwebtoken), API key derivation (HMAC-SHA-512) and hashing (SHA-256).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nhi_core::{API_KEY_BODY_LEN, Secret, api_key_from_body, push_base62};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::KeyPair;
use ring::{digest, hmac};
use serde::{Deserialize, Serialize};

use crate::RegistryError;

fn crypto_error(what: &str) -> RegistryError {
    RegistryError::Storage(format!("{what} failed"))
}

/// `n` bytes from the operating system's generator.
pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, RegistryError> {
    let mut out = vec![0u8; n];
    SystemRandom::new().fill(&mut out).map_err(|_| crypto_error("reading the system random generator"))?;
    Ok(out)
}

/// A new Ed25519 key pair: (PKCS#8 v2 document, 32-byte public key).
pub(crate) fn new_signing_key() -> Result<(Vec<u8>, Vec<u8>), RegistryError> {
    let rng = SystemRandom::new();
    let pkcs8 =
        ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| crypto_error("generating an Ed25519 key"))?;
    let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| crypto_error("reading a new Ed25519 key"))?;
    Ok((pkcs8.as_ref().to_vec(), pair.public_key().as_ref().to_vec()))
}

/// A key id derived from the public key: the first 16 characters of its SHA-256, base64url.
pub(crate) fn key_id(public_key: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, public_key);
    let mut kid = URL_SAFE_NO_PAD.encode(hash.as_ref());
    kid.truncate(16);
    kid
}

pub(crate) fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of an nhi token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    /// Space-separated, as OAuth's `scope` claim.
    pub scope: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
}

pub(crate) fn sign(claims: &Claims, kid: &str, pkcs8: &[u8]) -> Result<Secret, RegistryError> {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_ed_der(pkcs8))
        .map(Secret::new)
        .map_err(|e| RegistryError::Storage(format!("cannot sign a token: {e}")))
}

/// The `kid` of a token's header, without checking anything else.
pub(crate) fn token_kid(token: &str) -> Result<String, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("not a JWT ({e})"))?;
    if header.alg != jsonwebtoken::Algorithm::EdDSA {
        return Err(format!("signed with {:?}; nhi tokens are signed with EdDSA", header.alg));
    }
    header.kid.ok_or_else(|| "its header names no signing key (kid)".to_owned())
}

/// Checks the signature, issuer and audience, and returns the claims. Times are judged by the
/// caller against its own clock.
pub(crate) fn verify(token: &str, public_key: &[u8], issuer: &str, audience: &str) -> Result<Claims, String> {
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.required_spec_claims = ["exp", "nbf", "iat", "iss", "sub", "aud", "jti"].iter().map(|s| s.to_string()).collect();
    v.set_audience(&[audience]);
    v.set_issuer(&[issuer]);
    let key = jsonwebtoken::DecodingKey::from_ed_der(public_key);
    jsonwebtoken::decode::<Claims>(token, &key, &v).map(|data| data.claims).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidSignature => "its signature does not verify".to_owned(),
            ErrorKind::InvalidAudience => format!("it is not meant for audience {audience:?}"),
            ErrorKind::InvalidIssuer => "it was issued by another registry".to_owned(),
            ErrorKind::MissingRequiredClaim(c) => format!("it lacks the {c:?} claim"),
            _ => format!("it is not a valid nhi token ({e})"),
        }
    })
}

/// The text of the API key with id `id`, derived from the registry's derivation secret: the
/// registry keeps only the key's hash, yet can hand the key to Terraform again in every run.
pub(crate) fn derive_api_key(derivation_secret: &[u8], id: &str) -> Result<Secret, RegistryError> {
    let key = hmac::Key::new(hmac::HMAC_SHA512, derivation_secret);
    let mut body = String::with_capacity(API_KEY_BODY_LEN);
    // 64 bytes give 52 characters unless more than 12 bytes are skipped; then take another block.
    for block in 0u32.. {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(b"nhi api key v1\0");
        ctx.update(id.as_bytes());
        ctx.update(&block.to_be_bytes());
        let tag = ctx.sign();
        let missing = API_KEY_BODY_LEN - body.len();
        push_base62(tag.as_ref(), &mut body, missing);
        if body.len() == API_KEY_BODY_LEN {
            break;
        }
    }
    api_key_from_body(&body).map(Secret::new).map_err(|e| RegistryError::Storage(format!("key derivation: {e}")))
}

/// The SHA-256 of a key's text: what the registry stores and looks keys up by.
pub(crate) fn key_hash(key: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, key.as_bytes()).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_are_stable_distinct_and_well_formed() {
        let secret = random_bytes(32).unwrap();
        let a = derive_api_key(&secret, "key-a").unwrap();
        assert_eq!(a, derive_api_key(&secret, "key-a").unwrap());
        assert_ne!(a, derive_api_key(&secret, "key-b").unwrap());
        assert_ne!(a, derive_api_key(&random_bytes(32).unwrap(), "key-a").unwrap());
        assert_eq!(nhi_core::check_api_key(a.expose()), Ok(()));
    }

    #[test]
    fn tokens_verify_only_with_their_key_issuer_and_audience() {
        let (pkcs8, public) = new_signing_key().unwrap();
        let (_, other_public) = new_signing_key().unwrap();
        let claims = Claims {
            iss: "urn:nhi:registry:t".into(),
            sub: "sa-1".into(),
            aud: "warehouse".into(),
            scope: "a:read b:write".into(),
            iat: 1,
            nbf: 1,
            exp: 2,
            jti: "j".into(),
        };
        let kid = key_id(&public);
        let token = sign(&claims, &kid, &pkcs8).unwrap();
        assert_eq!(token_kid(token.expose()).unwrap(), kid);
        assert_eq!(verify(token.expose(), &public, "urn:nhi:registry:t", "warehouse").unwrap(), claims);
        assert!(
            verify(token.expose(), &other_public, "urn:nhi:registry:t", "warehouse").unwrap_err().contains("signature")
        );
        assert!(verify(token.expose(), &public, "urn:nhi:registry:t", "other").unwrap_err().contains("audience"));
        assert!(
            verify(token.expose(), &public, "urn:nhi:registry:x", "warehouse")
                .unwrap_err()
                .contains("another registry")
        );
        assert!(token_kid("not a token").is_err());
    }
}
