//! Builds that stop half-way. A build holds a lock beside its output for as long as it
//! writes, so two builds never write one output at once. An interrupt (Ctrl-C, `kill`)
//! deletes the staging directory, or waits for the swap if it has begun, so the output is
//! always the old build or the new one. A build killed outright (power cut, `kill -9`) can
//! leave its staging or retired directory beside the output; the next build puts things back
//! as they were and deletes only what a build wrote.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::write::{
    files_in_manifest, remove_empty_dirs, remove_files_we_wrote, remove_tree_we_wrote,
};
use super::{MANIFEST, OutputError, io_at};

/// The staging directory of the build writing now, if any. Held locked while the new build is
/// swapped in, so an interrupt waits for the swap to end rather than cut it in two.
static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Set by [`interrupt`]: no more files are written, and no swap starts.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Called on Ctrl-C or SIGTERM while building: delete the staging directory (or let a swap
/// already under way finish). The caller then exits.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let staging = registered();
    if let Some(dir) = staging.as_ref() {
        remove_tree_we_wrote(dir);
        // A page being written as the flag was set may make its folder again: once those
        // writes are done, delete what they left.
        std::thread::sleep(std::time::Duration::from_millis(50));
        remove_tree_we_wrote(dir);
    }
}

/// Whether the build was interrupted (its errors then only echo that).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

pub(super) fn registered() -> MutexGuard<'static, Option<PathBuf>> {
    STAGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn interrupted_error(dir: &Path) -> OutputError {
    OutputError::Refused {
        path: dir.to_path_buf(),
        reason: "the build was interrupted".into(),
        help: "the previous output is unchanged; run the build again".into(),
    }
}

/// The name of the lock file beside an output directory named `name`.
pub fn lock_name(name: &str) -> String {
    format!(".{name}.accord-lock")
}

/// Take the lock beside the output, or say that another build holds it.
pub(super) fn lock(parent: &Path, name: &str, dir: &Path) -> Result<fs::File, OutputError> {
    let path = parent.join(lock_name(name));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_at(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(OutputError::Refused {
            path: dir.to_path_buf(),
            reason: "another build is writing to it".into(),
            help: "wait for it to finish, or build to another directory with --output".into(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(io_at(&path)(e)),
    }
}

/// Put back what builds killed outright left beside `dir` (named `name`, in `parent`). Runs
/// under the lock, so every such directory belongs to a build that is gone.
pub(super) fn recover(parent: &Path, name: &str, dir: &Path) -> Result<(), OutputError> {
    let (retired, staging) = leftovers(parent, name);
    for old in retired {
        if !dir.exists() {
            // Killed between moving the old output aside and moving the new one in.
            fs::rename(&old, dir).map_err(io_at(dir))?;
        } else {
            match files_in_manifest(&old)? {
                Some(ours) => remove_files_we_wrote(&old, &ours),
                // Killed after its manifest went: only empty folders can be left.
                None => remove_empty_dirs(&old),
            }
        }
    }
    for new in staging {
        match files_in_manifest(&new)? {
            // Killed while rendering: everything in it is the build's (files carried over from
            // the output are moved in only after the manifest is written, and a staging
            // directory that keeps such files keeps its manifest, above).
            None => remove_tree_we_wrote(&new),
            // Killed during the swap: files carried over from the output were moved in; they
            // go back, then the build's own files are deleted.
            Some(ours) => {
                let kept = move_back_foreign(&new, dir, &ours)?;
                if kept.is_empty() {
                    remove_files_we_wrote(&new, &ours);
                } else {
                    // Their names are taken in the output now: they stay where they are, with
                    // the manifest that tells them from the build's own files.
                    delete_only_listed(&new, &ours);
                    crate::errln!(
                        "warning: {} holds {} file(s) Accord did not write, whose names are taken in {} now (first: {}); move them by hand",
                        new.display(),
                        kept.len(),
                        dir.display(),
                        kept[0]
                    );
                }
            }
        }
    }
    Ok(())
}

/// Staging (`.NAME.accord-new-…`) and retired (`.NAME.accord-old-…`) directories beside the
/// output, sorted.
fn leftovers(parent: &Path, name: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut retired, mut staging) = (Vec::new(), Vec::new());
    let (old, new) = (
        format!(".{name}.accord-old-"),
        format!(".{name}.accord-new-"),
    );
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if file_name.starts_with(&old) {
            retired.push(entry.path());
        } else if file_name.starts_with(&new) {
            staging.push(entry.path());
        }
    }
    retired.sort();
    staging.sort();
    (retired, staging)
}

/// Delete the files a manifest lists, keeping the manifest.
fn delete_only_listed(dir: &Path, ours: &std::collections::BTreeSet<String>) {
    for rel in ours {
        let _ = fs::remove_file(dir.join(rel));
    }
}

/// Move every file under `from` that its manifest does not list into `to`, where `to` has no
/// file of that name; returns those left behind because it has.
fn move_back_foreign(
    from: &Path,
    to: &Path,
    ours: &std::collections::BTreeSet<String>,
) -> Result<Vec<String>, OutputError> {
    let mut kept = Vec::new();
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(from) else {
            continue;
        };
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        if ours.contains(&rel_text) || rel_text == MANIFEST {
            continue;
        }
        let target = to.join(rel);
        if target.exists() {
            kept.push(rel_text);
            continue;
        }
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(io_at(p))?;
        }
        fs::rename(entry.path(), &target).map_err(io_at(&target))?;
    }
    Ok(kept)
}
