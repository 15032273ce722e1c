//! Domain types that both nhi products share.
//!
//! The provider and the linter must agree on what "too long" and "too broad" mean, so those
//! definitions live here, once: [`Ttl`] (a bounded, non-zero duration with Terraform-style
//! spelling), [`Policy`] (lifetime limits and enforcement), [`Scope`] (and when it is broad),
//! [`Owner`] validation and the injected [`Clock`]. Nothing here knows about gRPC, SQL or HCL.

mod api_key;
mod clock;
mod duration;
mod expiry;
mod owner;
mod policy;
mod scope;
mod text;

pub use api_key::{
    API_KEY_BODY_LEN, API_KEY_CHECK_LEN, API_KEY_HANDLE_BODY_LEN, API_KEY_LEN, API_KEY_PATTERN, API_KEY_PREFIX,
    ApiKeyFormatError, Secret, api_key_from_body, api_key_handle, check_api_key, push_base62,
};
pub use clock::{Clock, FixedClock, OffsetClock, SystemClock, TEST_CLOCK_ENV, clock_from_env};
pub use duration::{Ttl, TtlError};
pub use expiry::{ExpiryFinding, ExpiryLevel, ExpiryStatus, TimestampError, check_expiry, days_until, parse_timestamp};
pub use owner::{Owner, OwnerError, non_blank};
pub use policy::{Enforcement, Policy, PolicyError};
pub use scope::{Scope, ScopeError, is_broad_str};
pub use text::{MAX_LABELS, MAX_SCOPES, TextError, TextField, check_text};

/// Re-exported so that callers use the same timestamp type as this crate.
pub use jiff::Timestamp;
