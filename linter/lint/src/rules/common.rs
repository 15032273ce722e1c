//! Small judgements several rules share: durations, member strings, where a credential stands
//! in its lifecycle. (Placeholders and entropy belong to the secrets facts.)

use nhi_core::{Timestamp, Ttl, parse_timestamp};

use crate::eval::{Env, Value};
use crate::query::Item;
use crate::rule::Ctx;
use crate::syntax::{BinOp, Expr, ExprKind, TemplatePart};

/// A duration as Vault and cloud providers write it: seconds, or `1h30m`/`768h`/`90d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dur {
    /// `0` or `"0"`: for Vault, "no limit".
    Zero,
    Secs(u64),
}

/// A rotation interval for messages: `365 days`, `1 day`, and under two days in the policy's
/// spelling (`1d12h`, `20h`), never "1 days" or "0 days".
pub fn interval(secs: u64) -> String {
    match secs / 86_400 {
        days if days >= 2 => format!("{days} days"),
        _ if secs == 86_400 => "1 day".to_owned(),
        _ => Ttl::from_secs(secs).map_or_else(|| format!("{secs}s"), |t| t.to_string()),
    }
}

/// `1 second`, `7776000 seconds`.
pub fn plural_seconds(secs: u64) -> String {
    if secs == 1 { "1 second".to_owned() } else { format!("{secs} seconds") }
}

pub fn duration(v: &Value) -> Option<Dur> {
    match v {
        Value::Number(n) if *n <= 0.0 => Some(Dur::Zero),
        Value::Number(n) => Some(Dur::Secs(*n as u64)),
        Value::Str(s) => {
            let t = s.trim();
            if t.trim_start_matches('0').is_empty() || t == "0s" || t == "0h" || t == "0m" {
                return Some(Dur::Zero);
            }
            nhi_core::Ttl::parse(t).ok().map(|d| Dur::Secs(d.as_secs()))
        }
        _ => None,
    }
}

/// The known beginning of a string expression: the whole string when known, else the literal
/// text before the first unknown interpolation (or unknown argument of `format`).
pub fn known_prefix(e: &Expr, env: &Env<'_>) -> Option<String> {
    if let Some(s) = env.eval(e).as_str() {
        return Some(s.to_owned());
    }
    let ExprKind::Template(parts) = &e.kind else {
        // `format("serviceAccount:%s", google_service_account.x.email)`: the text before what
        // is not known; also through a local (`local.member` built that way).
        let Value::Str(s) = env.eval_lenient_deep(e) else { return None };
        return Some(s.split(crate::eval::HOLE).next().unwrap_or_default().to_owned());
    };
    let mut out = String::new();
    for p in parts {
        match p {
            TemplatePart::Lit(l) => out.push_str(l),
            TemplatePart::Interp(x) => match env.eval(x).as_str() {
                Some(s) => out.push_str(s),
                None => break,
            },
            TemplatePart::Directive(_) => break,
        }
    }
    Some(out)
}

/// Whether a Vault auth role is a person's login: an OIDC role with redirect URIs, bound to a
/// group or subject of the identity provider (a JWT role is a machine's), or a user of a
/// userpass mount written through the generic API (`path = "auth/userpass/users/alice"`, or
/// under a mount named by a `userpass` backend), which is how people sign in with a password.
pub fn vault_person_login(item: &Item<'_>) -> bool {
    if matches!(item.label(0), "vault_generic_endpoint" | "vault_generic_secret") {
        let path = item.str("path").or_else(|| {
            let a = item.attr("path")?;
            let mut mount = false;
            a.expr.walk(&mut |e| {
                mount |=
                    e.traversal_path().is_some_and(|p| p.starts_with("vault_auth_backend.") && p.contains("userpass"))
            });
            written_text(&a.expr).map(|t| if mount { t.replace("${…}", "userpass") } else { t })
        });
        return path.is_some_and(|p| {
            let p = p.trim_start_matches('/');
            p.starts_with("auth/") && p.contains("userpass/users/")
        });
    }
    item.label(0) == "vault_jwt_auth_backend_role"
        && item.str("role_type").is_none_or(|t| t == "oidc")
        && item.has("allowed_redirect_uris")
        && (item.has("bound_claims") || item.has("bound_subject"))
}

/// Whether an IAM member expression names a GCP service account.
pub fn is_service_account_member(e: &Expr, env: &Env<'_>) -> bool {
    if let Some(p) = known_prefix(e, env) {
        // A service account's email is a machine identity whatever the member is prefixed
        // with (`user:ci@p.iam.gserviceaccount.com`) or when the prefix is left out.
        let email = p.rsplit(':').next().unwrap_or("");
        if p.starts_with("serviceAccount:") || (email.contains('@') && email.ends_with(".gserviceaccount.com")) {
            return true;
        }
    }
    // Also `var.member` of a module whose caller passes `google_service_account.x.member`.
    match env.origin(e) {
        Some(p) => {
            // `.member` is `serviceAccount:EMAIL`; a bare `.email` is what a plan's configuration
            // says an unknown member refers to (the template around it is not kept there).
            (p.starts_with("google_service_account.") || p.starts_with("data.google_service_account."))
                && (p.ends_with(".member") || p.ends_with(".email"))
        }
        None => false,
    }
}

