//! What a key and a literal say: whether an attribute or object key names a credential, whether
//! a literal in such a place is a secret (or a placeholder), and the small measures behind it.

const CRED_WORDS: [&str; 15] = [
    "password",
    "passwords",
    // `bindpass` (LDAP), `db_pass`.
    "pass",
    "bindpass",
    "passwd",
    "pwd",
    // `db_pw`, `admin_pw`.
    "pw",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "pat",
    "jwt",
];
const CRED_JOINED: [&str; 22] = [
    "client_key",
    // `serviceprincipalkey` (Azure DevOps service connections), `service_principal_key`.
    "principalkey",
    "principal_key",
    "app_key",
    "application_key",
    "shared_key",
    "primary_key",
    "secondary_key",
    "access_secret",
    "consumer_secret",
    "api_key",
    "access_key",
    "secret_key",
    "private_key",
    "auth_key",
    "signing_key",
    "connection_string",
    "client_secret",
    "encryption_key",
    "master_key",
    "admin_key",
    "account_key",
];

/// A chat service's incoming webhook (`slack_webhook_url`, `DISCORD_WEBHOOK`): its URL is the
/// credential that posts to the channel, so `…_url` does not make it a locator.
const CHAT_WEBHOOKS: [&str; 3] = ["slack_webhook", "discord_webhook", "teams_webhook"];
const NOT_VALUE: &[&str] = &[
    "name",
    "names",
    "id",
    "ids",
    "arn",
    "arns",
    "path",
    "paths",
    "file",
    "filename",
    "ttl",
    "length",
    "policy",
    "policies",
    "type",
    "types",
    "version",
    "enabled",
    "enable",
    "count",
    "url",
    "uri",
    "endpoint",
    "prefix",
    "suffix",
    "mode",
    "format",
    "field",
    "rotation",
    "period",
    "days",
    "expiration",
    "expires",
    "reset",
    "required",
    "min",
    "max",
    "bits",
    "algorithm",
    "location",
    "region",
    "header",
    "method",
    "role",
    "roles",
    "audience",
    "audiences",
    "issuer",
    "label",
    "labels",
    "tags",
    "description",
    "ref",
    "backend",
    "engine",
    "mount",
    "store",
    "source",
    "manager",
    "provider",
    "scope",
    "keepers",
    // What state or lifetime a credential has, not the credential (`access_key_status`).
    "status",
    "state",
    "duration",
    "timeout",
    "expiry",
    "lifetime",
    "validity",
    "interval",
    "schedule",
    "date",
    "timestamp",
    "files",
    "strategy",
    "update",
    "config",
    "configuration",
    "setting",
    "settings",
    "reference",
    "location",
    "reader",
    "usage",
    // A key's kind (`customer_master_key_spec = "ECC_NIST_P256"`).
    "spec",
    // How a key is found or shown, or how many are kept (`api_key_selection_expression`,
    // `github_private_key_title`, `number_of_api_keys_to_retain`).
    "expression",
    "title",
    "retain",
];

/// Tokens that are not credentials: request identifiers that make a call idempotent or page
/// through results (`creation_token` of an EFS file system, an Auto Scaling lifecycle hook's
/// `LifecycleActionToken`), and the names of keys inside a Kubernetes Secret
/// (`rds_password_kubernetes_secret_key`), and DNS verification values.
const NOT_CREDENTIALS: [&str; 9] = [
    "creation_token",
    // A domain's verification token is published in its DNS.
    "verification_token",
    "idempotency_token",
    "client_request_token",
    "lifecycle_action_token",
    "continuation_token",
    "pagination_token",
    "kubernetes_secret_key",
    "k8s_secret_key",
];

/// Well-known settings that hold a credential under a name that does not say so: the Vault dev
/// server's root token (`VAULT_DEV_ROOT_TOKEN_ID`), the ECS agent's and GitLab Runner's registry
/// logins (`ECS_ENGINE_AUTH_DATA`, `DOCKER_AUTH_CONFIG`).
const WELL_KNOWN: [&str; 3] = ["vault_dev_root_token_id", "ecs_engine_auth_data", "docker_auth_config"];

