//! Writing an output set to disk: staged beside the output directory, swapped in whole, and
//! never deleting what Accord did not write.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::recover;
use super::{Content, MANIFEST, Output, OutputError, ancestors, io_at};

impl Output {
    /// Write the output to `dir`, replacing what a previous build wrote there.
    pub fn write(&self, dir: &Path) -> Result<(), OutputError> {
        Staging::begin(dir, self)?.finish(self)
    }
}

/// A build being written: a new directory beside the output directory, filled (pages can be
/// written as they are rendered, see [`Staging::write_file`]) and then swapped in whole.
///
/// Every step that can fail happens before the swap or is undone: files Accord did not write
/// are checked for conflicts before anything is written, moved back if a later step fails,
/// and the staging directory is deleted only while it holds nothing but Accord's files.
pub struct Staging {
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    staging: PathBuf,
    previous: Option<BTreeSet<String>>,
    foreign: Vec<String>,
    made: Mutex<HashSet<PathBuf>>,
    /// Set once swapped in; until then, dropping the staging (a panic while rendering)
    /// deletes it.
    done: bool,
    /// Held until the build is done: no other build writes this output meanwhile.
    _lock: fs::File,
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut registered = recover::registered();
        if !self.done {
            remove_tree_we_wrote(&self.staging);
        }
        *registered = None;
    }
}

impl Staging {
    /// Check `dir` against the files `planned` will hold, and create the staging directory.
    pub fn begin(dir: &Path, planned: &Output) -> Result<Staging, OutputError> {
        if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(OutputError::Refused {
                path: dir.to_path_buf(),
                reason: "it is a symbolic link".into(),
                help: "pass the real directory with --output".into(),
            });
        }
        let name = dir
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_at(parent))?;
        let lock = recover::lock(parent, &name, dir)?;
        recover::recover(parent, &name, dir)?;
        let previous = previous_manifest(dir)?;
        let foreign = match &previous {
            Some(written) => {
                let mut found = Vec::new();
                collect_foreign(dir, "", written, &mut found)?;
                planned.check_no_conflict(dir, &found)?;
                found
            }
            None => Vec::new(),
        };
        let staging = unique_sibling(parent, &name, "new");
        {
            let mut registered = recover::registered();
            if recover::interrupted() {
                return Err(recover::interrupted_error(dir));
            }
            fs::create_dir_all(&staging).map_err(io_at(&staging))?;
            *registered = Some(staging.clone());
        }
        Ok(Staging {
            dir: dir.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            staging,
            previous,
            foreign,
            made: Mutex::new(HashSet::new()),
            done: false,
            _lock: lock,
        })
    }

    /// Write one file of the new build (from any thread).
    pub fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if recover::interrupted() {
            return Err(recover::interrupted_error(&self.dir));
        }
        let path = self.staging.join(rel);
        self.make_parent(&path)?;
        fs::write(&path, bytes).map_err(io_at(&path))
    }

    fn make_parent(&self, path: &Path) -> Result<(), OutputError> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let known = self.made.lock().is_ok_and(|m| m.contains(parent));
        if !known {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
            if let Ok(mut m) = self.made.lock() {
                m.insert(parent.to_path_buf());
            }
        }
        Ok(())
    }

    /// Give up: delete the staging directory (which holds only this build's files).
    pub fn abandon(self) {
        // Dropping it does.
    }

    /// Write what `output` holds that is not written yet, and the manifest, then swap the new
    /// build in.
    pub fn finish(mut self, output: &Output) -> Result<(), OutputError> {
        // Files put in the output directory while this build ran are carried over too, and
        // every file is checked now: some (the search bundle) were not known at the start.
        if let Some(written) = &self.previous {
            let mut found = Vec::new();
            collect_foreign(&self.dir, "", written, &mut found)?;
            self.foreign = found;
        }
        output.check_no_conflict(&self.dir, &self.foreign)?;
        self.write_rest(output)?;
        // An interrupt from here on waits for the swap to end.
        let mut registered = recover::registered();
        if recover::interrupted() {
            drop(registered);
            return Err(recover::interrupted_error(&self.dir));
        }
        *registered = None;
        // From here on the staging directory is handled by the swap (and restored on failure).
        self.done = true;
        let dir = self.dir.clone();
        let parent = self.parent.clone();
        let name = self.name.clone();
        let staging = self.staging.clone();
        let previous = self.previous.take();
        let foreign = std::mem::take(&mut self.foreign);
        let (dir, parent) = (dir.as_path(), parent.as_path());
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
}

impl Output {
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
}

impl Staging {
    /// The files not written while rendering, in parallel, then the manifest.
    fn write_rest(&self, output: &Output) -> Result<(), OutputError> {
        output
            .files
            .par_iter()
            .try_for_each(|(rel, entry)| match &entry.content {
                Content::Bytes(bytes) => self.write_file(rel, bytes),
                Content::Copy(from) => {
                    let path = self.staging.join(rel);
                    self.make_parent(&path)?;
                    fs::copy(from, &path).map(|_| ()).map_err(io_at(from))
                }
                Content::Staged => Ok(()),
            })?;
        let manifest: String = output.files.keys().map(|k| format!("{k}\n")).collect();
        let path = self.staging.join(MANIFEST);
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
    match files_in_manifest(dir)? {
        Some(files) => Ok(Some(files)),
        None => {
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
    }
}

/// The files the manifest in `dir` lists, or `None` when it has none.
pub(super) fn files_in_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, OutputError> {
    let manifest = dir.join(MANIFEST);
    match fs::read_to_string(&manifest) {
        // Only plain relative paths: a manifest edited to name `../x` or `/x` names nothing.
        Ok(text) => Ok(Some(
            text.lines()
                .filter(|l| is_plain_relative(l))
                .map(str::to_string)
                .collect(),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
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
            // The set is sorted: the first path at or after `inner` is inside it if any is.
            let holds_ours = written
                .range(inner.clone()..)
                .next()
                .is_some_and(|w| w.starts_with(&inner));
            if holds_ours {
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
            crate::errln!(
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
/// The manifest goes last, so a build killed half-way through leaves either the manifest (the
/// next build finishes the job) or nothing but empty folders.
pub(super) fn remove_files_we_wrote(dir: &Path, written: &BTreeSet<String>) {
    written.par_iter().for_each(|rel| {
        let _ = fs::remove_file(dir.join(rel));
    });
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&e.path());
            }
        }
    }
    let _ = fs::remove_file(dir.join(MANIFEST));
    let _ = fs::remove_dir(dir);
}

pub(super) fn remove_empty_dirs(dir: &Path) {
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
pub(super) fn remove_tree_we_wrote(dir: &Path) {
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
    use crate::diagnostics::Diagnostics;

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
        // The output, and the lock a build keeps beside it.
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| *n != *super::recover::lock_name("public"))
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