/// Whether an IAM member expression names a workload identity federation principal
/// (`principal://…` or `principalSet://…` of a workload identity pool): a machine identity,
/// like a service account. Workforce pool principals (`…/workforcePools/…`) are people and are
/// left out, as is a principal whose pool is not known statically.
pub fn is_workload_principal_member(e: &Expr, env: &Env<'_>) -> bool {
    let Some(p) = known_prefix(e, env) else { return false };
    if !(p.starts_with("principal://") || p.starts_with("principalSet://")) {
        return false;
    }
    // Holes kept: `principalSet://…/projects/${var.number}/locations/global/workloadIdentityPools/…`.
    let whole = match env.eval_lenient(e) {
        Value::Str(s) => s,
        _ => p.clone(),
    };
    if whole.contains("/workloadIdentityPools/") {
        return !whole.contains("/workforcePools/");
    }
    // `principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/…`
    let mut pool = false;
    e.walk(&mut |x| {
        pool |= x.traversal_path().is_some_and(|t| {
            t.starts_with("google_iam_workload_identity_pool.")
                || t.starts_with("data.google_iam_workload_identity_pool.")
        })
    });
    pool && !p.contains("/workforcePools/")
}

/// What kind of machine identity an IAM member expression names, if any (people, groups,
/// domains, `allUsers` and unknown members are `None`).
pub fn machine_member_kind(e: &Expr, env: &Env<'_>) -> Option<&'static str> {
    if is_service_account_member(e, env) {
        Some("a service account")
    } else if is_workload_principal_member(e, env) {
        Some("a workload identity principal")
    } else {
        None
    }
}

/// Whether an IAM member names a Google-managed service agent
/// (`service-PROJECT_NUMBER@compute-system.iam.gserviceaccount.com`,
/// `PROJECT_NUMBER@cloudservices.gserviceaccount.com`): Google's own machinery acting for a
/// service, which documented setups must grant roles to, not a workload of the configuration.
pub fn is_service_agent_member(e: &Expr, env: &Env<'_>) -> bool {
    let Some(text) = member_text(e, env) else { return false };
    let email = text.strip_prefix("serviceAccount:").unwrap_or(&text);
    let Some((local, domain)) = email.split_once('@') else { return false };
    // `service-` then the project number (or where it goes): a service account of the
    // configuration may be called `service-api`.
    let numbered = local
        .strip_prefix("service-")
        .is_some_and(|n| n.starts_with("${") || (!n.is_empty() && n.bytes().all(|c| c.is_ascii_digit())));
    numbered || domain == "cloudservices.gserviceaccount.com"
}

/// Whether an IAM member is the Google APIs service agent
/// (`PROJECT_NUMBER@cloudservices.gserviceaccount.com`), which Google itself makes an editor
/// of every project.
pub fn is_google_apis_agent(e: &Expr, env: &Env<'_>) -> bool {
    member_text(e, env).is_some_and(|t| t.ends_with("@cloudservices.gserviceaccount.com"))
}

/// An IAM member's text: its value, else the template as written (`serviceAccount:${…}@…`).
fn member_text(e: &Expr, env: &Env<'_>) -> Option<String> {
    env.eval(e).as_str().map(str::to_owned).or_else(|| written_text(e))
}

/// What kind of person an IAM member string names (`user:`, `group:`, `domain:`), if any.
pub fn person_member_kind(member: &str) -> Option<&'static str> {
    [("user:", "a user"), ("group:", "a group"), ("domain:", "a whole domain")]
        .iter()
        .find(|(p, _)| member.starts_with(p))
        .map(|(_, kind)| *kind)
}

/// Whether a member as written names a machine: a service account (`serviceAccount:…`) or a
/// workload identity principal (`principal://…`, `principalSet://…`). For members read as
/// strings (module inputs); [`machine_member_kind`] judges a member expression.
pub fn machine_member_text(member: &str) -> bool {
    member.starts_with("serviceAccount:") || member.starts_with("principal")
}

/// Member expressions of a `member` attribute or the elements of a `members` list.
pub fn member_exprs(item: &crate::query::Item<'_>) -> Vec<Expr> {
    let mut out = Vec::new();
    if let Some(a) = item.attr("member") {
        out.push(a.expr.clone());
    }
    if let Some(a) = item.attr("members") {
        match &a.expr.kind {
            ExprKind::Array(items) => out.extend(items.iter().cloned()),
            _ => {
                // A list from a variable, a local or a dynamic block's iterator: keep its known
                // strings as literals (with the holes of what is not known here, as in
                // `principalSet://…/projects/${var.number}/…`).
                for v in item.within(|| item.env.eval_lenient_deep(&a.expr)).items() {
                    if let Value::Str(s) = v {
                        out.push(Expr { kind: ExprKind::Str(s), span: a.expr.span.clone() });
                    }
                }
            }
        }
    }
    out
}

/// Case-insensitive membership.
pub fn in_list(s: &str, list: &[&str]) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(s))
}