/// Whether a name is one for a whole kubeconfig, credentials included (`kube_config_raw`,
/// `kubeconfig`, `admin_kubeconfig`, `kube_admin_config`), not for where one is
/// (`kubeconfig_path`, `kubeconfig_filename`).
pub fn names_kubeconfig(name: &str) -> bool {
    let s = name.to_ascii_lowercase().replace('-', "_");
    (s.contains("kubeconfig") || s.contains("kube_config") || s.contains("kube_admin_config"))
        && !s.ends_with("_path")
        && !s.ends_with("_filename")
        // Its public parts: where the cluster is and the certificate that proves it.
        && !s.contains("certificate_authority")
        && !["_host", "_endpoint", "_server", "_ca", "_ca_certificate"].iter().any(|e| s.ends_with(e))
}

/// Whether an attribute or object key names a credential (`db_password`, `api_key`), and is
/// not about one (`password_length`, `secret_name`, `token_ttl`).
pub fn is_credential_key(key: &str) -> bool {
    let well_known = |w: &&str| {
        w.len() == key.len()
            && w.bytes().zip(key.bytes()).all(|(a, b)| a == b.to_ascii_lowercase() || (a == b'_' && b == b'-'))
    };
    if WELL_KNOWN.iter().any(well_known) {
        return true;
    }
    if !has_credential_hint(key.as_bytes()) {
        return false;
    }
    let k = snake_case(key);
    let tokens: Vec<&str> = k.split('_').filter(|t| !t.is_empty()).collect();
    let Some(last) = tokens.last() else { return false };
    // DNSSEC's key-signing and zone-signing keys are public keys (`key_signing_keys[0].ds_record`).
    let dnssec = k.starts_with("key_signing") || k.starts_with("zone_signing");
    // A switch named for what it turns on (`create_access_key`, `manage_master_user_password`).
    const SWITCH_VERBS: [&str; 15] = [
        "create",
        "enable",
        "disable",
        "use",
        "generate",
        "regenerate",
        "manage",
        "rotate",
        "has",
        "is",
        "should",
        "allow",
        "skip",
        "require",
        "include",
    ];
    let switch = tokens.len() > 1 && SWITCH_VERBS.contains(&tokens[0]);
    // Where a secret is kept, not the secret (`PATH_TO_PRIVATE_KEY`, `file_private_key`).
    let locator = tokens.len() > 1 && matches!(tokens[0], "path" | "file" | "filename" | "location" | "dir");
    // The name of a secret that already exists (`existingSecret`, `apiKeyExistingSecret` of
    // Helm charts' values).
    let locator = locator || tokens.contains(&"existing");
    let switch = switch || locator;
    if CHAT_WEBHOOKS.iter().any(|w| k.contains(w)) && !switch && !k.ends_with("_channel") {
        return true;
    }
    let not_credential = NOT_CREDENTIALS.iter().any(|n| k.ends_with(n));
    if NOT_VALUE.contains(last)
        || k.ends_with("key_id")
        || k.contains("wo_version")
        || dnssec
        || switch
        || not_credential
    {
        return false;
    }
    if CRED_JOINED.iter().any(|j| k.contains(j)) {
        return true;
    }
    // The credential word must be the head noun: only words naming a form of the value may
    // follow it (`client_secret`, `secret_string`, `password_wo`), not `secret_id_num_uses`.
    const VALUE_FORMS: [&str; 9] = ["value", "string", "data", "text", "plaintext", "b64", "base64", "pem", "wo"];
    // Words joined to the credential word (`rootpass`, `dbpwd`, `adminpassword`), but not the
    // English words that end in "pass" (`bypass`, `compass`).
    const PASS_WORDS: [&str; 7] = ["bypass", "compass", "overpass", "underpass", "surpass", "trespass", "encompass"];
    let is_cred = |t: &&str| {
        CRED_WORDS.contains(t)
            || t.ends_with("password")
            || t.ends_with("secret")
            || t.ends_with("pwd")
            || (t.ends_with("pass") && !PASS_WORDS.contains(t))
    };
    // `encrypted_secret_text`, `hashed_password`: what is held is not the secret itself.
    const NOT_PLAIN: [&str; 4] = ["encrypted", "hashed", "hash", "public"];
    // One of several (`db_password_2`, `password2`, `secret_v2`): a number or version after it.
    let numbered = |t: &str| {
        let digits = t.strip_prefix('v').unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let is_cred = |t: &&str| is_cred(t) || is_cred(&t.trim_end_matches(|c: char| c.is_ascii_digit()));
    // A measure of the credential named before it (`default_ttl_gl_jwt`, `max_lease_token`,
    // `rotation_period_secret`): a setting about the secret, not the secret.
    const MEASURES: [&str; 12] = [
        "ttl",
        "lease",
        "expiry",
        "expiration",
        "expires",
        "lifetime",
        "duration",
        "period",
        "timeout",
        "interval",
        "rotation",
        "length",
    ];
    match tokens.iter().rposition(is_cred) {
        Some(i) => {
            tokens[i + 1..].iter().all(|t| VALUE_FORMS.contains(t) || numbered(t))
                && !tokens[..i].iter().any(|t| NOT_PLAIN.contains(t) || MEASURES.contains(t))
        }
        None => false,
    }
}

/// Fast rejection without allocating: every credential word contains one of `pass`, `pw`,
/// `secret`, `token`, `key`, `cred`, `pat` or `jwt`, in any case. One pass over the key,
/// looking further only at the letters these start with.
fn has_credential_hint(b: &[u8]) -> bool {
    let at = |i: usize, w: &[u8]| b.get(i..i + w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w));
    (0..b.len()).any(|i| match b[i].to_ascii_lowercase() {
        b'p' => at(i, b"pass") || at(i, b"pw") || at(i, b"pat"),
        b's' => at(i, b"secret"),
        b't' => at(i, b"token"),
        b'k' => at(i, b"key"),
        b'c' => at(i, b"cred"),
        b'j' => at(i, b"jwt"),
        b'w' => at(i, b"webhook"),
        _ => false,
    })
}

