//! The output set and writing it. Only this module writes to disk.
//!
//! A build is written to a fresh directory beside the output directory and swapped in only
//! when complete, so a failed build leaves the previous output untouched. A manifest
//! (`.accord-manifest`) records what Accord wrote; files in the output directory that are not
//! in it (a `.git` of a deploy checkout, a hand-placed `CNAME`) are carried over to the new
//! output, never deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::RenderedPage;
use crate::urls::output_file;

/// The list of files Accord wrote, one relative path per line.
pub const MANIFEST: &str = ".accord-manifest";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing to write to {path}: {reason}")]
    Refused {
        path: PathBuf,
        reason: String,
        help: String,
    },
}

impl OutputError {
    pub fn help(&self) -> Option<&str> {
        match self {
            OutputError::Refused { help, .. } => Some(help),
            OutputError::Io { .. } => None,
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a file of the output holds. Bytes are shared, so an output set is cheap to copy
/// and to update page by page.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Arc<[u8]>),
    /// A static file, copied from disk when written (and read from disk when served).
    Copy(PathBuf),
}

impl PartialEq for Content {
    /// Shared bytes are equal without being compared: most of two successive outputs are.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Content::Bytes(a), Content::Bytes(b)) => Arc::ptr_eq(a, b) || a == b,
            (Content::Copy(a), Content::Copy(b)) => a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    content: Content,
    origin: String,
    /// Theme assets give way to a site's static file of the same name.
    overridable: bool,
}

/// Every file of a build, by path relative to the output directory.
#[derive(Debug, Clone, Default)]
pub struct Output {
    files: BTreeMap<String, Entry>,
}

impl Output {
    pub fn new() -> Self {
        Output::default()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The bytes of a generated file (not of a copied one).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        match &self.files.get(path)?.content {
            Content::Bytes(b) => Some(b),
            Content::Copy(_) => None,
        }
    }

    /// What the file at `path` holds.
    pub fn content(&self, path: &str) -> Option<&Content> {
        self.files.get(path).map(|e| &e.content)
    }

    /// Drop a file (a page that no longer exists, a deleted static file).
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// Put a re-rendered page in place of the old one.
    pub fn replace_page(&mut self, page: RenderedPage) {
        let entry = Entry {
            content: Content::Bytes(page.html.into_bytes().into()),
            origin: page.origin,
            overridable: false,
        };
        self.files.insert(output_file(&page.path), entry);
    }

    /// Take the files at `paths` from `from` (or drop them, where `from` has none); the paths
    /// whose content changed.
    pub fn update_from(&mut self, from: &Output, paths: &[String]) -> BTreeSet<String> {
        let mut changed = BTreeSet::new();
        for path in paths {
            let new = from.files.get(path);
            if self.files.get(path).map(|e| &e.content) != new.map(|e| &e.content) {
                changed.insert(path.clone());
            }
            match new {
                Some(entry) => {
                    self.files.insert(path.clone(), entry.clone());
                }
                None => {
                    self.files.remove(path);
                }
            }
        }
        changed
    }

    /// Paths whose content differs between two output sets (added, removed or changed).
    pub fn diff(&self, other: &Output) -> BTreeSet<String> {
        let mut changed: BTreeSet<String> = BTreeSet::new();
        for (path, entry) in &self.files {
            match other.files.get(path) {
                Some(o) if o.content == entry.content => {}
                _ => {
                    changed.insert(path.clone());
                }
            }
        }
        changed.extend(
            other
                .files
                .keys()
                .filter(|p| !self.files.contains_key(*p))
                .cloned(),
        );
        changed
    }

    /// Add rendered pages; two pages for one URL are an error naming both sources.
    pub fn add_pages(&mut self, pages: Vec<RenderedPage>, errors: &mut Diagnostics) {
        for p in pages {
            self.insert(
                output_file(&p.path),
                Content::Bytes(p.html.into_bytes().into()),
                p.origin,
                false,
                errors,
            );
        }
    }

    /// A generated non-page file (`.nojekyll`, a theme asset).
    pub fn add_file(
        &mut self,
        path: &str,
        bytes: Vec<u8>,
        origin: &str,
        overridable: bool,
        errors: &mut Diagnostics,
    ) {
        self.insert(
            path.to_string(),
            Content::Bytes(bytes.into()),
            origin.to_string(),
            overridable,
            errors,
        );
    }

    /// A file from the site's `static/`, copied as is.
    pub fn add_copy(
        &mut self,
        path: &str,
        disk: PathBuf,
        origin: String,
        errors: &mut Diagnostics,
    ) {
        self.insert(path.to_string(), Content::Copy(disk), origin, false, errors);
    }

    fn insert(
        &mut self,
        path: String,
        content: Content,
        origin: String,
        overridable: bool,
        errors: &mut Diagnostics,
    ) {
        if path == MANIFEST {
            errors.push(
                Diagnostic::general(format!("{origin} would overwrite Accord's {MANIFEST}"))
                    .with_help("rename that file"),
            );
            return;
        }
        match self.files.get(&path) {
            Some(existing) if !existing.overridable && !overridable => {
                errors.push(
                    Diagnostic::general(format!(
                        "two sources would write the same file `{path}`: {} and {origin}",
                        existing.origin
                    ))
                    .with_help("rename one of them (a brief's `slug:`, a party or topic file, or the static file)"),
                );
                return;
            }
            // A default (a theme asset) never replaces what a site gave.
            Some(existing) if !existing.overridable => return,
            _ => {}
        }
        self.files.insert(
            path,
            Entry {
                content,
                origin,
                overridable,
            },
        );
    }

    /// Write the output to `dir`, replacing what a previous build wrote there.
    ///
    /// Every step that can fail happens before the swap or is undone: files Accord did not
    /// write are checked for conflicts before any is moved, moved back if a later step fails,
    /// and the staging directory is deleted only while it holds nothing but Accord's files.
    pub fn write(&self, dir: &Path) -> Result<(), OutputError> {
        if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(OutputError::Refused {
                path: dir.to_path_buf(),
                reason: "it is a symbolic link".into(),
                help: "pass the real directory with --output".into(),
            });
        }
        let previous = previous_manifest(dir)?;
        let name = dir
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_at(parent))?;
        let foreign = match &previous {
            Some(written) => {
                let mut found = Vec::new();
                collect_foreign(dir, "", written, &mut found)?;
                self.check_no_conflict(dir, &found)?;
                found
            }
            None => Vec::new(),
        };
        let staging = unique_sibling(parent, &name, "new");
        if let Err(e) = self.write_tree(&staging) {
            remove_tree_we_wrote(&staging);
            return Err(e);
        }
        let Some(previous) = previous else {
            return fs::rename(&staging, dir).map_err(|e| {
                remove_tree_we_wrote(&staging);
                io_at(dir)(e)
            });
        };
        if let Err((e, moved)) = move_all(dir, &staging, &foreign) {
            return restore(&staging, dir, &moved, e);
        }
        let moved = foreign;
        let retired = unique_sibling(parent, &name, "old");
        if let Err(e) = fs::rename(dir, &retired) {
            return restore(&staging, dir, &moved, io_at(dir)(e));
        }
        if let Err(e) = fs::rename(&staging, dir) {
            let _ = fs::rename(&retired, dir);
            return restore(&staging, dir, &moved, io_at(dir)(e));
        }
        remove_files_we_wrote(&retired, &previous);
        Ok(())
    }

