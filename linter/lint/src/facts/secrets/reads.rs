//! What an expression reads that is a secret: the credential attributes of resources, whole
//! credential objects, credential-named variables and module outputs.

use super::{is_credential_key, names_kubeconfig};
use crate::syntax::{Expr, ExprKind, ObjKey, TraverseOp};

/// Attributes that hold a secret although their names do not say so.
const SECRET_ATTRS: [(&str, &str); 27] = [
    ("random_password", "result"),
    ("github_actions_secret", "plaintext_value"),
    ("github_actions_organization_secret", "plaintext_value"),
    ("google_apikeys_key", "key_string"),
    ("aws_api_gateway_api_key", "value"),
    ("azuread_application_password", "value"),
    ("azuread_service_principal_password", "value"),
    ("azuread_application_certificate", "value"),
    ("azurerm_api_management_subscription", "primary_key"),
    ("vault_approle_auth_backend_role_secret_id", "secret_id"),
    ("vault_approle_auth_backend_role_secret_id", "wrapping_token"),
    ("azurerm_kubernetes_cluster", "kube_config_raw"),
    ("azurerm_kubernetes_cluster", "kube_admin_config_raw"),
    ("azurerm_kubernetes_cluster", "kube_admin_config"),
    // `kube_config[0].raw_config`: the whole kubeconfig, its token included.
    ("digitalocean_kubernetes_cluster", "raw_config"),
    // A kind cluster's kubeconfig carries its admin client key.
    ("kind_cluster", "kubeconfig"),
    ("kind_cluster", "kubeconfig_path"),
    ("aws_iam_access_key", "ses_smtp_password_v4"),
    ("azurerm_key_vault_secret", "value"),
    ("kubernetes_secret", "data"),
    ("kubernetes_secret_v1", "data"),
    // A Tailscale auth key joins any machine that holds it to the tailnet.
    ("tailscale_tailnet_key", "key"),
    ("oci_identity_customer_secret_key", "key"),
    ("b2_application_key", "application_key"),
    // Talos: the cluster's CA keys and bootstrap tokens, and the admin kubeconfig.
    ("talos_machine_secrets", "machine_secrets"),
    ("talos_cluster_kubeconfig", "kubeconfig_raw"),
    // An Amplify deploy webhook's URL carries the token that triggers a deployment.
    ("aws_amplify_webhook", "url"),
];

/// Attributes whose whole object holds a secret among other fields: read whole, by an index
/// (an output of `google_container_cluster.x.master_auth[0]`), they carry it; read for one
/// field (`master_auth[0].cluster_ca_certificate`), only that field counts. Without the index
/// (`master_auth`) it is not counted: a plan's `references` stop at the first index, so there
/// the whole object and one public field of it look the same.
const SECRET_OBJECTS: [(&str, &str); 3] = [
    ("google_container_cluster", "master_auth"),
    ("azurerm_kubernetes_cluster", "kube_config"),
    ("digitalocean_kubernetes_cluster", "kube_config"),
];

/// Data-source attributes that hold a secret although their names do not say so: a Key Vault
/// secret's `value`, the SAS tokens Azure signs with the account key, a Functions app's host keys, Talos's rendered
/// configurations.
const DATA_SECRET_ATTRS: [(&str, &str); 11] = [
    // What a Key Vault secret holds: the secret read back from the vault.
    ("azurerm_key_vault_secret", "value"),
    ("azurerm_storage_account_sas", "sas"),
    ("azurerm_storage_account_blob_container_sas", "sas"),
    // A Functions app's host keys: each calls every function of the app (the system keys,
    // its extensions' webhooks).
    ("azurerm_function_app_host_keys", "default_function_key"),
    ("azurerm_function_app_host_keys", "event_grid_extension_config_key"),
    ("azurerm_function_app_host_keys", "blobs_extension_key"),
    ("azurerm_function_app_host_keys", "durabletask_extension_key"),
    ("azurerm_function_app_host_keys", "signalr_extension_key"),
    ("azurerm_function_app_host_keys", "webpubsub_extension_key"),
    // Talos renders machine configurations (with the cluster's CA keys and join tokens) and
    // the `os:admin` client configuration as data sources.
    ("talos_machine_configuration", "machine_configuration"),
    ("talos_client_configuration", "talos_config"),
];