/// Where a credential that Terraform creates stands in its lifecycle: the one judgement behind
/// "Severity follows the lifecycle" (linter/docs/rules/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Replaced on a schedule: `keepers`, `rotate_when_changed` or `lifecycle.replace_triggered_by`
    /// fed by a `time_rotating`/`time_offset` resource, or a provider `rotation_configuration`.
    Rotated,
    /// Its expiry is known and at most the policy's maximum ahead of now.
    ShortLived,
    /// No expiry (or one beyond policy) and no rotation.
    LongLived,
    /// Expiry or rotation written with values that are not known statically.
    Unknown,
}

impl Lifecycle {
    /// Whether a static-credential rule still reports it: rotated and short-lived credentials
    /// are not static; unknown ones are reported as before (never guess).
    pub fn is_static(self) -> bool {
        matches!(self, Lifecycle::LongLived | Lifecycle::Unknown)
    }
}

/// Attributes whose change replaces a credential: fed by a rotating resource, they rotate it.
pub const ROTATION_TRIGGERS: [&str; 2] = ["keepers", "rotate_when_changed"];

/// Resources whose change replaces a credential on a schedule. `time_static` is how a
/// `time_rotating`'s timestamp is captured for `replace_triggered_by` (the time provider's
/// documented rotation pattern); alone it never changes, but then nothing would trigger on it.
const ROTATORS: [&str; 3] = ["time_rotating.", "time_offset.", "time_static."];

/// Attributes holding an absolute expiry (RFC 3339 or a `YYYY-MM-DD` date).
const EXPIRY_AT: [&str; 7] =
    ["expires_at", "end_date", "expiration_date", "expire_time", "expired_at", "expires_on", "expiry"];

/// Judges a credential resource: rotated, short-lived (expiry within
/// `policy.static_key_max_lifetime`; Vault tokens and secret IDs within `policy.max_token_ttl`),
/// long-lived, or unknown.
pub fn lifecycle(item: &Item<'_>, cx: &Ctx<'_>) -> Lifecycle {
    if is_rotated(item) {
        return Lifecycle::Rotated;
    }
    let ty = item.label(0);
    if ty.starts_with("vault_") {
        return vault_lifecycle(item, cx);
    }
    let max = cx.policy.static_key_max_lifetime;
    for key in EXPIRY_AT {
        if let Some(a) = item.attr(key) {
            // `end_date = time_rotating.x.id`: the expiry moves with every rotation, and a new
            // expiry replaces the credential.
            let direct_rotation = !matches!(a.expr.kind, ExprKind::Call { .. }) && a.expr.mentions("time_rotating.");
            if direct_rotation {
                return Lifecycle::Rotated;
            }
            // `expires_at = each.value.expires_at`: every instance's own date.
            if item.has("for_each") || item.has("count") {
                let latest = cx.now.saturating_add(max.as_signed_duration()).unwrap_or(cx.now);
                let each: Vec<Lifecycle> = item
                    .values(key)
                    .iter()
                    .map(|v| match v.as_str().and_then(timestamp) {
                        Some(end) if end <= latest => Lifecycle::ShortLived,
                        Some(_) => Lifecycle::LongLived,
                        None => Lifecycle::Unknown,
                    })
                    .collect();
                if !each.is_empty() && each.iter().all(|l| *l == Lifecycle::ShortLived) {
                    return Lifecycle::ShortLived;
                }
                if each.contains(&Lifecycle::LongLived) {
                    return Lifecycle::LongLived;
                }
            }
            return expiry_lifecycle(&a.expr, item.env, cx.now, max);
        }
    }
    for key in ["end_date_relative", "ttl", "seconds_to_live", "lifetime_seconds", "expiry_seconds"] {
        if let Some(v) = item.value(key) {
            return match duration(&v) {
                Some(Dur::Secs(s)) if s <= max.as_secs() => Lifecycle::ShortLived,
                Some(_) => Lifecycle::LongLived,
                None => Lifecycle::Unknown,
            };
        }
    }
    let loosely_keyed = ROTATION_TRIGGERS
        .iter()
        .filter_map(|k| item.attr(k))
        .any(|a| a.expr.mentions("var.") || a.expr.mentions("local.") || a.expr.mentions("module."));
    if loosely_keyed { Lifecycle::Unknown } else { Lifecycle::LongLived }
}

/// The first of `keys` whose duration is known and longer than `max_secs`, with that duration
/// in seconds: a lease, TTL or validity beyond policy.
/// Every `for_each` / `count` instance counts: the longest instance's value is the one judged.
pub fn first_longer<'k>(item: &Item<'_>, keys: &[&'k str], max_secs: u64) -> Option<(&'k str, u64)> {
    keys.iter().find_map(|k| {
        let longest = item
            .values(k)
            .iter()
            .filter_map(|v| match duration(v) {
                Some(Dur::Secs(s)) => Some(s),
                _ => None,
            })
            .max()?;
        (longest > max_secs).then_some((*k, longest))
    })
}

