//! Reading the site from disk. Only this module reads the site's files; nothing here
//! interprets them beyond splitting front matter from the body.
//!
//! Layout of a site:
//! ```text
//! accord.toml
//! content/briefs/**/*.md    briefs
//! content/parties/<id>.md   the party registry
//! content/topics/<id>.md    the topic registry
//! content/people/<slug>.md  the people registry (optional: names, native spellings, aliases)
//! templates/**              overrides of the default theme, file by file
//! static/**                 copied to the output as is
//! ```

pub mod frontmatter;
pub mod raw;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};

/// Every file of a site, read but not interpreted.
#[derive(Debug, Clone)]
pub struct Sources {
    pub root: PathBuf,
    pub config: SourceFile,
    pub briefs: Vec<SourceFile>,
    pub parties: Vec<SourceFile>,
    pub topics: Vec<SourceFile>,
    pub people: Vec<SourceFile>,
    /// The site's own templates; `path` is relative to `templates/` (`brief.html`).
    pub templates: Vec<SourceFile>,
    /// Files under `static/`: path relative to `static/`, and where it is on disk.
    pub static_files: Vec<StaticFile>,
}

/// A file to copy to the output unchanged.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Relative to `static/`, with `/` separators; also its path in the output.
    pub rel: String,
    pub disk: PathBuf,
}

/// Read the site at `root`. Every unreadable file is reported, not just the first.
pub fn load(root: &Path) -> Result<Sources, Diagnostics> {
    let mut errors = Diagnostics::new();
    let config_path = root.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(Diagnostic::general(format!(
            "no {CONFIG_FILE} in {}: this is not an Accord site",
            root.display()
        ))
        .with_help("run `accord init DIR` to create one, or pass `--root DIR`")
        .into());
    }
    let config = read_source(root, &config_path, CONFIG_FILE.into(), &mut errors);
    let briefs = by_path(read_markdown(root, "content/briefs", true, &mut errors));
    let parties = by_path(read_markdown(root, "content/parties", false, &mut errors));
    let topics = by_path(read_markdown(root, "content/topics", false, &mut errors));
    let people = by_path(read_markdown(root, "content/people", false, &mut errors));
    let templates = by_path(read_templates(root, &mut errors));
    let mut static_files = list_static(root, &mut errors);
    static_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    errors.into_result(())?;
    Ok(Sources {
        root: root.to_path_buf(),
        config: config.expect("no errors"),
        briefs,
        parties,
        topics,
        people,
        templates,
        static_files,
    })
}

/// What a file of the site is, from its path relative to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Config,
    Brief,
    Party,
    Topic,
    Person,
    Template,
    Static,
}

/// The kind of the file at `rel` (relative to the site root, `/`-separated), or `None` for
/// files Accord does not read (editor backups, anything outside its folders).
pub fn kind_of(rel: &str) -> Option<SourceKind> {
    if rel.split('/').any(is_ignored_name) {
        return None;
    }
    if rel == CONFIG_FILE {
        return Some(SourceKind::Config);
    }
    let md = rel.ends_with(".md");
    let depth = rel.matches('/').count();
    if rel.starts_with("content/briefs/") && md {
        Some(SourceKind::Brief)
    } else if rel.starts_with("content/parties/") && md && depth == 2 {
        Some(SourceKind::Party)
    } else if rel.starts_with("content/topics/") && md && depth == 2 {
        Some(SourceKind::Topic)
    } else if rel.starts_with("content/people/") && md && depth == 2 {
        Some(SourceKind::Person)
    } else if rel.starts_with("templates/") {
        Some(SourceKind::Template)
    } else if rel.starts_with("static/") {
        Some(SourceKind::Static)
    } else {
        None
    }
}

