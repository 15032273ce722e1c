//! Vault mounts as the lifetime rules see them (NHI317 for auth roles, NHI318 for secrets-engine
//! roles): which mount a role lives on, and whether its lease defaults are shorter than
//! Vault's own.

use crate::query::Item;
use crate::rule::Ctx;
use crate::rules::common::{Dur, duration, referenced};

/// The policies a Vault auth role hands out (`token_policies`, and `policies` of providers
/// before 3.0), as values: references not known here stay unknown.
pub fn role_policies(r: &Item<'_>) -> Vec<crate::eval::Value> {
    ["token_policies", "policies"].iter().flat_map(|k| r.values(k)).flat_map(|v| v.items()).collect()
}

/// Vault's built-in maximum lease (768 hours, 32 days).
pub const VAULT_DEFAULT_SECS: u64 = 768 * 3600;

/// Whether one of `keys` of `item` sets a lifetime under Vault's default. `0` means "the
/// default"; an unknown value (a variable) is the author's choice and is not second-guessed.
pub fn short_lease(item: &Item<'_>, keys: &[&str]) -> bool {
    keys.iter().filter(|k| item.has(k)).any(|k| match item.value(k).as_ref().map(duration) {
        Some(Some(Dur::Secs(s))) => s < VAULT_DEFAULT_SECS,
        Some(Some(Dur::Zero)) => false,
        Some(None) | None => true,
    })
}

/// Whether one of `attrs` of a role sets a lifetime limit: present and not `0`, which Vault
/// reads as "not set" (an unknown value is the author's limit).
pub fn has_own_lifetime(r: &Item<'_>, attrs: &[&str]) -> bool {
    attrs.iter().filter(|k| r.has(k)).any(|k| sets_lifetime(r.value(k).as_ref()))
}

/// Whether a lifetime setting that is present (a role's attribute, a field of a role written
/// as a document) sets a limit: anything but `0`, Vault's "not set"; null or unknown is the
/// author's limit.
pub fn sets_lifetime(v: Option<&crate::eval::Value>) -> bool {
    !matches!(v.map(duration), Some(Some(Dur::Zero)))
}

/// A mount's path, without slashes: its `path`, else the type's default path, else its `type`.
pub fn mount_path(m: &Item<'_>, default: Option<&str>) -> Option<String> {
    let p = m
        .str("path")
        .or_else(|| if m.has("path") { None } else { default.map(str::to_owned).or_else(|| m.str("type")) })?;
    Some(p.trim_matches('/').to_owned())
}

/// The policies a `vault_generic_endpoint` grants when it writes an auth role or user (a path
/// under `auth/`): `policies` or `token_policies` of its `data_json` document, each a list or
/// the API's comma-separated string. Empty for other endpoints or a document not known here.
pub fn generic_endpoint_policies(item: &Item<'_>) -> Vec<String> {
    let under_auth = item.str("path").is_some_and(|p| p.trim_start_matches('/').starts_with("auth/"));
    let doc = item.attr("data_json").filter(|_| under_auth).and_then(|a| item.env.eval_document(&a.expr));
    let Some(doc) = doc else { return Vec::new() };
    let mut out = Vec::new();
    for v in ["policies", "token_policies"].iter().filter_map(|k| doc.get(k)) {
        out.extend(v.items().iter().filter_map(|x| x.as_str().map(str::to_owned)));
        out.extend(v.as_str().into_iter().flat_map(|s| s.split(',').map(|p| p.trim().to_owned())));
    }
    out
}

/// The mount among `mounts` (`(type, default path)`) that role `r` lives on, through its
/// `backend` (or `mount`) argument or, without one, at `default` path: `Some(Some(m))` found,
/// `Some(None)` named but not in the module, `None` not known.
pub fn role_mount<'a>(
    cx: &Ctx<'a>,
    r: &Item<'_>,
    mounts: &[(&str, Option<&str>)],
    default: Option<&str>,
) -> Option<Option<Item<'a>>> {
    let named = r.attr("backend").or_else(|| r.attr("mount"));
    if let Some(a) = named
        && let Some(m) = mounts.iter().find_map(|(ty, _)| referenced(cx, &a.expr, ty))
    {
        return Some(Some(m));
    }
    let path = match named {
        Some(_) => r.str("backend").or_else(|| r.str("mount"))?,
        None => default?.to_owned(),
    };
    let path = path.trim_matches('/').to_owned();
    Some(
        mounts
            .iter()
            .flat_map(|(ty, default)| cx.resources(ty).into_iter().map(move |m| (m, *default)))
            .find_map(|(m, default)| (mount_path(&m, default).as_deref() == Some(path.as_str())).then_some(m)),
    )
}