/// The azapi provider's generic resources (`azapi_resource`, `azapi_update_resource`,
/// `azapi_resource_action`, `azapi_data_plane_resource`) of an ARM resource type
/// (`Microsoft.KeyVault/vaults/secrets`, case-insensitive, without the `@api-version`), with
/// their `body` read as a value (`jsonencode` unwrapped).
pub fn azapi_resources<'a>(cx: &Ctx<'a>, arm_type: &str) -> Vec<(Item<'a>, Value)> {
    const TYPES: [&str; 4] =
        ["azapi_resource", "azapi_update_resource", "azapi_resource_action", "azapi_data_plane_resource"];
    let mut out = Vec::new();
    for r in cx.resources_of(&TYPES) {
        let matches = r.str("type").is_some_and(|t| crate::facts::secrets::is_arm_type(&t, arm_type));
        if !matches {
            continue;
        }
        let body = match r.value("body") {
            Some(Value::Encoded(inner)) => *inner,
            Some(Value::Str(s)) => match serde_json::from_str::<serde_json::Value>(&s) {
                Ok(j) => Value::from_json(&j),
                Err(_) => continue,
            },
            Some(v) => v,
            None => continue,
        };
        out.push((r, body));
    }
    out
}

/// Whether the attribute is an optional input that falls back to null
/// (`lookup(each.value, "expires_at", null)`, `try(each.value.expires_at, null)`): unset unless
/// the input carries it.
pub fn optional_null(item: &Item<'_>, key: &str) -> bool {
    let Some(a) = item.attr(key) else { return false };
    match &a.expr.kind {
        ExprKind::Call { name, args, .. } if name == "lookup" && args.len() == 3 => {
            matches!(args[2].kind, ExprKind::Null)
        }
        ExprKind::Call { name, args, .. } if name == "try" && args.len() >= 2 => {
            args.last().is_some_and(|x| matches!(x.kind, ExprKind::Null))
        }
        _ => false,
    }
}

/// The variable behind `key` when the attribute is `var.NAME`, the module declares `NAME`
/// with `default = null` and nothing here gives it a value: the attribute is unset unless a
/// caller sets the variable (a reusable module's expiry left to its callers).
///
/// A value built only when the variable is set counts the same: `var.NAME != null ? {…} : null`
/// (or `var.NAME == null ? null : …`) is null until a caller sets `NAME`.
///
/// So is `each.value.FIELD` of a block whose `for_each` walks one variable declared without a
/// default and typed with `FIELD = optional(T)` (no default, or `null`): each instance leaves
/// the attribute unset unless its caller sets the field (`var.NAME[…].FIELD` in the answer).
pub fn null_by_default(item: &Item<'_>, key: &str, cx: &Ctx<'_>) -> Option<String> {
    let expr = &item.attr(key)?.expr;
    if let Some(field) = optional_field_null(item, expr, cx) {
        return Some(field);
    }
    let name = null_unless_set(expr)?;
    if name.contains(['.', '[']) || !matches!(item.env.var(&name), Value::Unknown) {
        return None;
    }
    let declared = cx.blocks("variable", None).into_iter().find(|v| v.label(0) == name)?;
    matches!(declared.attr("default")?.expr.kind, ExprKind::Null).then_some(name)
}

/// `each.value.FIELD` where the block's `for_each` walks `var.NAME` (filtered or not), which is
/// declared with no default and whose element type leaves `FIELD` optional with no default:
/// `NAME[…].FIELD`.
fn optional_field_null(item: &Item<'_>, e: &Expr, cx: &Ctx<'_>) -> Option<String> {
    let path = e.traversal_path()?;
    let field = path.strip_prefix("each.value.")?;
    if field.contains(['.', '[']) {
        return None;
    }
    let mut walked = Vec::new();
    item.attr("for_each")?.expr.walk(&mut |x| {
        if let Some(v) = x.traversal_path().as_deref().and_then(|p| p.strip_prefix("var.")) {
            walked.push(v.split(['.', '[']).next().unwrap_or(v).to_owned());
        }
    });
    walked.dedup();
    let [name] = walked.as_slice() else { return None };
    if !matches!(item.env.var(name), Value::Unknown) {
        return None;
    }
    let declared = cx.blocks("variable", None).into_iter().find(|v| v.label(0) == name)?;
    if declared.attr("default").is_some_and(|d| !matches!(d.expr.kind, ExprKind::Null)) {
        return None;
    }
    optional_without_default(&declared.attr("type")?.expr, field).then(|| format!("{name}[…].{field}"))
}

/// Whether a type expression declares an object attribute `field` as `optional(T)` or
/// `optional(T, null)`, at any depth (`map(object({ … }))`, `list(object({ … }))`).
fn optional_without_default(ty: &Expr, field: &str) -> bool {
    ty.any_optional_attr(&mut |key, args| key == field && args.get(1).is_none_or(|d| matches!(d.kind, ExprKind::Null)))
}

/// The variable an expression is null without: `var.NAME` itself, or a conditional on
/// `var.NAME` being null whose branch for that case is `null`.
fn null_unless_set(e: &Expr) -> Option<String> {
    let var_name = |e: &Expr| e.traversal_path().and_then(|p| p.strip_prefix("var.").map(str::to_owned));
    if let Some(name) = var_name(e) {
        return Some(name);
    }
    let ExprKind::Cond(cond, yes, no) = &e.kind else { return None };
    let ExprKind::Binary(op @ (BinOp::Eq | BinOp::NotEq), l, r) = &cond.kind else { return None };
    let name = match (&l.kind, &r.kind) {
        (_, ExprKind::Null) => var_name(l)?,
        (ExprKind::Null, _) => var_name(r)?,
        _ => return None,
    };
    // When the variable is null, `==` takes the first branch and `!=` the second.
    let when_null = if matches!(op, BinOp::Eq) { yes } else { no };
    matches!(when_null.kind, ExprKind::Null).then_some(name)
}