/// Whether a credential-named key is a bare noun that also names *which* secret to use
/// (`secret = "api-key"` in a secret reference), so an identifier-like value is a name.
pub(super) fn names_a_secret(key: &str) -> bool {
    matches!(snake_case(key).as_str(), "secret" | "secrets" | "credential" | "credentials" | "secret_name")
}

/// Lower-case words joined by separators (`prod-api-key`, `app/db/creds`): a name.
pub(super) fn identifier_like(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_./:".contains(c))
        && b.iter().any(|c| b"-_./:".contains(c))
        && t.split(['-', '_', '.', '/', ':'])
            .all(|seg| seg.bytes().all(|c| c.is_ascii_alphabetic()) || seg.bytes().all(|c| c.is_ascii_digit()))
}

/// Names that describe a secret rather than hold it (`username`, `host`, `url`).
const DESCRIPTIVE_NAMES: [&str; 16] = [
    "user",
    "username",
    "login",
    "host",
    "hostname",
    "url",
    "endpoint",
    "port",
    "database",
    "db",
    "dbname",
    "region",
    "email",
    "engine",
    "type",
    "description",
];

/// Last words that make a longer name describe a secret too (`DB_HOST`, `AWS_DEFAULT_REGION`,
/// `GITHUB_APP_ID`, `DOCKER_USERNAME`). Not `url`: a webhook's URL is its credential.
const DESCRIPTIVE_LAST_WORDS: [&str; 14] = [
    "user", "username", "login", "host", "hostname", "port", "region", "zone", "email", "id", "account", "project",
    "location", "bucket",
];

/// Whether a longer name ends in a word for what describes a secret (`langfuse-s3-user`,
/// `db_host`, `client-id`); a bare `db` or `database` may name the database's password.
pub fn ends_descriptive(name: &str) -> bool {
    let k = snake_case(name);
    k.contains('_') && k.rsplit('_').next().is_some_and(|last| DESCRIPTIVE_LAST_WORDS.contains(&last))
}

/// Whether a name is one for a public key (`partner-public-key`, `ssh_public_key_prod`,
/// `publicKey`): the half of a key pair that is meant to be shared.
pub fn names_public_key(name: &str) -> bool {
    let k = snake_case(name);
    k.split('_').collect::<Vec<_>>().windows(2).any(|w| w[0] == "public" && w[1] == "key")
}