/// Data sources whose whole object is the secret they read (`data.vault_aws_access_credentials.c`
/// holds the issued key pair and session token).
const CREDENTIAL_DATA: [&str; 9] = [
    "vault_aws_access_credentials",
    "vault_generic_secret",
    "vault_kv_secret_v2",
    "kubernetes_secret",
    "kubernetes_secret_v1",
    "aws_secretsmanager_secret_version",
    "google_secret_manager_secret_version",
    "azurerm_key_vault_secret",
    "azurerm_kubernetes_cluster",
];

/// Identity-provider clients whose object holds the client secret the provider made or read
/// (an Auth0 application, a GitLab OAuth application, an Okta or Keycloak client, a Cognito
/// app client): returned whole, they carry it.
pub const CLIENTS_WITH_SECRET: [&str; 6] = [
    "auth0_client",
    "gitlab_application",
    "okta_app_oauth",
    "keycloak_openid_client",
    "aws_cognito_user_pool_client",
    "auth0_client_credentials",
];

/// Whether a data source's whole object carries a secret: those of [`CREDENTIAL_DATA`], a
/// version of any secret store's entry (`yandex_lockbox_secret_version`), an identity
/// provider's client.
fn credential_data(ty: &str) -> bool {
    CREDENTIAL_DATA.contains(&ty) || ty.ends_with("_secret_version") || CLIENTS_WITH_SECRET.contains(&ty)
}

/// Data-source attributes that hold every entry of a secret store or an encrypted file, as a
/// map: read whole (`environment_variables = data.doppler_secrets.app.map`) they carry its
/// secrets; one entry of them (`…map["DB_HOST"]`) only when its key names a credential.
const SECRET_MAPS: [(&str, &str); 9] = [
    ("doppler_secrets", "map"),
    ("yandex_lockbox_secret_version", "entries"),
    ("infisical_secrets", "secrets"),
    ("hcp_vault_secrets_app", "secrets"),
    ("sops_file", "data"),
    ("sops_file", "raw"),
    ("sops_external", "data"),
    ("sops_external", "raw"),
    ("vault_kv_secret", "data"),
];

/// Attributes of key resources that name the key, not its secret half (`access_key` of a
/// Scaleway or AWS key pair is its id).
const KEY_IDS: [&str; 2] = ["access_key", "access_key_id"];

/// Resources whose whole object carries the secret they create or hold.
const CREDENTIAL_TYPES: [&str; 32] = [
    // Azure resources whose object holds their account or shared access keys.
    "azurerm_storage_account",
    "azurerm_cosmosdb_account",
    "azurerm_redis_cache",
    "azurerm_servicebus_namespace",
    "azurerm_eventhub_namespace",
    // Secrets kept in a secret store, and clusters whose object holds their admin credentials.
    "azurerm_key_vault_secret",
    "aws_secretsmanager_secret_version",
    "google_secret_manager_secret_version",
    "vault_kv_secret_v2",
    "vault_generic_secret",
    "kubernetes_secret_v1",
    "azurerm_kubernetes_cluster",
    // Secrets written to GitHub and webhooks whose configuration holds their shared secret.
    "github_actions_secret",
    "github_actions_organization_secret",
    "github_actions_environment_secret",
    "github_dependabot_secret",
    "github_repository_webhook",
    "github_organization_webhook",
    "aws_iam_access_key",
    "aws_iam_user_login_profile",
    "google_service_account_key",
    "azuread_application_password",
    "azuread_service_principal_password",
    "vault_approle_auth_backend_role_secret_id",
    "vault_token",
    "gitlab_project_access_token",
    "gitlab_group_access_token",
    "gitlab_personal_access_token",
    "gitlab_deploy_token",
    "tls_private_key",
    "random_password",
    "kubernetes_secret",
];