impl Sources {
    /// Re-read the files at `paths` (relative to the root), dropping those that are gone, so a
    /// rebuild reads only what changed. Paths Accord does not read are skipped.
    pub fn refresh(&mut self, paths: &[String]) -> Result<(), Diagnostics> {
        let mut errors = Diagnostics::new();
        for rel in paths {
            let Some(kind) = kind_of(rel) else { continue };
            let disk = self.root.join(rel);
            let exists = disk.is_file();
            match kind {
                SourceKind::Config => {
                    if let Some(f) = read_source(&self.root, &disk, rel.clone(), &mut errors) {
                        self.config = f;
                    }
                }
                SourceKind::Static => {
                    let name = rel.trim_start_matches("static/").to_string();
                    // A path that is not a file may be a folder that went away, with its files.
                    let inside = format!("{name}/");
                    self.static_files
                        .retain(|f| f.rel != name && (exists || !f.rel.starts_with(&inside)));
                    if exists {
                        self.static_files.push(StaticFile { rel: name, disk });
                        self.static_files.sort_by(|a, b| a.rel.cmp(&b.rel));
                    }
                }
                SourceKind::Template => {
                    let name = rel.trim_start_matches("templates/").to_string();
                    let inside = format!("{name}/");
                    self.templates
                        .retain(|f| f.path != name && (exists || !f.path.starts_with(&inside)));
                    if exists
                        && let Some(f) = read_source(&self.root, &disk, rel.clone(), &mut errors)
                    {
                        self.templates.push(SourceFile::new(name, f.text));
                        self.templates.sort_by(|a, b| a.path.cmp(&b.path));
                    }
                }
                SourceKind::Brief | SourceKind::Party | SourceKind::Topic | SourceKind::Person => {
                    let list = match kind {
                        SourceKind::Brief => &mut self.briefs,
                        SourceKind::Party => &mut self.parties,
                        SourceKind::Person => &mut self.people,
                        _ => &mut self.topics,
                    };
                    list.retain(|f| &f.path != rel);
                    if exists
                        && let Some(f) = read_source(&self.root, &disk, rel.clone(), &mut errors)
                    {
                        let at = list.partition_point(|g| g.path < f.path);
                        list.insert(at, f);
                    }
                }
            }
        }
        errors.into_result(())
    }
}

impl Sources {
    /// Forget the briefs' and registries' text once the site is resolved (a one-off build).
    pub fn drop_content_text(&mut self) {
        self.briefs = Vec::new();
        self.parties = Vec::new();
        self.topics = Vec::new();
        self.people = Vec::new();
    }
}

/// Only `accord.toml` (for `serve` to know its path prefix before the site builds).
pub fn read_config(root: &Path) -> Result<SourceFile, Diagnostics> {
    let mut errors = Diagnostics::new();
    let file = read_source(
        root,
        &root.join(CONFIG_FILE),
        CONFIG_FILE.into(),
        &mut errors,
    );
    match file {
        Some(f) => Ok(f),
        None => Err(errors),
    }
}

/// Editors' backup, swap and lock files, and hidden files: never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".bck")
        || name.ends_with(".tmp")
        || name == "4913"
}

fn read_markdown(
    root: &Path,
    dir: &str,
    recursive: bool,
    errors: &mut Diagnostics,
) -> Vec<SourceFile> {
    let files = walk(root, dir, if recursive { usize::MAX } else { 1 }, errors);
    files
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .filter_map(|(rel, disk)| read_source(root, &disk, format!("{dir}/{rel}"), errors))
        .collect()
}

/// Sort by path, the order [`Sources::refresh`] keeps.
fn by_path(mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn read_templates(root: &Path, errors: &mut Diagnostics) -> Vec<SourceFile> {
    walk(root, "templates", usize::MAX, errors)
        .into_iter()
        .filter_map(|(rel, disk)| {
            let file = read_source(root, &disk, format!("templates/{rel}"), errors)?;
            // Templates are named by their path inside templates/, as Tera sees them.
            Some(SourceFile::new(rel, file.text))
        })
        .collect()
}

fn list_static(root: &Path, errors: &mut Diagnostics) -> Vec<StaticFile> {
    walk(root, "static", usize::MAX, errors)
        .into_iter()
        .map(|(rel, disk)| StaticFile { rel, disk })
        .collect()
}

/// Files under `root/dir` (sorted, so builds are deterministic), skipping ignored names.
fn walk(
    root: &Path,
    dir: &str,
    max_depth: usize,
    errors: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Symbolic links are followed (walkdir stops at loops), as a rebuild reads them too.
    let walker = WalkDir::new(&base)
        .follow_links(true)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e
                    .path()
                    .strip_prefix(&base)
                    .unwrap_or(e.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, e.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(e) => errors.push(Diagnostic::in_file(
                e.path().map_or_else(|| base.clone(), Path::to_path_buf),
                format!("cannot read: {e}"),
            )),
        }
    }
    out
}

fn read_source(
    root: &Path,
    disk: &Path,
    display: String,
    errors: &mut Diagnostics,
) -> Option<SourceFile> {
    match std::fs::read(disk) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(SourceFile::new(display, text)),
            Err(e) => {
                errors.push(
                    Diagnostic::in_file(
                        display,
                        format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
                    )
                    .with_help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            let shown = disk.strip_prefix(root).unwrap_or(disk);
            errors.push(Diagnostic::in_file(shown, format!("cannot read: {e}")));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".#brief.md", "brief.md~", ".brief.md.swp", "4913", "x.bck"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("brief.md"));
    }
}