/// Whether a secret store's entry or a lookup is named for what holds no secret: what
/// describes one (`db-admin-username`, `oauth-client-id`) or a public key
/// (`partner-public-key`). Parts of the name not known here (`${…}-admin-username`, or the
/// evaluator's holes) do not end it.
pub fn names_no_secret(name: &str) -> bool {
    ends_descriptive(name) || names_public_key(name)
}

/// Whether a key names something that describes a secret (its user, host, region, id) rather
/// than the secret itself.
pub fn is_descriptive_name(key: &str) -> bool {
    let k = snake_case(key);
    DESCRIPTIVE_NAMES.contains(&k.as_str())
        || k.rsplit('_').next().is_some_and(|last| DESCRIPTIVE_LAST_WORDS.contains(&last))
}

/// `dbPassword` → `db_password`; `-`, `.` and spaces become `_` too.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | '.' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}

/// What a literal in a secret-carrying attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A value written in the code: a secret.
    Secret,
    /// A secret that looks like a placeholder (`changeme`, `<token>`, `EXAMPLE` keys): still in
    /// the code, and often the real value in the end.
    Placeholder,
}

/// How a literal in an attribute whose role is to carry a secret reads: `None` when it is not
/// a secret at all (empty, a path, a URL without credentials, a pointer to a secret store, an
/// environment variable's name, a template marker).
pub fn literal_secret(s: &str) -> Option<Literal> {
    let t = s.trim();
    // A value with an unknown part (the evaluator's hole) was not written here.
    if t.is_empty() || t.len() > 16_384 || t.contains(crate::eval::HOLE) {
        return None;
    }
    let l = t.to_ascii_lowercase();
    // Switches, and the access levels of permission maps (`id-token: write` in a workflow),
    // also quoted for API Gateway (`"'true'"` of an `Access-Control-Allow-Credentials` header).
    if matches!(
        l.trim_matches('\''),
        "true" | "false" | "null" | "none" | "disabled" | "enabled" | "read" | "write" | "read-all" | "write-all"
            // Sentinels for "not set" (`default = "UNDEFINED"`): the value comes from elsewhere.
            | "undefined" | "unset" | "not_set" | "notset" | "nil" | "n/a"
            // Units (`token_validity_units { access_token = "hours" }`).
            | "seconds" | "minutes" | "hours" | "days"
            // Where a credential comes from rather than the credential: Azure's identity-based
            // connections (`AzureWebJobsStorage__credential = "managedidentity"`), the
            // Azure SDKs' and AWS SDKs' credential sources.
            | "managedidentity" | "managed_identity" | "workloadidentity" | "workload_identity"
            | "azurecli" | "environment" | "ec2instancemetadata" | "ecscontainer"
    ) {
        return None;
    }
    // A format verb (`%s` of `format("%s://%s:%s@%s", …)`): a value comes there, none is written.
    // A regular expression that finds secrets (`(SECRET_KEY=)([^\s]+)` of a data protection
    // policy) describes them.
    const REGEX: [&str; 9] = ["[^", "\\s+", "\\s*", "\\d+", "\\d{", "(?:", "(?i)", "[a-z", "[0-9"];
    if format_verb(t) || REGEX.iter().any(|m| t.contains(m)) {
        return None;
    }
    const POINTERS: [&str; 20] = [
        "arn:",
        // GCP IAM roles (`roles/iam.serviceAccountKeyAdmin` under a key named after it).
        "roles/",
        "organizations/",
        "folders/",
        "/",
        "./",
        "../",
        "~/",
        "file://",
        "projects/",
        "secret/",
        "kv/",
        "ssm:",
        "vault:",
        "@microsoft.keyvault",
        "{{resolve:",
        "data.",
        "var.",
        "module.",
        "local.",
    ];
    if POINTERS.iter().any(|p| l.starts_with(p)) || store_path(t) {
        return None;
    }
    // Template markers of other tools, and shell/YAML references: `$VAR`, `$(cmd)`,
    // `{{ .Values.x }}`, `!Ref x`. A value that only starts with `$` or `!` (`$uper$ecure`,
    // `!Passw0rd`) is one.
    let is_word = |w: &str| !w.is_empty() && w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    let shell_ref = t.strip_prefix('$').is_some_and(|r| r.starts_with(['(', '{']) || is_word(r));
    let yaml_tag = t.strip_prefix('!').is_some_and(|r| {
        r.split(' ').next().is_some_and(|tag| !tag.is_empty() && tag.bytes().all(|c| c.is_ascii_alphabetic()))
    });
    if shell_ref || yaml_tag || t.starts_with("{{") || t.starts_with("%{") || t.contains("${") {
        return None;
    }
    if (l.starts_with("http://") || l.starts_with("https://")) && !url_has_password(t) {
        return None;
    }
    const EXTS: [&str; 11] = [".pem", ".json", ".key", ".txt", ".crt", ".p12", ".pfx", ".yaml", ".yml", ".tpl", ".jks"];
    if EXTS.iter().any(|e| l.ends_with(e)) && !t.contains(char::is_whitespace) && t.len() < 256 {
        return None;
    }
    if public_key_material(t) {
        return None;
    }
    // `is_placeholder` calls every short value a placeholder; here short values are real.
    // Placeholder words are placeholders at any length (`FIXME`, `TODO`).
    const SHORT_WORDS: [&str; 6] = ["fixme", "todo", "tbd", "xxx", "xxxx", "dummy"];
    let looks_fake = l.contains("example")
        || if t.len() < 6 { t.starts_with('<') || SHORT_WORDS.contains(&l.as_str()) } else { is_placeholder(t) };
    if looks_fake {
        return Some(Literal::Placeholder);
    }
    // An environment variable's name (`DB_PASSWORD`): where a secret comes from, not the secret.
    if env_var_name(t) {
        return None;
    }
    Some(Literal::Secret)
}