/// Whether a resource type's whole object carries the secret it creates or holds: those of
/// [`CREDENTIAL_TYPES`], and the keys and tokens of any provider named for what they are
/// (`datadog_api_key`, `confluent_api_key`, `cloudflare_api_token`,
/// `grafana_service_account_token`), a database user with its password, a CI runner with its
/// authentication token.
fn credential_object(ty: &str) -> bool {
    const ISSUED: [&str; 5] = ["_api_key", "_application_key", "_access_key", "_token", "_api_token"];
    // A Vault login's object holds the client token it got.
    const HOLDING: [&str; 4] =
        ["mongodbatlas_database_user", "gitlab_user_runner", "gitlab_runner", "vault_approle_auth_backend_login"];
    // An ACR token is a name with a scope; its passwords are `azurerm_container_registry_token_password`.
    const NO_SECRET: [&str; 1] = ["azurerm_container_registry_token"];
    CREDENTIAL_TYPES.contains(&ty)
        || HOLDING.contains(&ty)
        || CLIENTS_WITH_SECRET.contains(&ty)
        || ty.ends_with("_secret_version")
        || (ISSUED.iter().any(|s| ty.ends_with(s)) && !NO_SECRET.contains(&ty))
}

/// What the outputs of module calls return: for call `m` and output `o`, `Some(true)` when the
/// called module's code is here and the output returns a credential (by the caller's own
/// criterion), `Some(false)` when its code is here and it does not, `None` when the module's
/// code is not here (its output's name is all there is to judge).
pub type ModuleOutputs<'a> = dyn Fn(&str, &str) -> Option<bool> + 'a;

/// Whether a path (or what [`credential_read`] found) reads a resource or data source of the
/// configuration (resource types always have a provider prefix), not an input, a local or a
/// module's output.
pub fn of_configuration(path: &str) -> bool {
    let head = path.split(['.', '[']).next().unwrap_or("");
    head.contains('_') || head == "data"
}

/// The credential an output's value reads, as written (`google_service_account_key.key.private_key`),
/// if it reads one: an attribute whose name or role is a secret, a credential resource's whole
/// object, a credential-named variable, or an output of a module that is credential-named or,
/// by `module_output(call, output)`, known to return one.
pub fn credential_read(value: &Expr, module_output: &ModuleOutputs<'_>) -> Option<String> {
    credential_read_where(value, module_output, |_| true)
}

