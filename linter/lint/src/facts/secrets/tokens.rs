//! Known token formats: credentials recognisable by their look wherever they appear.

use std::sync::LazyLock;

use regex::Regex;

/// Known token formats: (what it is, pattern).
const FORMATS: [(&str, &str); 18] = [
    ("AWS access key ID", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("GitHub token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b"),
    ("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    ("GitLab token", r"\bgl(?:pat|dt|rt|ptt|ft|cbt|imt|oas)-[A-Za-z0-9_\-]{20,}"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Slack webhook URL", r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    (
        "private key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n)*[A-Za-z0-9+/=]{40,}",
    ),
    ("Stripe secret key", r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    ("SendGrid API key", r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("Vault token", r"\bhv[sb]\.[A-Za-z0-9_\-]{24,}"),
    ("JSON web token", r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    ("DigitalOcean token", r"\bdo[opr]_v1_[a-f0-9]{64}\b"),
    ("Azure storage account key", r"AccountKey=[A-Za-z0-9+/=]{60,}"),
    ("nhi API key", r"\bnhi_(?:key|sk)_[A-Za-z0-9_]{20,}"),
    ("Terraform Cloud token", r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,}"),
    ("Twilio API key", r"\bSK[0-9a-f]{32}\b"),
];

/// A literal every pattern of [`FORMATS`] starts with (or contains): a string with none of them
/// holds no known token, and the regexes are not even compiled for it.
const MARKERS: [&str; 32] = [
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "glptt-",
    "glft-",
    "glcbt-",
    "glimt-",
    "gloas-",
    "xox",
    "hooks.slack.com",
    "AIza",
    "PRIVATE KEY",
    "k_live_",
    "SG.",
    "npm_",
    "hvs.",
    "hvb.",
    "eyJ",
    "_v1_",
    "AccountKey=",
    "nhi_",
    ".atlasv1.",
];

fn may_hold_token(s: &str) -> bool {
    MARKERS.iter().any(|m| s.contains(m)) || twilio_like(s)
}

/// `SK` and 32 lower-case hex digits (the Twilio pattern), without a regex.
fn twilio_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(34)
        .any(|w| w.starts_with(b"SK") && w[2..].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)))
}

static ANY: LazyLock<Regex> = LazyLock::new(|| {
    let joined: Vec<String> = FORMATS.iter().map(|(_, p)| format!("(?:{p})")).collect();
    Regex::new(&joined.join("|")).unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
});

static EACH: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| FORMATS.iter().filter_map(|(n, p)| Regex::new(p).ok().map(|r| (*n, r))).collect());

/// The kind of known token in `s`, if any (placeholders such as `AKIAIOSFODNN7EXAMPLE` excluded).
pub fn known_token(s: &str) -> Option<&'static str> {
    if s.len() < 16 || !may_hold_token(s) || !ANY.is_match(s) {
        return None;
    }
    for (name, re) in EACH.iter() {
        for m in re.find_iter(s) {
            let t = m.as_str();
            let l = t.to_ascii_lowercase();
            if l.contains("example") || l.contains("xxxx") || t.contains("0000000000") || l.contains("1234567890") {
                continue;
            }
            return Some(name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_format_has_a_marker() {
        let samples = [
            "AKIAZ7QW3RT5YU8IOP2L",
            "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
            "glpat-Xy7Zq1Wv3Ut5Sr7Qp9On",
            "xoxb-2048163264-zyxwvutsrq",
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop1234",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx1y2z3a4b5c6d7e8f9g0h1i2j3k4l5m6n7o8p9q0r1s2t3u4",
            "sk_live_a1B2c3D4e5F6g7H8i9J0k1L2",
            "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "hvs.CAESIJ1a2b3c4d5e6f7g8h9i0j1k2l3m4n",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "DefaultEndpointsProtocol=https;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567==",
            "nhi_key_abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmn.atlasv1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "SK0123456789abcdef0123456789abcdef",
        ];
        for t in samples {
            assert!(known_token(t).is_some(), "{t}");
            assert!(may_hold_token(t), "{t}");
        }
        assert!(!may_hold_token("arn:aws:iam::123456789012:role/deployer"));
    }

    #[test]
    fn token_formats() {
        assert_eq!(known_token("key AKIAZ7QW3RT5YU8IOP2L here"), Some("AWS access key ID"));
        assert_eq!(known_token("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(known_token("ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"), Some("GitHub token"));
        assert_eq!(known_token("glpat-Xy7Zq1Wv3Ut5Sr7Qp9On"), Some("GitLab token"));
        assert_eq!(known_token("just a normal sentence that is long"), None);
    }
}