/// The public half of a key pair, or a certificate: an OpenSSH public key
/// (`ssh-ed25519 AAAA… comment`) or a PEM public key or certificate. It is meant to be shared,
/// whatever the attribute or variable holding it is called (a `sensitive` `deploy_key_pub`).
fn public_key_material(t: &str) -> bool {
    const OPENSSH: [&str; 6] =
        ["ssh-ed25519 ", "ssh-rsa ", "ssh-dss ", "ecdsa-sha2-", "sk-ssh-ed25519@openssh.com ", "sk-ecdsa-sha2-"];
    const PEM: [&str; 3] =
        ["-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN RSA PUBLIC KEY-----"];
    let ssh = OPENSSH.iter().any(|p| t.starts_with(p)) && t.contains(" AAAA") && !t.contains("PRIVATE KEY");
    let pem = PEM.iter().any(|p| t.starts_with(p)) && !t.contains("PRIVATE KEY");
    ssh || pem
}

/// `%s`, `%v`, `%q`, `%d`, `%[2]s`: where `format()` puts a value.
fn format_verb(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('%') else { return false };
    let rest = rest.strip_prefix('[').and_then(|r| r.split_once(']')).map_or(rest, |(_, r)| r);
    matches!(rest, "s" | "v" | "q" | "d" | "#v")
}

/// A path into a secret store under any mount (`k3s/proxmox/password`,
/// `apps/ci/deploy-token`): three or more lower-case segments, as store paths are written.
fn store_path(t: &str) -> bool {
    let segments: Vec<&str> = t.split('/').collect();
    segments.len() >= 3
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.'))
        })
        && segments.iter().filter(|s| s.bytes().any(|c| c.is_ascii_lowercase())).count() >= 2
}

/// How a literal in a secret's place reads, as [`literal_secret`], except that a value that
/// reads like a variable's name (`SECRET_PASS`, `SENSITIVE_API_KEY_12345`) is what is written
/// there all the same: a placeholder.
pub fn secret_in_role(s: &str) -> Option<Literal> {
    literal_secret(s).or_else(|| env_var_name(s).then_some(Literal::Placeholder))
}

/// `DB_PASSWORD`: upper-case words joined by underscores, as environment variables are named.
pub(super) fn env_var_name(t: &str) -> bool {
    let b = t.trim().as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b.contains(&b'_')
        && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .split_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, pw)| !pw.is_empty()))
}

/// The password written in a URL's user information (`postgres://app:hunter2@db/app` →
/// `hunter2`), anywhere in a text.
pub fn url_password(text: &str) -> Option<&str> {
    url_password_in(text, false)
}