/// [`credential_read`] of the first credential read that `keep` accepts: the walk goes on past
/// those it does not (`of_configuration`: an input read before a resource's secret,
/// `{ DB_PASSWORD = var.db_password, KEY = aws_iam_access_key.k.secret }`).
pub fn credential_read_where(
    value: &Expr,
    module_output: &ModuleOutputs<'_>,
    keep: impl Fn(&str) -> bool,
) -> Option<String> {
    // A credential resource's whole object counts where the value returns it as it is, not
    // where it is only read from (`{ for k, v in github_repository_webhook.this : k => v.url }`).
    let mut returned = Vec::new();
    returned_as_is(value, &mut returned);
    // `for` variables bound to a resource's instances (`for k, v in azuread_application_password.p`):
    // `v.value` reads what that resource type keeps there.
    let mut bound: Vec<(String, String, String)> = Vec::new();
    value.walk(&mut |e| {
        if let ExprKind::For(f) = &e.kind
            && let Some(path) = f.collection.traversal_path()
            && let Some((ty, _)) = path.split_once('.')
            && ty.contains('_')
            && !matches!(ty, "var" | "local" | "module" | "data")
        {
            bound.push((f.value_var.clone(), ty.to_owned(), path.clone()));
        }
    });
    let mut found = None;
    value.walk(&mut |e| {
        if found.is_some() {
            return;
        }
        // `lookup(data.kubernetes_secret.s.data, "token")`: a credential-named key looked up in
        // what a resource or data source holds, as `…data["token"]` would read it.
        if let ExprKind::Call { name, args, .. } = &e.kind
            && name == "lookup"
            && let (Some(map), Some(key)) = (args.first(), args.get(1).and_then(Expr::as_str))
            && is_credential_key(key)
            && let Some(path) = map.traversal_path()
            && of_configuration(&path)
        {
            found = Some(format!("{path}[\"{key}\"]")).filter(|f| keep(f));
            return;
        }
        let ExprKind::Traversal(root, ops) = &e.kind else { return };
        // `nonsensitive(data.kubernetes_secret_v1.s.data)["password"]`: a credential-named key
        // of what a call returns as it is, read from a resource or data source; also a field
        // of a response it decodes (`jsondecode(terracurl_request.init.response).root_token`).
        if let ExprKind::Call { name, args, .. } = &root.kind
            && let Some(path) = args.first().and_then(Expr::traversal_path)
            && of_configuration(&path)
        {
            let decodes = matches!(name.as_str(), "jsondecode" | "yamldecode");
            let key = match ops.first() {
                Some(TraverseOp::Index(key))
                    if decodes || matches!(name.as_str(), "nonsensitive" | "try" | "one" | "tomap" | "merge") =>
                {
                    key.as_str().map(str::to_owned)
                }
                Some(TraverseOp::Attr(a)) if decodes => Some(a.clone()),
                _ => None,
            };
            if let Some(key) = key.filter(|k| is_credential_key(k)) {
                found = Some(if decodes { format!("{name}({path}).{key}") } else { format!("{path}[\"{key}\"]") })
                    .filter(|f| keep(f));
                return;
            }
        }
        let ExprKind::Var(head) = &root.kind else { return };
        let attrs: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                TraverseOp::Attr(a) => Some(a.as_str()),
                _ => None,
            })
            .collect();
        // Keys of maps written as indexes (`certificate_users[0]["client_key_data"]`).
        let index_keys =
            || ops.iter().any(|op| matches!(op, TraverseOp::Index(k) if k.as_str().is_some_and(is_credential_key)));
        let path = e.traversal_path().unwrap_or_default();
        let reads = match head.as_str() {
            // A field of a credential-named object that names it or sets it up
            // (`var.client_secret.enabled`, `var.gitlab_token.arn`) is not the credential.
            "var" => {
                attrs.first().is_some_and(|v| is_credential_key(v))
                    && !attrs.get(1).is_some_and(|f| names_something(f) || setting(f))
            }
            "module" => match (attrs.first(), attrs.get(1)) {
                // What a module whose code is here returns is known from its outputs; of
                // another, the output's name tells (a connection string a module returns
                // carries its account key or password).
                // A field of what the output returns that names the credential
                // (`module.key.api_key.id`) is not the credential.
                (Some(_), Some(_)) if attrs.get(2).is_some_and(|f| names_something(f)) => false,
                (Some(m), Some(o)) => module_output(m, o).unwrap_or_else(|| {
                    is_credential_key(o) || o.ends_with("connection_string") || names_kubeconfig(o)
                        // A credential-named field of what the output returns
                        // (`module.storage.resource.primary_access_key`).
                        || attrs.get(2).is_some_and(|f| is_credential_key(f) || f.ends_with("connection_string"))
                }),
                _ => false,
            },
            "local" | "each" | "count" | "path" | "terraform" | "self" => false,
            "data" => {
                let ty = attrs.first().copied().unwrap_or("");
                let as_is = || returned.iter().any(|r| std::ptr::eq(*r, e));
                let whole_map = attrs.len() == 3
                    && matches!(ops.last(), Some(TraverseOp::Attr(a)) if SECRET_MAPS.contains(&(ty, a.as_str())))
                    && as_is();
                let whole = attrs.len() == 2 && credential_data(ty) && as_is() || whole_map;
                // `data.kubernetes_secret.s.data["token"]`: shown with the key it reads.
                if let Some(TraverseOp::Index(key)) = ops.last()
                    && let Some(key) = key.as_str().filter(|k| is_credential_key(k))
                    && let Some(map) = path.strip_suffix("[]")
                {
                    found = Some(format!("{map}[\"{key}\"]")).filter(|f| keep(f));
                    return;
                }
                // `data.vault_generic_secret.s.data.value`: the entry's field named `value`.
                let stored_value = CREDENTIAL_DATA.contains(&ty) && attrs.get(2..) == Some(&["data", "value"][..]);
                // A parameter read by a lookup named for a credential
                // (`data.aws_ssm_parameter.anthropic_api_key.value`): parameter stores keep
                // configuration and secrets alike, and the name says which this is.
                let named_parameter = ty == "aws_ssm_parameter"
                    && matches!(attrs.get(2..), Some(["value"] | ["insecure_value"]))
                    && attrs.get(1).is_some_and(|n| is_credential_key(n) && !super::ends_descriptive(n));
                whole
                    || stored_value
                    || named_parameter
                    || index_keys()
                    || attrs.iter().skip(2).any(|a| is_credential_key(a) || DATA_SECRET_ATTRS.contains(&(ty, *a)))
                        // A lookup named for what describes a secret (`grafana_client_id`) reads no secret.
                        && !attrs.get(1).is_some_and(|n| super::ends_descriptive(n))
            }
            // A resource (`TYPE.NAME.attr…`): its types always have a provider prefix.
            ty if ty.contains('_') => {
                let fields = attrs.get(1..).unwrap_or(&[]);
                // `master_user_secret[0].secret_arn`: what names the secret, not the secret.
                if fields.len() > 1 && fields.last().is_some_and(|l| names_something(l)) {
                    return;
                }
                let whole = fields.is_empty() && credential_object(ty) && returned.iter().any(|r| std::ptr::eq(*r, e));
                // A random string named for the secret it makes (`random_string.db_password`):
                // unlike `random_password`, its result is not marked sensitive.
                // So is a random id's (`random_id.db_password.hex`).
                let named_secret = match ty {
                    "random_string" => fields.first() == Some(&"result"),
                    "random_id" => fields.first().is_some_and(|f| ["hex", "b64_std", "b64_url", "dec"].contains(f)),
                    _ => false,
                } && attrs.first().is_some_and(|n| is_credential_key(n));
                // The value a secret manager's entry holds (`doppler_secret.db.value`), or a
                // token or key resource's (`cloudflare_api_token.t.value`).
                let stored_value = (ty.ends_with("_secret")
                    || (credential_object(ty) && !CREDENTIAL_TYPES.contains(&ty)))
                    && fields.first() == Some(&"value");
                // Azure's connection strings carry the account key (`AccountKey=…`, `SharedAccessKey=…`).
                // Application Insights' carries an ingestion key that only lets one send telemetry,
                // which Azure documents as not a secret.
                let azure_connection = |a: &str| {
                    ty.starts_with("azurerm_")
                        && ty != "azurerm_application_insights"
                        && a.ends_with("connection_string")
                };
                let indexed_last = matches!(ops.last(), Some(TraverseOp::Index(_) | TraverseOp::Splat));
                let secret_object = indexed_last && fields.last().is_some_and(|a| SECRET_OBJECTS.contains(&(ty, *a)));
                whole
                    || named_secret
                    || stored_value
                    || index_keys()
                    || secret_object
                    || fields.iter().any(|a| {
                        // `encrypted_secret`, `encrypted_password`: ciphertext for a PGP key, not the secret.
                        (is_credential_key(a) && !KEY_IDS.contains(a) && !a.starts_with("encrypted_"))
                            || SECRET_ATTRS.contains(&(ty, *a))
                            || azure_connection(a)
                    })
            }
            // A `for` expression's variable: `{ for k, v in gitlab_group_access_token.t : k => v.token }`,
            // or an attribute its resource type keeps a secret in (`v.value` of application passwords).
            var => {
                let of = bound.iter().find(|(v, _, _)| v == var);
                let by_type =
                    of.is_some_and(|(_, t, _)| attrs.iter().any(|a| SECRET_ATTRS.contains(&(t.as_str(), *a))));
                if by_type && let Some((_, _, collection)) = of {
                    // Shown as what it reads: `azuread_application_password.p[…].value`.
                    found =
                        Some(format!("{collection}[…]{}", path.strip_prefix(var).unwrap_or(""))).filter(|f| keep(f));
                    return;
                }
                attrs.iter().any(|a| is_credential_key(a) && !KEY_IDS.contains(a))
            }
        };
        if reads && keep(&path) {
            found = Some(path);
        }
    });
    found
}