/// Resources of `types` that are static credentials: neither rotated nor short-lived.
pub fn static_credentials<'a>(cx: &Ctx<'a>, types: &[&str]) -> Vec<Item<'a>> {
    cx.resources_of(types).into_iter().filter(|r| lifecycle(r, cx).is_static()).collect()
}

/// Whether Terraform replaces the credential on a schedule.
pub fn is_rotated(item: &Item<'_>) -> bool {
    let fed_by_rotator = |e: &Expr| ROTATORS.iter().any(|r| e.mentions(r));
    if ROTATION_TRIGGERS.iter().filter_map(|k| item.attr(k)).any(|a| fed_by_rotator(&a.expr)) {
        return true;
    }
    if rotation_configured(item) {
        return true;
    }
    item.nested("lifecycle").iter().filter_map(|l| l.attr("replace_triggered_by")).any(|a| fed_by_rotator(&a.expr))
}

/// How often a `time_rotating` rotates, in seconds, when that is known statically (a month
/// counted as 30 days, a year as 365).
pub fn time_rotating_period(t: &Item<'_>) -> Option<u64> {
    const UNITS: [(&str, u64); 5] = [
        ("rotation_minutes", 60),
        ("rotation_hours", 3_600),
        ("rotation_days", 86_400),
        ("rotation_months", 30 * 86_400),
        ("rotation_years", 365 * 86_400),
    ];
    UNITS.iter().find_map(|(key, unit)| {
        let n = t.value(key)?.as_f64()?;
        (n.is_finite() && n > 0.0).then_some((n * *unit as f64) as u64)
    })
}

/// Whether a provider's `rotation_configuration` (an attribute or a block) is set to something:
/// an object whose fields are all null (`{ expiration_days = try(var.x.days, null) }` of a
/// module whose caller passes nothing) rotates nothing. A value not known statically counts.
pub fn rotation_configured(item: &Item<'_>) -> bool {
    let some = |v: &Value| match v {
        Value::Null => false,
        Value::Object(fields) => fields.values().any(|f| !f.is_null()),
        _ => true,
    };
    let block =
        item.nested("rotation_configuration").iter().any(|b| b.body.attrs.iter().any(|a| some(&b.eval(&a.expr))));
    block || item.value("rotation_configuration").is_some_and(|v| some(&v))
}

/// An absolute expiry: known and within `max` of `now` is short-lived. `timeadd(X, "D")` from
/// `timestamp()`, `plantimestamp()` or a `time_rotating` base ends at most `D` after now.
fn expiry_lifecycle(e: &Expr, env: &Env<'_>, now: Timestamp, max: Ttl) -> Lifecycle {
    let latest = now.saturating_add(max.as_signed_duration()).unwrap_or(now);
    if let Some(s) = env.eval(e).as_str() {
        return match timestamp(s) {
            Some(end) if end <= latest => Lifecycle::ShortLived,
            Some(_) => Lifecycle::LongLived,
            None => Lifecycle::Unknown,
        };
    }
    match lifetime_from_now(e, env, 0) {
        Some(d) if d <= max.as_secs() => Lifecycle::ShortLived,
        Some(_) => Lifecycle::LongLived,
        None => Lifecycle::Unknown,
    }
}

/// The lifetime of an expiry written relative to the time of apply: `timeadd(timestamp(), "720h")`
/// (or from a `time_rotating`), also reformatted (`formatdate(…, timeadd(…))`, a template of
/// such parts) and through locals.
pub fn lifetime_from_now(e: &Expr, env: &Env<'_>, depth: usize) -> Option<u64> {
    if depth > 8 {
        return None;
    }
    match &e.kind {
        ExprKind::Call { name, args, .. } if name == "timeadd" => {
            let [base, by] = args.as_slice() else { return None };
            let Some(Dur::Secs(d)) = duration(&env.eval(by)) else { return None };
            let base = plain_local(base, env).unwrap_or(base);
            // A `time_static` is the time of the first apply: the credential lives `d` from it.
            let base_is_now = matches!(&base.kind, ExprKind::Call { name, .. } if name == "timestamp" || name == "plantimestamp")
                || base.mentions("time_rotating.")
                || base.mentions("time_static.");
            base_is_now.then_some(d)
        }
        ExprKind::Call { name, args, .. } if name == "formatdate" => lifetime_from_now(args.get(1)?, env, depth + 1),
        // `var.end_date != null ? var.end_date : timeadd(time_static.t.rfc3339, var.duration)`:
        // the branch the condition takes, or when it is not known here, the one that says.
        ExprKind::Cond(cond, yes, no) => match env.eval(cond).as_bool() {
            Some(true) => lifetime_from_now(yes, env, depth + 1),
            Some(false) => lifetime_from_now(no, env, depth + 1),
            None => lifetime_from_now(yes, env, depth + 1).or_else(|| lifetime_from_now(no, env, depth + 1)),
        },
        ExprKind::Template(parts) => parts.iter().find_map(|p| match p {
            TemplatePart::Interp(x) => lifetime_from_now(x, env, depth + 1),
            _ => None,
        }),
        _ => lifetime_from_now(plain_local(e, env)?, env, depth + 1),
    }
}

