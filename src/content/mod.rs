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

mod boundary;
pub mod frontmatter;
pub mod raw;

pub use boundary::Boundary;

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
    /// Where the site's files may be (see [`Boundary`]); kept so a rebuild checks the same.
    pub boundary: Boundary,
}

/// A file to copy to the output unchanged.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Relative to `static/`, with `/` separators; also its path in the output.
    pub rel: String,
    /// Where it is on disk: for a symbolic link, the file it points to, checked against the
    /// [`Boundary`] (so a link swapped later cannot redirect the copy).
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
    let boundary = Boundary::of_site(root)?;
    let config = match boundary.resolve(CONFIG_FILE)? {
        Some(disk) => read_source(root, &disk, CONFIG_FILE.into(), &mut errors),
        None => read_source(root, &config_path, CONFIG_FILE.into(), &mut errors),
    };
    let boundary = match &config {
        Some(config) => {
            let settings = crate::config::BeforeLoad::read(&config.text);
            boundary
                .allowing(&settings.allow_outside)
                .without_output(&settings.output_dir)
        }
        None => boundary,
    };
    let walk = Walk {
        root,
        boundary: &boundary,
    };
    let briefs = by_path(walk.read_markdown("content/briefs", true, &mut errors));
    let parties = by_path(walk.read_markdown("content/parties", false, &mut errors));
    let topics = by_path(walk.read_markdown("content/topics", false, &mut errors));
    let people = by_path(walk.read_markdown("content/people", false, &mut errors));
    let templates = by_path(walk.read_templates(&mut errors));
    let mut static_files = walk.list_static(&mut errors);
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
        boundary,
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
            // A file that is gone, or that now leads outside the site, is dropped below.
            let (disk, exists) = match self.boundary.resolve(rel) {
                Ok(Some(disk)) => {
                    let exists = disk.is_file();
                    (disk, exists)
                }
                Ok(None) => (self.root.join(rel), false),
                Err(outside) => {
                    errors.push(outside);
                    (self.root.join(rel), false)
                }
            };
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

/// Sort by path, the order [`Sources::refresh`] keeps.
fn by_path(mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A walk of the site's folders, within its [`Boundary`].
struct Walk<'a> {
    root: &'a Path,
    boundary: &'a Boundary,
}

impl Walk<'_> {
    fn read_markdown(
        &self,
        dir: &str,
        recursive: bool,
        errors: &mut Diagnostics,
    ) -> Vec<SourceFile> {
        let files = self.files(dir, if recursive { usize::MAX } else { 1 }, errors);
        files
            .into_iter()
            .filter(|(rel, _)| rel.ends_with(".md"))
            .filter_map(|(rel, disk)| read_source(self.root, &disk, format!("{dir}/{rel}"), errors))
            .collect()
    }

    fn read_templates(&self, errors: &mut Diagnostics) -> Vec<SourceFile> {
        self.files("templates", usize::MAX, errors)
            .into_iter()
            .filter_map(|(rel, disk)| {
                let file = read_source(self.root, &disk, format!("templates/{rel}"), errors)?;
                // Templates are named by their path inside templates/, as Tera sees them.
                Some(SourceFile::new(rel, file.text))
            })
            .collect()
    }

    fn list_static(&self, errors: &mut Diagnostics) -> Vec<StaticFile> {
        self.files("static", usize::MAX, errors)
            .into_iter()
            .map(|(rel, disk)| StaticFile { rel, disk })
            .collect()
    }

    /// Files under `root/dir` (sorted, so builds are deterministic), skipping ignored names:
    /// their path relative to `dir`, and where to read them. Symbolic links are followed
    /// (walkdir stops at loops), as a rebuild reads them too, but not out of the boundary.
    fn files(
        &self,
        dir: &str,
        max_depth: usize,
        errors: &mut Diagnostics,
    ) -> Vec<(String, PathBuf)> {
        let base = match self.boundary.resolve(dir) {
            Ok(Some(base)) if base.is_dir() => base,
            Ok(_) => return Vec::new(),
            Err(outside) => {
                errors.push(outside);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut walker = WalkDir::new(&base)
            .follow_links(true)
            .max_depth(max_depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
        while let Some(entry) = walker.next() {
            let e = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(Diagnostic::in_file(
                        e.path().map_or_else(|| base.clone(), Path::to_path_buf),
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let rel = e
                .path()
                .strip_prefix(&base)
                .unwrap_or(e.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let shown = format!("{dir}/{rel}");
            let disk = match self
                .boundary
                .check_walked(&shown, e.path(), e.path_is_symlink())
            {
                Ok(disk) => disk,
                Err(refused) => {
                    errors.push(refused);
                    if e.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
            };
            if e.file_type().is_file() {
                out.push((rel, disk));
            }
        }
        out
    }
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