/// [`credential_read`], or else a credential-named field of an object the value builds from
/// values read elsewhere (`{ password = pwd.value }`): what an output returns.
pub fn credential_returned(value: &Expr, module_output: &ModuleOutputs<'_>) -> Option<String> {
    credential_read(value, module_output).or_else(|| credential_field(value))
}

/// Whether a value is plainly not a secret, whatever it is called: an attribute of a resource
/// or data source that names or identifies something (`.id`, `.arn`, `.name`), a key's id or
/// fingerprint, or a PGP-encrypted secret (`aws_iam_access_key.k.encrypted_secret`).
pub fn plainly_not_secret(value: &Expr) -> bool {
    let ExprKind::Traversal(root, ops) = &value.kind else { return false };
    let ExprKind::Var(head) = &root.kind else { return false };
    if matches!(head.as_str(), "var" | "local" | "module" | "each" | "count" | "self" | "path" | "terraform") {
        return false;
    }
    let Some(last) = ops.iter().rev().find_map(|op| match op {
        TraverseOp::Attr(a) => Some(a.as_str()),
        _ => None,
    }) else {
        return false;
    };
    // `data.TYPE.NAME.attr` or `TYPE.NAME.attr`: an attribute, not the whole object.
    let attrs = ops.iter().filter(|op| matches!(op, TraverseOp::Attr(_))).count();
    let fields = if head == "data" { attrs.saturating_sub(2) } else { attrs.saturating_sub(1) };
    fields > 0
        && (last.starts_with("encrypted_")
            || last.ends_with("fingerprint")
            || KEY_IDS.contains(&last)
            || names_something(last))
}