/// The expression of `local.NAME` when `e` is exactly that.
fn plain_local<'m>(e: &Expr, env: &Env<'m>) -> Option<&'m Expr> {
    env.local_expr(e.traversal_path()?.strip_prefix("local.")?)
}

/// An RFC 3339 timestamp, or a `YYYY-MM-DD` date (midnight UTC) as GitLab writes `expires_at`.
pub fn timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        return parse_timestamp(&format!("{s}T00:00:00Z")).ok();
    }
    parse_timestamp(s).ok()
}

/// Vault tokens and secret IDs: short-lived when their hard limit is within
/// `policy.max_token_ttl` — `explicit_max_ttl`, or `ttl` of a token that cannot be renewed or of
/// a secret ID (whose role's `secret_id_ttl` applies when it sets none).
fn vault_lifecycle(item: &Item<'_>, cx: &Ctx<'_>) -> Lifecycle {
    let max = cx.policy.max_token_ttl.as_secs();
    let judge = |v: Option<Value>| match v.as_ref().map(duration) {
        None => None,
        Some(Some(Dur::Secs(s))) if s <= max => Some(Lifecycle::ShortLived),
        Some(Some(_)) => Some(Lifecycle::LongLived),
        Some(None) => Some(Lifecycle::Unknown),
    };
    if item.label(0) == "vault_token" {
        if item.has("period") && !item.has("explicit_max_ttl") {
            return Lifecycle::LongLived;
        }
        if let Some(l) = judge(item.value("explicit_max_ttl")) {
            return l;
        }
        return match item.value("renewable").and_then(|v| v.as_bool()) {
            Some(false) => judge(item.value("ttl")).unwrap_or(Lifecycle::LongLived),
            _ => Lifecycle::LongLived,
        };
    }
    if let Some(l) = judge(item.value("ttl")) {
        return l;
    }
    // A secret ID without its own ttl lives as long as its role's secret_id_ttl says.
    let role = item.attr("role_name").and_then(|a| referenced(cx, &a.expr, "vault_approle_auth_backend_role"));
    match role {
        Some(r) => judge(r.value("secret_id_ttl")).unwrap_or(Lifecycle::LongLived),
        None if item.has("role_name") && item.str("role_name").is_none() => Lifecycle::Unknown,
        None => Lifecycle::LongLived,
    }
}

/// A module call's source as a registry address, lower-case and without the
/// `registry.terraform.io/` host (`terraform-aws-modules/iam/aws//modules/iam-user`).
pub fn registry_address(call: &Item<'_>) -> Option<String> {
    let src = call.str("source")?.to_ascii_lowercase();
    Some(src.strip_prefix("registry.terraform.io/").map(str::to_owned).unwrap_or(src))
}

/// Calls of a well-known public module that switch one of `inputs` on explicitly
/// (`generate_keys = true`), or, for a module whose default is on (`default_on`), leave them
/// all unset: each call with the input that does it (the first input when unset). `source` is the module's
/// registry address (`NAMESPACE/NAME/PROVIDER`, with `//SUBDIR` for a submodule, or `//*` for
/// the module and all its submodules), matched in
/// any version, with or without the `registry.terraform.io/` host. What the module creates is
/// known from its documentation, so this holds when the module itself is not on disk.
pub fn registry_module_switches<'a>(
    cx: &Ctx<'a>,
    source: &str,
    inputs: &[&'static str],
    default_on: bool,
) -> Vec<(Item<'a>, &'static str)> {
    let mut out = Vec::new();
    for call in cx.blocks("module", None) {
        let Some(src) = registry_address(&call) else { continue };
        // `NAMESPACE/NAME/PROVIDER//*`: the module and every submodule of it.
        let matches = match source.strip_suffix("//*") {
            Some(base) => src == base || src.strip_prefix(base).is_some_and(|rest| rest.starts_with("//")),
            None => src == source,
        };
        if !matches {
            continue;
        }
        if let Some(input) = inputs.iter().find(|i| call.value(i) == Some(Value::Bool(true))) {
            out.push((call, *input));
        } else if default_on && inputs.iter().all(|i| !call.has(i)) {
            // Left unset: the module's own default turns it on.
            out.push((call, inputs[0]));
        }
    }
    out
}

/// The highest major version a registry module call's `version` constraint allows, when the
/// constraint caps it: `"~> 5.2"`, `"5.17.0"`, `"= 4.7.0"`, `"~> 4.7, >= 4.7.1"`, `"< 6.0"` (5).
/// `None` for no constraint, one that does not cap the major (`">= 4.0"`), or one not written
/// as a literal.
pub fn module_major_version(call: &Item<'_>) -> Option<u64> {
    major_version_cap(&call.str("version")?)
}