/// [`url_password`] of the literal text before an interpolation: the host may be what follows
/// (`"postgres://root:hunter2@${aws_db_instance.db.address}/app"`).
pub fn url_password_before_interpolation(text: &str) -> Option<&str> {
    url_password_in(text, text.contains("://") && text.ends_with('@'))
}

fn url_password_in(text: &str, host_follows: bool) -> Option<&str> {
    // Both forms have an `@` before the host: most values have none.
    memchr::memchr(b'@', text.as_bytes())?;
    let Some((_, rest)) = text.split_once("://") else { return bare_connection_password(text) };
    let authority = rest.split(['/', '?', '#', ' ', '"', '\'', '\n']).next()?;
    let (userinfo, host) = authority.rsplit_once('@')?;
    let (_, pw) = userinfo.split_once(':')?;
    (!pw.is_empty() && (host_follows || !host.is_empty())).then_some(pw)
}

/// A connection string without a scheme that is the whole value, `user:password@host[:port]
/// [/service]` (Oracle, MySQL DSNs): its password.
fn bare_connection_password(text: &str) -> Option<&str> {
    let t = text.trim();
    if t.is_empty() || t.contains(char::is_whitespace) {
        return None;
    }
    let (userinfo, rest) = t.split_once('@')?;
    let (user, pw) = userinfo.split_once(':')?;
    let authority = rest.split(['/', '?']).next()?;
    let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
    let word =
        |s: &str, extra: &[u8]| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || extra.contains(&c));
    // IAM members (`serviceAccount:ci@p.iam.gserviceaccount.com`) share the shape.
    const MEMBER_KINDS: [&str; 8] =
        ["user", "serviceaccount", "group", "domain", "deleted", "principal", "principalset", "mailto"];
    let looks_right = word(user, b"._-")
        && !MEMBER_KINDS.contains(&user.to_ascii_lowercase().as_str())
        && !pw.is_empty()
        && !pw.contains(['/', '@'])
        && word(host, b".-")
        // A port or a database after the host: a connection, not an address.
        && (port.bytes().all(|c| c.is_ascii_digit()) && (!port.is_empty() || rest.len() > authority.len()));
    looks_right.then_some(pw)
}

