//! Output of `nhi`: aligned tables for people, JSON and CSV for scripts.
//!
//! The JSON shapes are a public interface (documented in the README): `inventory` prints
//! `{"service_accounts": [...]}`, `audit` prints `{"findings": [...], "accounts_checked": N}`,
//! `events` prints `{"events": [...]}`. Fields are only ever added.

use nhi_core::Timestamp;
use nhi_registry::{AuditEvent, ServiceAccount};
use serde_json::{Value, json};

use crate::Format;
use crate::audit::Finding;

fn account_json(sa: &ServiceAccount) -> Value {
    let s = &sa.spec;
    json!({
        "id": sa.id,
        "name": s.name,
        "owner": s.owner,
        "purpose": s.purpose,
        "environment": s.environment,
        "expires_at": s.expires_at.to_string(),
        "scopes": s.scopes,
        "labels": s.labels,
        "disabled": s.disabled,
        "created_at": sa.created_at.to_string(),
        "updated_at": sa.updated_at.to_string(),
        "version": sa.version,
    })
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Columns padded to their widest cell; the last column is not padded.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            if i + 1 < widths.len() {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            } else {
                text.push_str(cell);
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "expired", "disabled" or "in N days".
fn status(sa: &ServiceAccount, now: Timestamp) -> String {
    if sa.spec.disabled {
        "disabled".to_owned()
    } else if sa.spec.expires_at <= now {
        "expired".to_owned()
    } else {
        let days = sa.spec.expires_at.duration_since(now).as_secs() / 86_400;
        format!("in {}", plural(days as usize, "day", "days"))
    }
}

pub fn inventory(accounts: &[ServiceAccount], json: bool, csv_out: bool, now: Timestamp) -> Result<String, String> {
    if json {
        return Ok(pretty(&json!({ "service_accounts": accounts.iter().map(account_json).collect::<Vec<_>>() })));
    }
    if csv_out {
        let header = [
            "id",
            "name",
            "owner",
            "purpose",
            "environment",
            "expires_at",
            "scopes",
            "labels",
            "disabled",
            "created_at",
            "updated_at",
            "version",
        ];
        let json_text = |v: Value| v.to_string();
        return csv(
            &header,
            accounts.iter().map(|sa| {
                let s = &sa.spec;
                vec![
                    sa.id.clone(),
                    s.name.clone(),
                    s.owner.clone(),
                    s.purpose.clone(),
                    s.environment.clone().unwrap_or_default(),
                    s.expires_at.to_string(),
                    json_text(json!(s.scopes)),
                    json_text(json!(s.labels)),
                    s.disabled.to_string(),
                    sa.created_at.to_string(),
                    sa.updated_at.to_string(),
                    sa.version.to_string(),
                ]
            }),
        );
    }
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .map(|sa| {
            vec![
                sa.spec.name.clone(),
                sa.spec.owner.clone(),
                sa.spec.environment.clone().unwrap_or_else(|| "-".to_owned()),
                format!("{:.0}", sa.spec.expires_at),
                status(sa, now),
                sa.id.clone(),
            ]
        })
        .collect();
    let mut text = table(&["NAME", "OWNER", "ENVIRONMENT", "EXPIRES", "STATUS", "ID"], &rows);
    text.push_str(&format!("{}\n", plural(accounts.len(), "service account", "service accounts")));
    Ok(text)
}

pub fn findings(findings: &[Finding], format: Format, checked: usize) -> Result<String, String> {
    match format {
        Format::Json => Ok(pretty(&json!({
            "findings": findings.iter().map(|f| json!({
                "kind": f.kind.as_str(), "id": f.id, "name": f.name, "owner": f.owner, "detail": f.detail,
            })).collect::<Vec<_>>(),
            "accounts_checked": checked,
        }))),
        Format::Csv => csv(
            &["kind", "id", "name", "owner", "detail"],
            findings.iter().map(|f| {
                vec![f.kind.as_str().to_owned(), f.id.clone(), f.name.clone(), f.owner.clone(), f.detail.clone()]
            }),
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = findings
                .iter()
                .map(|f| vec![f.kind.as_str().to_owned(), f.name.clone(), f.owner.clone(), f.detail.clone()])
                .collect();
            let mut text =
                if findings.is_empty() { String::new() } else { table(&["KIND", "NAME", "OWNER", "DETAIL"], &rows) };
            text.push_str(&format!(
                "{} in {} checked\n",
                plural(findings.len(), "finding", "findings"),
                plural(checked, "service account", "service accounts")
            ));
            Ok(text)
        }
    }
}

pub fn events(events: &[AuditEvent], format: Format) -> Result<String, String> {
    let event_json = |e: &AuditEvent| {
        json!({
            "seq": e.seq,
            "at": e.at.to_string(),
            "action": e.action,
            "subject_id": e.subject_id,
            "subject_name": e.subject_name,
            "client": e.actor.client,
            "terraform_version": e.actor.terraform_version,
            "operation": e.actor.operation,
            "details": serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null),
        })
    };
    let cells = |e: &AuditEvent, exact: bool| {
        vec![
            e.seq.to_string(),
            if exact { e.at.to_string() } else { format!("{:.0}", e.at) },
            e.action.clone(),
            e.subject_name.clone(),
            e.subject_id.clone(),
            e.actor.client.clone(),
            e.actor.terraform_version.clone().unwrap_or_default(),
            e.actor.operation.clone(),
            e.details.clone(),
        ]
    };
    match format {
        Format::Json => Ok(pretty(&json!({ "events": events.iter().map(event_json).collect::<Vec<_>>() }))),
        Format::Csv => csv(
            &[
                "seq",
                "at",
                "action",
                "subject_name",
                "subject_id",
                "client",
                "terraform_version",
                "operation",
                "details",
            ],
            events.iter().map(|e| cells(e, true)),
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = events.iter().map(|e| cells(e, false)).collect();
            let mut text =
                table(&["SEQ", "AT", "ACTION", "NAME", "ID", "CLIENT", "TERRAFORM", "OPERATION", "DETAILS"], &rows);
            text.push_str(&format!("{}\n", plural(events.len(), "event", "events")));
            Ok(text)
        }
    }
}

/// The signing keys as a table: which one signs, and until when the others verify.
pub fn signing_keys(keys: &[nhi_registry::SigningKeyInfo], now: Timestamp) -> String {
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            let state = match (k.retired_at, k.verify_until) {
                (None, _) => "signing".to_owned(),
                (Some(_), Some(until)) if now < until => format!("verifies until {until:.0}"),
                _ => "retired".to_owned(),
            };
            vec![k.kid.clone(), k.algorithm.clone(), format!("{:.0}", k.created_at), state]
        })
        .collect();
    if rows.is_empty() {
        return "no signing keys yet: the first token (or nhi jwks) creates one\n".to_owned();
    }
    table(&["KID", "ALGORITHM", "CREATED", "STATE"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_on_the_widest_cell_and_count_characters() {
        let rows = vec![vec!["ü-long-name".to_owned(), "x".to_owned()], vec!["a".to_owned(), "yy".to_owned()]];
        assert_eq!(table(&["NAME", "V"], &rows), "NAME         V\nü-long-name  x\na            yy\n");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let text = csv(&["a", "b"], [vec!["plain".to_owned(), "with, comma and \"quote\"\nline".to_owned()]]).unwrap();
        assert_eq!(text, "a,b\nplain,\"with, comma and \"\"quote\"\"\nline\"\n");
    }
}