    /// A file Accord did not write may not sit where the new output has a file, or a folder
    /// (or where the new output needs a folder).
    fn check_no_conflict(&self, dir: &Path, foreign: &[String]) -> Result<(), OutputError> {
        for rel in foreign {
            let inner = format!("{rel}/");
            let clash = self.files.contains_key(rel)
                || self
                    .files
                    .range(inner.clone()..)
                    .next()
                    .is_some_and(|(k, _)| k.starts_with(&inner))
                || ancestors(rel).any(|a| self.files.contains_key(a));
            if clash {
                return Err(OutputError::Refused {
                    path: dir.join(rel),
                    reason: "this was not written by Accord, and the new build has a file at the same place".into(),
                    help: "move it away, or rename what generates that path".into(),
                });
            }
        }
        Ok(())
    }

    /// Two files where one path is a folder of the other (`briefs` and `briefs/a/index.html`).
    pub fn check_paths(&self, errors: &mut Diagnostics) {
        for (path, entry) in &self.files {
            for dir in ancestors(path) {
                if let Some(other) = self.files.get(dir) {
                    errors.push(
                        Diagnostic::general(format!(
                            "{} writes the file `{dir}`, but {} needs `{dir}` to be a folder (for `{path}`)",
                            other.origin, entry.origin
                        ))
                        .with_help("rename one of them"),
                    );
                }
            }
        }
    }

