//! Semantic facts: what several rules need to know about a module, computed once and shared.
//! Where AWS policy statements live ([`aws_policies`]), which literals are secrets
//! ([`secrets`]) and what Kubernetes roles grant ([`kubernetes`]). Rules read facts through
//! `Ctx::facts`; the framework below knows nothing of them.

pub mod aws_policies;
pub mod kubernetes;
pub mod secrets;

use std::cell::OnceCell;
use std::sync::OnceLock;

use crate::query::ModuleView;

/// Facts that depend on a file's text alone, shared by every module view that includes the
/// file (a module called twice is scanned once). Indexed by run-wide file id.
#[derive(Debug, Default)]
pub struct FileFacts {
    secrets: Vec<OnceLock<Vec<secrets::SecretHit>>>,
}

impl FileFacts {
    pub fn new(files: usize) -> Self {
        Self { secrets: (0..files).map(|_| OnceLock::new()).collect() }
    }
}

/// Facts about one module view, computed on first use.
pub struct Facts<'a> {
    view: &'a ModuleView<'a>,
    files: &'a FileFacts,
    policies: OnceCell<Vec<aws_policies::PolicySource<'a>>>,
    file_secrets: OnceCell<Vec<secrets::FileSecret>>,
    kubernetes_manifests: OnceCell<Vec<kubernetes::Manifest<'a>>>,
    kubernetes_roles: OnceCell<Vec<kubernetes::RoleDef<'a>>>,
    secret_locals: OnceCell<Vec<String>>,
}

impl<'a> Facts<'a> {
    pub fn new(view: &'a ModuleView<'a>, files: &'a FileFacts) -> Self {
        Self {
            view,
            files,
            policies: OnceCell::new(),
            file_secrets: OnceCell::new(),
            kubernetes_manifests: OnceCell::new(),
            kubernetes_roles: OnceCell::new(),
            secret_locals: OnceCell::new(),
        }
    }

    /// Every place in the module that holds AWS policy statements, read once.
    pub fn policies(&self) -> &[aws_policies::PolicySource<'a>] {
        self.policies.get_or_init(|| aws_policies::collect(self.view))
    }

    /// The locals of the module that hold a literal secret (`locals { api_secret = "wJalr…" }`,
    /// reported there by `hardcoded-credential`), by name: followed wherever they are copied.
    pub fn literal_secret_locals(&self) -> &[String] {
        self.secret_locals.get_or_init(|| {
            let mut names: Vec<String> = self
                .secrets()
                .iter()
                .flat_map(|(_, hits)| hits.iter())
                .filter(|h| h.place == crate::facts::secrets::Place::Code)
                .filter_map(|h| h.key.strip_prefix("local.").map(str::to_owned))
                .collect();
            names.sort();
            names.dedup();
            names
        })
    }

    /// Every Kubernetes role and cluster role of the module, read once.
    pub fn kubernetes_roles(&self) -> &[kubernetes::RoleDef<'a>] {
        self.kubernetes_roles.get_or_init(|| kubernetes::collect(self.view, self.kubernetes_manifests()))
    }

    /// The module's manifest resources and the objects they apply, read once.
    pub fn kubernetes_manifests(&self) -> &[kubernetes::Manifest<'a>] {
        self.kubernetes_manifests.get_or_init(|| kubernetes::manifests(self.view))
    }

    /// Secrets in the files the module's blocks read with `file()` / `templatefile()` (a
    /// `user_data` template with keys in it), for blocks with no literal secret of their own.
    pub fn file_secrets(&self) -> &[secrets::FileSecret] {
        self.file_secrets.get_or_init(|| {
            // Only files that call `file(` or `templatefile(` at all: most do not.
            let calling: Vec<usize> =
                self.view.files().into_iter().filter(|(_, f)| f.text.contains("file(")).map(|(id, _)| id).collect();
            if calling.is_empty() {
                return Vec::new();
            }
            let own = self.secrets();
            let items: Vec<_> = self.view.all_blocks().into_iter().filter(|i| calling.contains(&i.file)).collect();
            let mut found = secrets::in_read_files(&items);
            found.retain(|h| !own.iter().any(|(fi, hits)| *fi == h.file && hits.iter().any(|x| x.key == h.key)));
            found
        })
    }

    /// Literal secrets per file of the module: `(file id, hits)`.
    pub fn secrets(&self) -> Vec<(usize, &'a [secrets::SecretHit])> {
        let files: &'a FileFacts = self.files;
        self.view
            .files()
            .into_iter()
            .map(|(id, file)| {
                let hits = match files.secrets.get(id) {
                    Some(cell) => cell.get_or_init(|| secrets::scan(file)).as_slice(),
                    None => &[],
                };
                (id, hits)
            })
            .collect()
    }
}
