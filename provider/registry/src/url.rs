//! Registry URLs: `sqlite://PATH`, `sqlite:///abs/path`, `sqlite::memory:`, `postgres://...`.

use std::path::PathBuf;

use crate::RegistryError;

/// Where a registry lives, as parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryUrl {
    /// `sqlite://PATH`: a file, relative to the current directory unless PATH is absolute.
    SqliteFile(PathBuf),
    /// `sqlite::memory:`: a private in-memory database (tests).
    SqliteMemory,
    /// `postgres://...` or `postgresql://...`.
    Postgres,
}

const MEMORY: &str = "sqlite::memory:";
const SUPPORTED: &str = "use sqlite://PATH, sqlite:///ABSOLUTE/PATH or postgres://USER@HOST/DB";

/// Parses a registry URL. Errors quote the URL with any password replaced by `***`.
pub fn parse_url(url: &str) -> Result<RegistryUrl, RegistryError> {
    let error = |reason: String| RegistryError::Url { url: redact(url), reason };
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(error(format!("it is empty; {SUPPORTED}")));
    }
    if trimmed != url {
        return Err(error("it has leading or trailing whitespace".to_owned()));
    }
    if url == MEMORY {
        return Ok(RegistryUrl::SqliteMemory);
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err(error(format!("it has no scheme; {SUPPORTED}")));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => {
            let Some(path) = rest.strip_prefix("//") else {
                return Err(error(format!(
                    "a SQLite URL is sqlite://PATH (two slashes, then the path), or {MEMORY} for a test database"
                )));
            };
            if path.is_empty() {
                return Err(error("the SQLite URL has no file path after sqlite://".to_owned()));
            }
            if path.contains('?') || path.contains('#') {
                return Err(error("query parameters and fragments are not supported in SQLite URLs".to_owned()));
            }
            if path.ends_with('/') {
                return Err(error("the SQLite path names a directory; add a file name".to_owned()));
            }
            Ok(RegistryUrl::SqliteFile(PathBuf::from(path)))
        }
        "postgres" | "postgresql" => {
            if !rest.starts_with("//") {
                return Err(error("a PostgreSQL URL is postgres://USER@HOST/DB".to_owned()));
            }
            Ok(RegistryUrl::Postgres)
        }
        other => Err(error(format!("unknown scheme {other:?}; {SUPPORTED}"))),
    }
}

/// The URL with any password (`user:password@` or a `password=` query parameter) replaced by
/// `***`, for messages.
pub fn redact(url: &str) -> String {
    let url = redact_userinfo(url);
    let Some((base, query)) = url.split_once('?') else {
        return url;
    };
    let (query, fragment) = query.split_once('#').map_or((query, None), |(q, f)| (q, Some(f)));
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => param.to_owned(),
        })
        .collect();
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{base}?{}{fragment}", params.join("&"))
}

fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_owned();
    };
    format!("{}{}:***{}", &url[..authority_start], &userinfo[..colon], &url[authority_start + at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(url: &str) -> (String, String) {
        match parse_url(url) {
            Err(RegistryError::Url { url, reason }) => (url, reason),
            other => panic!("expected a URL error for {url:?}, got {other:?}"),
        }
    }

    #[test]
    fn sqlite_paths_relative_and_absolute() {
        assert_eq!(parse_url("sqlite://nhi-registry.db").unwrap(), RegistryUrl::SqliteFile("nhi-registry.db".into()));
        assert_eq!(parse_url("sqlite://state/r.db").unwrap(), RegistryUrl::SqliteFile("state/r.db".into()));
        assert_eq!(
            parse_url("sqlite:///var/lib/nhi/r.db").unwrap(),
            RegistryUrl::SqliteFile("/var/lib/nhi/r.db".into())
        );
        assert_eq!(parse_url("SQLite://x.db").unwrap(), RegistryUrl::SqliteFile("x.db".into()));
        assert_eq!(parse_url("sqlite::memory:").unwrap(), RegistryUrl::SqliteMemory);
    }

    #[test]
    fn postgres_urls_are_recognised() {
        assert_eq!(parse_url("postgres://nhi@db/nhi").unwrap(), RegistryUrl::Postgres);
        assert_eq!(parse_url("postgresql://nhi@db/nhi").unwrap(), RegistryUrl::Postgres);
    }

    #[test]
    fn an_unreachable_postgres_error_hides_the_password() {
        let err = crate::open("postgres://nhi:s3cret@db.invalid:5432/nhi?connect_timeout=2").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("cannot open registry"), "{message}");
        assert!(message.contains("postgres://nhi:***@db.invalid:5432/nhi"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
        assert!(!format!("{err:?}").contains("s3cret"));
    }

    #[test]
    fn bad_urls_are_explained_and_quoted() {
        let (url, why) = reason("");
        assert_eq!(url, "");
        assert!(why.contains("empty"), "{why}");

        let (url, why) = reason("sqlite:relative.db");
        assert_eq!(url, "sqlite:relative.db");
        assert!(why.contains("sqlite://PATH"), "{why}");

        let (_, why) = reason("sqlite://");
        assert!(why.contains("no file path"), "{why}");

        let (_, why) = reason("sqlite://r.db?mode=ro");
        assert!(why.contains("query"), "{why}");

        let (_, why) = reason("sqlite:///var/lib/nhi/");
        assert!(why.contains("directory"), "{why}");

        let (_, why) = reason("mysql://db/nhi");
        assert!(why.contains("\"mysql\""), "{why}");

        let (_, why) = reason("nhi-registry.db");
        assert!(why.contains("no scheme"), "{why}");

        let (_, why) = reason(" sqlite://r.db");
        assert!(why.contains("whitespace"), "{why}");

        let err = parse_url("mysql://db/nhi").unwrap_err().to_string();
        assert!(err.starts_with("registry URL \"mysql://db/nhi\" is not supported: "), "{err}");
    }

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(redact("postgres://u:p@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://h/db?x=a:b@c"), "postgres://h/db?x=a:b@c");
        assert_eq!(redact("postgres://u:p:q@h"), "postgres://u:***@h");
        assert_eq!(redact("sqlite://r.db"), "sqlite://r.db");
        assert_eq!(
            redact("postgres://h/db?sslmode=require&PASSWORD=p&user=u#x"),
            "postgres://h/db?sslmode=require&PASSWORD=***&user=u#x"
        );
        assert_eq!(redact("postgres://u:p@h/db?password=q"), "postgres://u:***@h/db?password=***");
    }
}
