//! Where a site's files may come from. A build publishes what it reads, so a symbolic link in
//! `content/`, `templates/` or `static/` that points outside the site (`static/env.txt ->
//! /proc/self/environ`) would publish that file. Such a link is an error unless `accord.toml`
//! names its target's folder in `allow_outside` (a party registry shared by several sites).

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The site root and the folders outside it that the site may read, all with symbolic links
/// resolved.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// The root as given, for the paths the walk visits.
    root: PathBuf,
    /// The root's real path.
    real_root: PathBuf,
    /// Folders outside the root that `allow_outside` admits, as real paths.
    allowed: Vec<PathBuf>,
    /// The output directory's real path, when it exists: a link into it would publish the
    /// previous build inside the next.
    output: Option<PathBuf>,
}

impl Boundary {
    /// The boundary of the site at `root`: the root alone.
    pub fn of_site(root: &Path) -> Result<Boundary, Diagnostic> {
        let real_root = std::fs::canonicalize(root).map_err(|e| {
            Diagnostic::general(format!(
                "cannot read the site folder {}: {e}",
                root.display()
            ))
        })?;
        Ok(Boundary {
            root: root.to_path_buf(),
            real_root,
            allowed: Vec::new(),
            output: None,
        })
    }

    /// Admit the folders of `allow_outside` (relative to the root, or absolute). One that does
    /// not exist admits nothing.
    pub fn allowing(mut self, folders: &[String]) -> Boundary {
        self.allowed = folders
            .iter()
            .filter_map(|f| std::fs::canonicalize(self.real_root.join(f)).ok())
            .collect();
        self
    }

    /// Leave the output directory (relative to the root, or absolute) out.
    pub fn without_output(mut self, output: &Path) -> Boundary {
        self.output = std::fs::canonicalize(self.real_root.join(output)).ok();
        self
    }

    /// Whether a real (canonical) path may be read: inside the site but not in a hidden
    /// folder or file (`.git/config` holds a CI token, `.env` secrets) nor in the output, or
    /// inside a folder `allow_outside` names.
    pub fn admits(&self, real: &Path) -> bool {
        if self.allowed.iter().any(|a| real.starts_with(a)) {
            return true;
        }
        let Ok(inside) = real.strip_prefix(&self.real_root) else {
            return false;
        };
        let hidden = inside
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let in_output = self.output.as_ref().is_some_and(|o| real.starts_with(o));
        !hidden && !in_output
    }

    /// The real path of the site's file at `rel` (relative to the root): `Ok(None)` when there
    /// is none, an error naming the link when it leads outside.
    pub fn resolve(&self, rel: &str) -> Result<Option<PathBuf>, Diagnostic> {
        match std::fs::canonicalize(self.root.join(rel)) {
            Ok(real) if self.admits(&real) => Ok(Some(real)),
            Ok(real) => Err(outside(rel, &real)),
            Err(_) => Ok(None),
        }
    }

    /// Check a path met while walking the site: only a symbolic link can lead outside a folder
    /// already checked, so only links cost a lookup. Returns the path to read.
    pub fn check_walked(
        &self,
        rel: &str,
        path: &Path,
        is_link: bool,
    ) -> Result<PathBuf, Diagnostic> {
        if !is_link {
            return Ok(path.to_path_buf());
        }
        match std::fs::canonicalize(path) {
            Ok(real) if self.admits(&real) => Ok(real),
            Ok(real) => Err(outside(rel, &real)),
            Err(e) => Err(Diagnostic::in_file(rel, format!("cannot read: {e}"))),
        }
    }
}

fn outside(rel: &str, real: &Path) -> Diagnostic {
    Diagnostic::in_file(
        rel,
        format!(
            "this is a link to {}, outside the site's own files (or hidden, or in the output); a build would publish what it points to",
            real.display()
        ),
    )
    .with_help(
        "copy the file into the site, or, if the site is meant to read that folder (a registry \
         shared by several sites), add it to `allow_outside` in accord.toml",
    )
}