/// A field that switches or sizes something rather than holding it: `enabled`, `enable_rotation`,
/// `rotation_days`, `length`.
fn setting(attr: &str) -> bool {
    let a = attr.to_ascii_lowercase();
    ["enabled", "enable", "disabled", "length", "count"].contains(&a.as_str())
        || a.starts_with("enable_")
        || ["_enabled", "_days", "_hours", "_count", "_length"].iter().any(|w| a.ends_with(w))
}

/// Whether an attribute's name says it names or locates something rather than holding it
/// (`name`, `secret_id`, `secret_arn`, `url`).
fn names_something(attr: &str) -> bool {
    let a = attr.to_ascii_lowercase();
    // Also where a cluster is and the certificate that proves it (`kubeconfig.host`,
    // `kube_config[0].cluster_ca_certificate`): public halves of a kubeconfig.
    [
        "name",
        "names",
        "id",
        "ids",
        "arn",
        "arns",
        "url",
        "host",
        "endpoint",
        "server",
        "ca_certificate",
        "certificate_authority_data",
    ]
    .iter()
    .any(|w| a == *w || a.ends_with(&format!("_{w}")))
}

/// `{ password = pwd.value }`: a credential-named field of an object given a value read from
/// elsewhere (a `for` over passwords, a function of one), as `password = pwd.value`.
fn credential_field(value: &Expr) -> Option<String> {
    let mut found = None;
    value.walk(&mut |e| {
        let ExprKind::Object(items) = &e.kind else { return };
        if found.is_some() {
            return;
        }
        found = items.iter().find_map(|(k, v)| {
            let key = match k {
                ObjKey::Ident(i) => i.as_str(),
                ObjKey::Expr(x) => x.as_str()?,
            };
            // Not a name or an id read under that key (`token = x.token_secret_name`).
            let not_the_value = v.traversal_path().is_some_and(|p| {
                let last = p.rsplit('.').next().unwrap_or("").trim_end_matches("[]").to_ascii_lowercase();
                // Ciphertext for a PGP key (`encrypted_secret`), not the secret.
                names_something(&last) || last.starts_with("encrypted_")
            });
            let read = matches!(v.kind, ExprKind::Traversal(..) | ExprKind::Call { .. }) && !not_the_value;
            (read && is_credential_key(key) && !KEY_IDS.contains(&key))
                .then(|| format!("{key} = {}", v.traversal_path().unwrap_or_else(|| "…".to_owned())))
        });
    });
    found
}