    fn write_tree(&self, root: &Path) -> Result<(), OutputError> {
        fs::create_dir_all(root).map_err(io_at(root))?;
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (rel, entry) in &self.files {
            let path = root.join(rel);
            if let Some(parent) = path.parent()
                && dirs.insert(parent.to_path_buf())
            {
                fs::create_dir_all(parent).map_err(io_at(parent))?;
            }
            match &entry.content {
                Content::Bytes(bytes) => fs::write(&path, bytes).map_err(io_at(&path))?,
                Content::Copy(from) => {
                    fs::copy(from, &path).map_err(io_at(from))?;
                }
            }
        }
        let manifest: String = self.files.keys().map(|k| format!("{k}\n")).collect();
        let path = root.join(MANIFEST);
        fs::write(&path, manifest).map_err(io_at(&path))
    }
}

/// What the previous build wrote, or `None` when there is no previous output. A non-empty
/// directory without a manifest was not written by Accord: refuse to touch it.
fn previous_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, OutputError> {
    if !dir.exists() {
        return Ok(None);
    }
    if !dir.is_dir() {
        return Err(OutputError::Refused {
            path: dir.to_path_buf(),
            reason: "it is a file, not a directory".into(),
            help: "choose another output directory with --output".into(),
        });
    }
    let manifest = dir.join(MANIFEST);
    match fs::read_to_string(&manifest) {
        // Only plain relative paths: a manifest edited to name `../x` or `/x` names nothing.
        Ok(text) => Ok(Some(
            text.lines()
                .filter(|l| is_plain_relative(l))
                .map(str::to_string)
                .collect(),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut entries = fs::read_dir(dir).map_err(io_at(dir))?;
            if entries.next().is_none() {
                Ok(Some(BTreeSet::new()))
            } else {
                Err(OutputError::Refused {
                    path: dir.to_path_buf(),
                    reason: format!("it holds files that Accord did not write (no {MANIFEST})"),
                    help: "move those files away, or choose another output directory with --output"
                        .into(),
                })
            }
        }
        Err(e) => Err(io_at(&manifest)(e)),
    }
}

fn is_plain_relative(line: &str) -> bool {
    !line.is_empty()
        && Path::new(line)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Paths (files, or whole directories holding nothing of ours) under `dir` not in `written`.
fn collect_foreign(
    dir: &Path,
    prefix: &str,
    written: &BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<(), OutputError> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(io_at(dir))?
        .collect::<Result<_, _>>()
        .map_err(io_at(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if rel == MANIFEST {
            continue;
        }
        let file_type = entry.file_type().map_err(io_at(&entry.path()))?;
        if file_type.is_dir() {
            let inner = format!("{rel}/");
            if written.iter().any(|w| w.starts_with(&inner)) {
                collect_foreign(&entry.path(), &rel, written, out)?;
            } else {
                out.push(rel);
            }
        } else if !written.contains(&rel) {
            out.push(rel);
        }
    }
    Ok(())
}

/// The folders above a relative path: `a/b/c` gives `a/b`, then `a`.
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/')
        .map(move |(i, _)| &rel[..i])
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
}

/// Move `paths` from `from` to `to`; on failure, the error and the paths already moved.
fn move_all(from: &Path, to: &Path, paths: &[String]) -> Result<(), (OutputError, Vec<String>)> {
    let mut moved = Vec::new();
    for rel in paths {
        let target = to.join(rel);
        let result = match target.parent() {
            Some(parent) => fs::create_dir_all(parent).map_err(io_at(parent)),
            None => Ok(()),
        }
        .and_then(|()| fs::rename(from.join(rel), &target).map_err(io_at(&target)));
        if let Err(e) = result {
            return Err((e, moved));
        }
        moved.push(rel.clone());
    }
    Ok(())
}

/// Undo a write that failed after foreign files were moved into `staging`: put them back into
/// `dir`, then delete `staging` only if nothing but Accord's files are left in it.
fn restore(
    staging: &Path,
    dir: &Path,
    moved: &[String],
    error: OutputError,
) -> Result<(), OutputError> {
    let back = match move_all(staging, dir, moved) {
        Ok(()) => true,
        Err((e, _)) => {
            eprintln!(
                "warning: could not move files back from {} ({e}); they are still there",
                staging.display()
            );
            false
        }
    };
    if back {
        remove_tree_we_wrote(staging);
    }
    Err(error)
}

/// Delete what the manifest lists, then the directories left empty. Anything else stays.
fn remove_files_we_wrote(dir: &Path, written: &BTreeSet<String>) {
    for rel in written {
        let _ = fs::remove_file(dir.join(rel));
    }
    let _ = fs::remove_file(dir.join(MANIFEST));
    remove_empty_dirs(dir);
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&e.path());
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// A staging directory of our own: everything in it was written by this build.
fn remove_tree_we_wrote(dir: &Path) {
    let _ = fs::remove_dir_all(dir);
}

fn unique_sibling(parent: &Path, name: &str, tag: &str) -> PathBuf {
    let pid = std::process::id();
    let mut n = 0u32;
    loop {
        let candidate = parent.join(format!(".{name}.accord-{tag}-{pid}-{n}"));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// Refuse an output directory that would clobber the site: the site root itself, a parent of
/// it, a directory holding `content/`, or one inside the site's sources.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), OutputError> {
    let root = normalize(root);
    let out_n = normalize(out);
    let refuse = |reason: &str| {
        Err(OutputError::Refused {
            path: out.to_path_buf(),
            reason: reason.to_string(),
            help: "choose an output directory of its own, e.g. `--output public`".into(),
        })
    };
    if out_n == root {
        return refuse("it is the site root");
    }
    if root.starts_with(&out_n) {
        return refuse("it contains the site");
    }
    // Another site's folder holds content/; Accord's own output may too (from static/).
    if out_n.join("content").is_dir() && !out_n.join(MANIFEST).is_file() {
        return refuse("it holds a `content/` directory");
    }
    for sources in ["content", "templates", "static"] {
        if out_n.starts_with(root.join(sources)) {
            return refuse(&format!("it is inside the site's `{sources}/`"));
        }
    }
    if out_n.file_name().is_some_and(|n| n == ".git")
        || out_n.components().any(|c| c.as_os_str() == ".git")
    {
        return refuse("it is inside a `.git` directory");
    }
    Ok(())
}

/// An absolute path with `.` and `..` resolved, and symlinks resolved where the path exists.
fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    // Canonicalize the longest existing ancestor (resolving symlinks), keep the rest as is.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        let mut o = Output::new();
        let mut errors = Diagnostics::new();
        for (p, c) in files {
            o.add_file(p, c.as_bytes().to_vec(), "test", false, &mut errors);
        }
        assert!(errors.is_empty());
        o
    }

    #[test]
    fn rewrite_keeps_foreign_files_and_drops_stale_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        output(&[("a/index.html", "one"), ("old.html", "stale")])
            .write(&out)
            .unwrap();
        fs::create_dir_all(out.join(".git/objects")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("CNAME"), "example.org").unwrap();
        output(&[("a/index.html", "two")]).write(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(
            fs::read_to_string(out.join("CNAME")).unwrap(),
            "example.org"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers.len(),
            1,
            "staging dirs left behind: {leftovers:?}"
        );
    }

    #[test]
    fn refuses_a_directory_accord_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = output(&[("index.html", "x")]).write(&out).unwrap_err();
        assert!(matches!(err, OutputError::Refused { .. }), "{err}");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn refuses_output_over_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, tmp.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("public/../")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn two_pages_for_one_path_is_an_error_naming_both() {
        let mut o = Output::new();
        let mut errors = Diagnostics::new();
        o.add_file(
            "x/index.html",
            vec![],
            "content/briefs/a.md",
            false,
            &mut errors,
        );
        o.add_file(
            "x/index.html",
            vec![],
            "static/x/index.html",
            false,
            &mut errors,
        );
        let text = errors.to_string();
        assert!(
            text.contains("content/briefs/a.md") && text.contains("static/x/index.html"),
            "{text}"
        );
    }
}