/// Values that stand in for a secret rather than being one.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    let l = t.to_ascii_lowercase();
    if t.len() < 6 || t.starts_with('<') || t.starts_with('{') || t.starts_with("${") || t.contains("${") {
        return true;
    }
    const WORDS: [&str; 24] = [
        "changeme",
        "change_me",
        "change-me",
        "replace",
        "placeholder",
        "example",
        "dummy",
        "sample",
        "your_",
        "your-",
        "yourpassword",
        "redacted",
        "notasecret",
        "not-a-secret",
        "todo",
        "fixme",
        "xxxx",
        "****",
        "....",
        "fake",
        "insert",
        "secret_here",
        "password_here",
        "must_be_set",
    ];
    if WORDS.iter().any(|w| l.contains(w)) {
        return true;
    }
    // One repeated character ("aaaaaaaa", "00000000").
    let first = t.chars().next().unwrap_or(' ');
    t.chars().all(|c| c == first)
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut n = 0usize;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_joined_credential_word_is_a_credential_key() {
        // The fast rejection in `is_credential_key` must let each of them through. A bare
        // `connection_string` is the exception on purpose: it is judged by the password it
        // holds (`url_password`), not by its name.
        for j in CRED_JOINED.iter().filter(|j| **j != "connection_string") {
            assert!(is_credential_key(j), "{j}");
        }
        assert!(!is_credential_key("connection_string"));
        assert!(is_credential_key("serviceprincipalkey"));
    }

    #[test]
    fn credential_hints_in_any_case_and_place() {
        for k in ["PASSWD", "x_pw", "Pat", "client_SECRET", "apiToken", "ssh_key", "Creds", "jwt", "k"] {
            assert_eq!(has_credential_hint(k.as_bytes()), k != "k", "{k}");
        }
        // A hint cut off by the end of the key is no hint.
        for k in ["pas", "secre", "toke", "ke", "cre", "jw", "p", "", "region", "bucket_name"] {
            assert!(!has_credential_hint(k.as_bytes()), "{k}");
        }
    }

    #[test]
    fn placeholders_and_entropy() {
        for p in ["changeme", "REPLACE_ME", "${var.x}", "<secret>", "xxxxxxxxxx", "your-token-here", "abc"] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("N0t-a-Plac3holder!"));
        assert!(entropy("aaaa") < 0.1);
        assert!(entropy("aB3$kL9#qW") > 3.0);
    }

    #[test]
    fn credential_keys_and_values() {
        for k in [
            "password",
            "db_password",
            "client_secret",
            "api_key",
            "token",
            "secret_string",
            "GITHUB_TOKEN",
            "POSTGRES_ROOTPASS",
            "dbpwd",
            // One of several: a number or version after the credential word.
            "db_password_2",
            "password2",
            "secret_01",
            "API_TOKEN_V2",
        ] {
            assert!(is_credential_key(k), "{k}");
        }
        // A number does not make a credential of what is not one.
        for k in ["secret_id_2", "password_length_2", "token_ttl_2", "v2", "port_8080"] {
            assert!(!is_credential_key(k), "{k}");
        }
        assert!(is_credential_key("auth.rootPassword"));
        for k in [
            "password_length",
            "secret_name",
            "token_ttl",
            "kms_key_id",
            "secret_id",
            "token_policies",
            "key_signing_keys",
            "zone_signing_keys",
        ] {
            assert!(!is_credential_key(k), "{k}");
        }
        assert!(is_credential_key("dbPassword") && is_credential_key("apiToken") && is_credential_key("adminPassword"));
        assert!(is_credential_key("postgres_admin_pw") && is_credential_key("DB_PW"));
        // A chat service's incoming webhook URL posts to the channel; its channel or a switch
        // for it does not.
        assert!(is_credential_key("slack_webhook_url") && is_credential_key("DISCORD_WEBHOOK"));
        assert!(!is_credential_key("slack_webhook_channel") && !is_credential_key("enable_slack_webhook"));
        assert!(!is_credential_key("webhook_url"));
        assert!(!is_credential_key("pw_length") && !is_credential_key("pwm"));
        assert!(!is_credential_key("auth_token_update_strategy") && !is_credential_key("shared_credentials_files"));
        assert!(!is_credential_key("secret_id_num_uses") && is_credential_key("secret_string"));
        // Settings about a credential, named before it.
        assert!(!is_credential_key("default_ttl_gl_jwt") && !is_credential_key("max_lease_ttl_token"));
        assert!(!is_credential_key("rotation_period_secret") && !is_credential_key("ttl_service_token_value"));
        assert!(is_credential_key("gitlab_jwt") && is_credential_key("admin_password"));
        // Identifiers and names that only look like credentials.
        assert!(!is_credential_key("creation_token") && !is_credential_key("LifecycleActionToken"));
        assert!(
            !is_credential_key("api_key_selection_expression") && !is_credential_key("number_of_api_keys_to_retain")
        );
        assert!(!is_credential_key("rds_password_kubernetes_secret_key") && !is_credential_key("regenerate_passwords"));
        assert!(!is_credential_key("github_private_key_title") && is_credential_key("github_private_key"));
        assert!(
            !is_credential_key("access_key_status")
                && !is_credential_key("token_expiry")
                && !is_credential_key("secret_rotation_schedule")
        );
        assert!(
            !is_credential_key("api_key_state") && is_credential_key("api_key") && is_credential_key("secret_data")
        );
        assert!(is_credential_key("password_wo") && is_credential_key("token_reviewer_jwt"));
        // Switches named for what they turn on.
        assert!(!is_credential_key("create_access_key") && !is_credential_key("manage_master_user_password"));
        assert!(is_credential_key("access_key") && is_credential_key("master_user_password"));
        assert!(!is_credential_key("PATH_TO_PRIVATE_KEY") && is_credential_key("PRIVATE_KEY"));
        // The name of a secret that exists already (Helm charts' values).
        assert!(!is_credential_key("existingSecret") && !is_credential_key("apiKeyExistingSecret"));
        // Every credential word passes the fast filter.
        assert!(is_credential_key("jwt"));
        assert!(!is_credential_key("encrypted_secret_text") && !is_credential_key("hashed_password"));
        assert!(!is_credential_key("proxy_bypass") && !is_credential_key("compass"), "words that end in pass");
    }

    #[test]
    fn names_that_describe_a_secret() {
        for k in ["username", "DOCKER_USERNAME", "AWS_DEFAULT_REGION", "GITHUB_APP_ID", "dbHost", "url", "S3_BUCKET"] {
            assert!(is_descriptive_name(k), "{k}");
        }
        for k in ["password", "NPM_TOKEN", "slack_webhook_url", "deploy", "example_secret_name"] {
            assert!(!is_descriptive_name(k), "{k}");
        }
        for k in ["partner-public-key-", "ssh_public_key", "publicKey"] {
            assert!(names_public_key(k), "{k}");
        }
        for k in ["private_key", "public_ip", "key_public"] {
            assert!(!names_public_key(k), "{k}");
        }
    }

    #[test]
    fn public_keys_and_certificates_are_not_secrets() {
        for v in [
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIj5doPA5fPI8 deploy-key",
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAA",
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
        ] {
            assert_eq!(literal_secret(v), None, "{v}");
        }
        // A private key, or text that only starts like an SSH key type, still is one.
        for v in ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----", "ssh-rsa-password"] {
            assert!(literal_secret(v).is_some(), "{v}");
        }
    }

    #[test]
    fn any_literal_in_a_secret_role_is_a_secret() {
        for v in ["Sup3rS3cret!", "password123", "root", "123", "foo", "prod-db-password", "$uper$ecure", "!Passw0rd"] {
            assert_eq!(literal_secret(v), Some(Literal::Secret), "{v}");
        }
        assert_eq!(secret_in_role("SECRET_VAL"), Some(Literal::Placeholder), "a variable's name in a secret's place");
        for v in ["changeme", "AKIAIOSFODNN7EXAMPLE", "<token>", "yourpassword", "example-value", "FIXME"] {
            assert_eq!(literal_secret(v), Some(Literal::Placeholder), "{v}");
        }
        for v in [
            "",
            "  ",
            "arn:aws:secretsmanager:x",
            "DB_PASSWORD",
            "${var.x}",
            "key.pem",
            "~/.aws/credentials",
            "$TOKEN",
            "$(cat /run/secrets/db)",
            "!Ref DbPassword",
            "write",
            "{{ .Values.pw }}",
            "https://vault.example.com",
            "true",
            "roles/iam.serviceAccountKeyAdmin",
            "k3s/proxmox/password",
            "hours",
            "%s",
            "%[3]s",
        ] {
            assert_eq!(literal_secret(v), None, "{v}");
        }
        // Base64 and passwords with slashes are not store paths.
        for v in ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "S3cret/Pa55/word", "pass/word"] {
            assert!(literal_secret(v).is_some(), "{v}");
        }
        assert_eq!(literal_secret("postgres://app:hunter2@db:5432/app"), Some(Literal::Secret));
        assert_eq!(url_password("conn = postgres://app:hunter2@db:5432/app?x=1"), Some("hunter2"));
        assert_eq!(url_password("mongodb://:s3cr3t@db"), Some("s3cr3t"));
        // The literal part of "postgres://root:hunter2@${aws_db_instance.db.address}/app".
        assert_eq!(url_password("postgres://root:hunter2@"), None);
        assert_eq!(url_password_before_interpolation("postgres://root:hunter2@"), Some("hunter2"));
        assert_eq!(url_password_before_interpolation("user:pass@"), None);
        assert_eq!(url_password_before_interpolation("https://example.com/a@"), None);
        // Connection strings without a scheme, when they are the whole value.
        assert_eq!(url_password("admin:myPassword@localhost:1521/OraDoc.localhost"), Some("myPassword"));
        assert_eq!(url_password("app:s3cr3t@db.internal/orders"), Some("s3cr3t"));
        for t in [
            "https://example.com/a@b",
            "git@github.com:org/repo.git",
            "ssh://git@host/x",
            "postgres://app:@db",
            "nginx:1.25@sha256:0d2a",
            "run admin:pw@db now",
            "user:@host",
            "arn:aws:iam::123456789012:role/x",
            "serviceAccount:ci@p.iam.gserviceaccount.com",
            "user:alice@example.com",
            "app:s3cr3t@db.internal",
        ] {
            assert_eq!(url_password(t), None, "{t}");
        }
    }
}