/// The highest major version a version constraint allows, when it caps it.
fn major_version_cap(constraint: &str) -> Option<u64> {
    let mut cap: Option<u64> = None;
    for part in constraint.split(',') {
        let part = part.trim();
        let (op, rest) = match part.find(|c: char| c.is_ascii_digit()) {
            Some(i) => (part[..i].trim(), &part[i..]),
            None => continue,
        };
        let nums: Vec<u64> = rest.split('.').map_while(|n| n.trim().parse().ok()).collect();
        let Some(&major) = nums.first() else { continue };
        let this = match op {
            "" | "=" | "~>" | "<=" => Some(major),
            // `< 6.0` caps at 5; `< 6.1` still allows 6.0.
            "<" if nums.iter().skip(1).all(|n| *n == 0) => major.checked_sub(1),
            "<" => Some(major),
            _ => None,
        };
        if let Some(m) = this {
            cap = Some(cap.map_or(m, |c| c.min(m)));
        }
    }
    cap
}

/// The resource of type `ty` that an expression refers to (`ty.NAME.id`, `.arn`, `.name`, …).
pub fn referenced<'a>(cx: &Ctx<'a>, e: &Expr, ty: &str) -> Option<Item<'a>> {
    let mut name = None;
    e.walk(&mut |x| {
        if name.is_none()
            && let Some(p) = x.traversal_path()
            && let Some(rest) = p.strip_prefix(ty).and_then(|r| r.strip_prefix('.'))
        {
            name = rest.split(['.', '[']).next().map(str::to_owned);
        }
    });
    let name = name?;
    cx.resources(ty).into_iter().find(|r| r.label(1) == name)
}

/// Whether an expression refers to the resource `item` (`TYPE.NAME…`).
pub fn refers_to(e: &Expr, item: &Item<'_>) -> bool {
    refers_to_address(e, &crate::syntax::source::address_of(item.top))
}

/// Whether an expression reads `address` (`aws_iam_policy.p.arn`, `vault_policy.p[0].name`,
/// `data.x.y.json`), not a longer name that starts with it.
pub fn refers_to_address(e: &Expr, address: &str) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if let Some(p) = x.traversal_path()
            && path_reads(&p, address)
        {
            found = true;
        }
    });
    found
}

/// Every traversal path an expression reads (see [`Expr::traversal_path`]), for testing one
/// expression against many addresses with [`path_reads`] after a single walk.
pub fn traversal_paths(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |x| out.extend(x.traversal_path()));
    out
}

/// Whether a traversal path reads `address`, not a longer name that starts with it.
pub fn path_reads(path: &str, address: &str) -> bool {
    path.strip_prefix(address).is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The text a string or heredoc is written with, interpolations kept as `${…}`.
pub fn written_text(e: &Expr) -> Option<String> {
    e.written_text()
}

/// The known text of every template in an expression, as written
/// (`"${var.project}=>roles/editor"`, `"arn:${local.partition}:iam::aws:policy/X"`).
pub fn written_templates(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |x| {
        if matches!(x.kind, ExprKind::Template(_))
            && let Some(t) = written_text(x)
        {
            out.push(t);
        }
    });
    out
}

/// A call's inputs whose name contains `word`, in any case (`subjects`, `oidc_subjects`;
/// `github_repositories`).
pub fn inputs_named<'c>(call: &'c Item<'_>, word: &'c str) -> impl Iterator<Item = &'c crate::syntax::Attr> {
    call.body.attrs.iter().filter(move |a| a.key.to_ascii_lowercase().contains(word))
}

/// `local.NAME` of one of `locals` (see `Facts::literal_secret_locals`) that an expression reads:
/// the literal secret is copied wherever the expression goes.
pub fn reads_literal_local(e: &Expr, locals: &[String]) -> Option<String> {
    if locals.is_empty() {
        return None;
    }
    // Named for what it reads: the secret half before a key's id (`local.api_secret` before
    // `local.api_key_id` when both are written in).
    let mut found: Option<(bool, String)> = None;
    e.walk(&mut |x| {
        if found.as_ref().is_some_and(|(named, _)| *named) {
            return;
        }
        if let Some(p) = x.traversal_path()
            && let Some(name) = p.strip_prefix("local.")
        {
            let name = name.split(['.', '[']).next().unwrap_or(name);
            if locals.iter().any(|l| l == name) {
                let named = crate::facts::secrets::is_credential_key(name);
                if found.is_none() || named {
                    found = Some((named, format!("local.{name}")));
                }
            }
        }
    });
    found.map(|(_, read)| read)
}

/// The first `judge` finds in a local an expression reads (`local.deployer`, also
/// `local.java_opts` as a `for` collection), judging each local's expression as written.
pub fn judge_locals_read<T>(e: &Expr, env: &Env<'_>, judge: impl Fn(&Expr) -> Option<T>) -> Option<T> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_none()
            && let Some(name) = x.traversal_path().as_deref().and_then(|p| p.strip_prefix("local."))
            && let Some(local) = env.local_expr(name.split(['.', '[']).next().unwrap_or(name))
        {
            found = judge(local);
        }
    });
    found
}