/// The resources (`(type, name)`) whose whole object `value` returns as it is
/// (`google_sql_user.app`, `aws_db_instance.db[0]`, `{ for k, v in azurerm_linux_virtual_machine.vm : k => v }`).
pub fn whole_resources(value: &Expr) -> Vec<(&str, &str)> {
    let mut returned = Vec::new();
    returned_as_is(value, &mut returned);
    returned
        .into_iter()
        .filter_map(|e| {
            let ExprKind::Traversal(root, ops) = &e.kind else { return None };
            let ExprKind::Var(ty) = &root.kind else { return None };
            if !ty.contains('_') {
                return None;
            }
            let mut attrs = ops.iter().filter_map(|op| match op {
                TraverseOp::Attr(a) => Some(a.as_str()),
                _ => None,
            });
            let name = attrs.next()?;
            attrs.next().is_none().then_some((ty.as_str(), name))
        })
        .collect()
}

/// The attribute of a resource's body that gives it a credential its object then keeps
/// (`password` of a `google_sql_user`, `admin_password` of a virtual machine): named for a
/// credential, set to something. Write-only arguments (`password_wo`) are not kept.
pub fn kept_credential(body: &crate::syntax::Body) -> Option<&str> {
    body.attrs
        .iter()
        .find(|a| {
            is_credential_key(&a.key)
                && !KEY_IDS.contains(&a.key.as_str())
                && !a.key.ends_with("_wo")
                && !matches!(&a.expr.kind, ExprKind::Null | ExprKind::Bool(_))
                && a.expr.as_str() != Some("")
        })
        .map(|a| a.key.as_str())
}

/// The traversals whose value `e` returns as it is: `e` itself, the members of an object or a
/// list it builds, both branches of a condition, the arguments of functions that pass their
/// arguments' elements through (`merge`, `values`, `try`, …), and the collection of a `for`
/// that returns each element whole (`{ for k, v in x : k => v }`).
fn returned_as_is<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    const PASS_THROUGH: [&str; 11] =
        ["merge", "tomap", "tolist", "toset", "concat", "flatten", "values", "try", "coalesce", "one", "nonsensitive"];
    match &e.kind {
        ExprKind::Traversal(..) | ExprKind::Var(_) => out.push(e),
        ExprKind::Object(items) => items.iter().for_each(|(_, v)| returned_as_is(v, out)),
        ExprKind::Array(items) => items.iter().for_each(|v| returned_as_is(v, out)),
        ExprKind::Cond(_, yes, no) => {
            returned_as_is(yes, out);
            returned_as_is(no, out);
        }
        ExprKind::Call { name, args, .. } if PASS_THROUGH.contains(&name.as_str()) => {
            args.iter().for_each(|a| returned_as_is(a, out));
        }
        // `lookup(kubernetes_secret.sa, "data.token", "")`: a credential-named part of it.
        ExprKind::Call { name, args, .. }
            if name == "lookup" && args.get(1).and_then(|k| k.as_str()).is_some_and(names_credential_part) =>
        {
            returned_as_is(&args[0], out);
        }
        ExprKind::For(f) if matches!(&f.value.kind, ExprKind::Var(v) if *v == f.value_var) => {
            returned_as_is(&f.collection, out);
        }
        // `{ for a in var.apps : a.name => gitlab_application.this[a.name] }`: each element.
        ExprKind::For(f) => returned_as_is(&f.value, out),
        _ => {}
    }
}

/// A lookup key that names a credential: `token`, `data.token`, `client_secret`.
fn names_credential_part(key: &str) -> bool {
    key.split('.').any(is_credential_key)
}
