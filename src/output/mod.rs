//! The output set: every file of a build, in memory, with the checks that two sources do
//! not claim one path. Writing it to disk is [`write`]'s part; only this module writes.
//!
//! A build is written to a fresh directory beside the output directory and swapped in only
//! when complete, so a failed build leaves the previous output untouched. A manifest
//! (`.accord-manifest`) records what Accord wrote; files in the output directory that are not
//! in it (a `.git` of a deploy checkout, a hand-placed `CNAME`) are carried over to the new
//! output, never deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::RenderedPage;
use crate::urls::output_file;

mod recover;
pub mod size;
mod write;

pub use recover::{interrupt, interrupted, lock_name};
pub use write::{Staging, check_output_dir};

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
    /// Rendered bytes: made from a page's `String` without a copy, and shared without one by
    /// the outputs `serve` keeps and the responses it sends.
    Bytes(bytes::Bytes),
    /// A static file, copied from disk when written (and read from disk when served).
    Copy(PathBuf),
    /// Already written to the staging directory of a build as it was rendered (see
    /// [`Staging`]): the output keeps its path, not its bytes.
    Staged,
}

impl PartialEq for Content {
    /// Shared bytes are equal without being compared: most of two successive outputs are.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Content::Bytes(a), Content::Bytes(b)) => {
                (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
            }
            (Content::Copy(a), Content::Copy(b)) => a == b,
            (Content::Staged, Content::Staged) => true,
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

    /// Every file's path, relative to the output directory, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
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
            content: Content::Bytes(page.html.into()),
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
                Content::Bytes(p.html.into()),
                p.origin,
                false,
                errors,
            );
        }
    }

    /// Pages a build writes as they are rendered ([`Staging::write_file`]): only their paths,
    /// so clashes are found before anything is rendered.
    pub fn add_staged_pages(&mut self, pages: &[crate::render::Page], errors: &mut Diagnostics) {
        for p in pages {
            self.insert(
                output_file(&p.path),
                Content::Staged,
                p.origin.clone(),
                false,
                errors,
            );
        }
    }

    /// A generated file already written to the staging directory (the search bundle).
    pub fn add_staged_file(&mut self, path: String, origin: &str, errors: &mut Diagnostics) {
        self.insert(path, Content::Staged, origin.to_string(), false, errors);
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

    /// Paths the output cannot have: two files where one path is a folder of the other
    /// (`briefs` and `briefs/a/index.html`), and names that would not survive a checkout on
    /// another system (see [`check_portable`]).
    pub fn check_paths(&self, errors: &mut Diagnostics) {
        self.check_portable(errors);
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
}

impl Output {
    /// Names a site published from one machine must have on every other: a deploy checkout on
    /// macOS or Windows, or a file system with shorter names. Each name is at most
    /// [`MAX_NAME_BYTES`] bytes, none is reserved on Windows (`aux`, `con.html`) or holds a
    /// character it refuses, and no two paths differ only by case (`Index.html` beside
    /// `index.html`), which case-insensitive systems take for one file.
    fn check_portable(&self, errors: &mut Diagnostics) {
        let mut folded: std::collections::HashMap<String, &str> =
            std::collections::HashMap::with_capacity(self.files.len());
        let mut reported = BTreeSet::new();
        for (path, entry) in &self.files {
            for name in path.split('/') {
                if let Some(why) = unportable_name(name)
                    && reported.insert(name.to_string())
                {
                    errors.push(
                        Diagnostic::general(format!(
                            "{} would write `{}`, but `{}` {why}",
                            entry.origin,
                            shortened(path),
                            shortened(name)
                        ))
                        .with_help("give it a shorter or plainer name (a brief's `slug:`, a person's name, a commitment's `id:` or the file's name)"),
                    );
                }
            }
            // From the top, so that a folder differing by case is reported once, not once
            // for each file under it.
            let mut prefixes: Vec<&str> = ancestors(path).collect();
            prefixes.reverse();
            prefixes.push(path);
            for prefix in prefixes {
                let key = prefix.to_lowercase();
                match folded.get(&key) {
                    Some(other) if *other != prefix => {
                        if reported.insert(key) {
                            errors.push(
                                Diagnostic::general(format!(
                                    "`{}` ({}) and `{}` ({}) differ only by case: on macOS and Windows they are one file",
                                    shortened(prefix),
                                    entry.origin,
                                    shortened(other),
                                    self.origin_under(other)
                                ))
                                .with_help("rename one of them"),
                            );
                        }
                        break;
                    }
                    Some(_) => {}
                    None => {
                        folded.insert(key, prefix);
                    }
                }
            }
        }
    }

    /// The origin of the file at `path`, or of the first file under it when it is a folder.
    fn origin_under(&self, path: &str) -> &str {
        self.files
            .get(path)
            .or_else(|| {
                self.files
                    .range(format!("{path}/")..)
                    .next()
                    .filter(|(p, _)| p.starts_with(&format!("{path}/")))
                    .map(|(_, e)| e)
            })
            .map_or("", |e| e.origin.as_str())
    }
}

/// A name cut to a length an error message can show.
fn shortened(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &name[..i]).into(),
        None => name.into(),
    }
}

/// The longest file or folder name most file systems take (ext4, APFS, NTFS: 255 bytes).
pub const MAX_NAME_BYTES: usize = 255;

/// Why one name of a path cannot be written everywhere, if it cannot.
pub fn unportable_name(name: &str) -> Option<String> {
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if name.len() > MAX_NAME_BYTES {
        return Some(format!(
            "is {} bytes long, and file systems take at most {MAX_NAME_BYTES}",
            name.len()
        ));
    }
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if RESERVED.contains(&stem.trim_end()) {
        return Some("is a name Windows reserves for a device".into());
    }
    if let Some(c) = name
        .chars()
        .find(|&c| matches!(c, '<' | '>' | ':' | '"' | '\\' | '|' | '?' | '*') || c.is_control())
    {
        return Some(format!(
            "holds `{}`, which Windows does not allow in a name",
            c.escape_debug()
        ));
    }
    if name.ends_with(['.', ' ']) {
        return Some("ends with a dot or a space, which Windows drops".into());
    }
    None
}

/// The folders above a relative path: `a/b/c` gives `a/b`, then `a`.
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/')
        .map(move |(i, _)| &rel[..i])
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
}