/// Whether a secret-store entry is named for what describes a secret rather than for a secret
/// (`rds-user`, `argocd-oauth-client-id`, `"${var.db}-admin-username"`) or for a public key
/// (`partner-public-key-${var.env}`): by its label, or its `name` or `secret_id`, of which a
/// name built from parts not known here is read by its known words. Such an entry holds a
/// user name, an id or a public key, none of which needs rotation.
pub fn store_entry_describes(entry: &Item<'_>) -> bool {
    use crate::facts::secrets::names_no_secret;
    let mut names = ["name", "secret_id"].iter().filter_map(|k| {
        let a = entry.attr(k)?;
        match entry.within(|| entry.env.eval_lenient(&a.expr)) {
            crate::eval::Value::Str(s) => Some(s),
            _ => None,
        }
    });
    names_no_secret(entry.label(1)) || names.any(|n| names_no_secret(&n))
}

/// Calls of modules whose code is not here (registry or git sources, local directories left
/// out of the checkout): what such a module does is known only from its documented inputs, so
/// rules read those.
pub fn remote_module_calls<'a>(cx: &Ctx<'a>) -> Vec<Item<'a>> {
    cx.blocks("module", None).into_iter().filter(|call| cx.call_code_absent(call)).collect()
}

/// The text of every string a module input holds: each string of its value at any depth, and
/// each template as written (`"${var.project}=>roles/editor"` does not evaluate, but its role
/// is written in it). Passed on from a caller (`project_roles = var.project_roles`), the
/// templates the caller wrote are read in the shape it gave them, each unknown part as `${…}`.
pub fn input_texts(call: &Item<'_>, e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    let value = call.eval(e);
    strings_in(&value, &mut out);
    if !value.is_fully_known() {
        out.extend(shaped_texts(call, e));
    }
    out.extend(written_templates(e));
    out
}

/// The strings of an input read with its unknown parts kept as holes, through the shapes a
/// caller gave its own inputs: those with a hole, shown as `${…}` (the known ones are read
/// already).
fn shaped_texts(call: &Item<'_>, e: &Expr) -> Vec<String> {
    let mut shaped = Vec::new();
    strings_in(&call.within(|| call.env.eval_lenient_deep(e)), &mut shaped);
    shaped.into_iter().filter(|s| s.contains(crate::eval::HOLE)).map(|s| crate::eval::show_holes(&s)).collect()
}

/// [`input_texts`] across the instances of a `for_each` call (`subjects = each.value.subjects`):
/// each instance's strings, and each template as written.
pub fn instance_texts(call: &Item<'_>, e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    let mut partly_known = false;
    for v in call.eval_instances(e) {
        partly_known |= !v.is_fully_known();
        strings_in(&v, &mut out);
    }
    if partly_known {
        out.extend(shaped_texts(call, e));
    }
    out.extend(written_templates(e));
    out
}

/// Every string in a value, at any depth.
pub fn strings_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Str(s) => out.push(s.clone()),
        Value::List(items) => items.iter().for_each(|x| strings_in(x, out)),
        Value::Object(map) => map.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

/// Whether an Azure grantee attribute (`principal_id`, `object_id`) names a workload: a managed
/// identity's `principal_id` (of a user-assigned identity or a resource's `identity` block) or
/// a service principal. The deployer (`data.azurerm_client_config`), people, groups and
/// identities passed in by variable are not judged.
pub fn azure_workload_principal(item: &crate::query::Item<'_>, key: &str) -> bool {
    let Some(a) = item.attr(key) else { return false };
    let mut workload = false;
    a.expr.walk(&mut |x| {
        workload |= x.traversal_path().is_some_and(|t| {
            t.ends_with(".principal_id")
                || t.starts_with("azuread_service_principal.")
                || t.starts_with("data.azuread_service_principal.")
        })
    });
    workload
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_versions_cap_their_major() {
        let cases = [
            ("~> 5.2", Some(5)),
            ("5.17.0", Some(5)),
            ("= 4.7.0", Some(4)),
            ("~> 4.7, >= 4.7.1", Some(4)),
            ("< 6.0", Some(5)),
            ("< 6.1", Some(6)),
            (">= 4.0", None),
            ("latest", None),
        ];
        for (constraint, major) in cases {
            assert_eq!(major_version_cap(constraint), major, "{constraint}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration(&Value::Str("0".into())), Some(Dur::Zero));
        assert_eq!(duration(&Value::Str("768h".into())), Some(Dur::Secs(768 * 3600)));
        assert_eq!(duration(&Value::Number(3600.0)), Some(Dur::Secs(3600)));
        assert_eq!(duration(&Value::Unknown), None);
    }

    #[test]
    fn intervals_and_seconds_read_as_english() {
        assert_eq!(interval(365 * 86_400), "365 days");
        assert_eq!(interval(2 * 86_400 + 5), "2 days");
        assert_eq!(interval(86_400), "1 day");
        assert_eq!(interval(86_400 + 12 * 3_600), "1d12h");
        assert_eq!(interval(20 * 3_600), "20h");
        assert_eq!(interval(0), "0s");
        assert_eq!(plural_seconds(1), "1 second");
        assert_eq!(plural_seconds(7_776_000), "7776000 seconds");
    }
}
