//! Watching the site's files for `serve`: `accord.toml`, `content/`, `templates/` and
//! `static/`, debounced, turned into a [`Change`] by the pure function [`classify`].
//!
//! Editors save in many ways (write in place, write a temporary file and rename it over, delete
//! and recreate); rather than trust event kinds, a change names the paths touched and the
//! rebuild reads their state from disk. Directory events, and lost events, ask for a rescan.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{CreateKind, RemoveKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use crate::config::CONFIG_FILE;
use crate::content::is_ignored_name;
use crate::rebuild::Change;

/// How long events are gathered before a rebuild: long enough to see an editor's
/// write-and-rename as one change, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// The directories under the site root whose files Accord reads.
pub const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// A file system event, reduced to what classification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub paths: Vec<PathBuf>,
    /// The event is about a directory (created, removed, renamed).
    pub dir: bool,
    /// The watcher lost track (queue overflow): read everything again.
    pub rescan: bool,
}

/// Which site files an event batch touched. Paths outside the watched folders (the output, a
/// `target/`, `.git`) and editors' temporary files are dropped.
pub fn classify(root: &Path, events: &[RawEvent]) -> Change {
    let mut change = Change::default();
    for event in events {
        change.rescan |= event.rescan;
        for path in &event.paths {
            let Some(rel) = relative(root, path) else {
                continue;
            };
            let top = rel.split('/').next().unwrap_or("");
            if rel != CONFIG_FILE && !WATCHED_DIRS.contains(&top) {
                continue;
            }
            if rel.split('/').any(is_ignored_name) {
                continue;
            }
            if event.dir || WATCHED_DIRS.contains(&rel.as_str()) {
                change.rescan = true;
                continue;
            }
            // Under content/ only Markdown is read; another name there may be a directory
            // that was removed or renamed away (`2025`, `2025.q3`), whose files are gone too.
            // Only the usual kinds of attachment are surely files.
            if top == "content" && !rel.ends_with(".md") {
                if !is_attachment(&rel) {
                    change.rescan = true;
                }
                continue;
            }
            change.paths.insert(rel);
        }
    }
    change
}

fn is_attachment(rel: &str) -> bool {
    const KINDS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "pdf", "txt", "csv", "json", "docx",
        "xlsx",
    ];
    Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| KINDS.contains(&e.to_ascii_lowercase().as_str()))
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() || parts.iter().any(|p| p == "..") {
        return None;
    }
    Some(parts.join("/"))
}

/// A running watcher; dropping it stops watching.
pub enum Watching {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    /// The OS limit on watches was reached: the files are polled instead.
    Polling(Debouncer<notify::PollWatcher, NoCache>),
}

impl Watching {
    /// Watch a directory that appeared after the watcher started (`templates/`, say).
    pub fn ensure_watched(&mut self, root: &Path) {
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                let _ = match self {
                    Watching::Native(d) => d.watch(&path, RecursiveMode::Recursive),
                    Watching::Polling(d) => d.watch(&path, RecursiveMode::Recursive),
                };
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path} for changes: {source}")]
pub struct WatchError {
    pub path: PathBuf,
    pub source: notify::Error,
}

/// Start watching the site at `root` (a canonical path); every debounced batch that touches a
/// site file is sent to `changes`. Falls back to polling when the OS limit on watches is hit,
/// and says so on stderr.
pub fn start(root: &Path, changes: Sender<Change>) -> Result<Watching, WatchError> {
    let handler = move |root: PathBuf, changes: Sender<Change>| {
        move |result: DebounceEventResult| {
            let events = match result {
                // Reads (including Accord's own) are not changes.
                Ok(events) => events
                    .iter()
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .map(|e| raw_event(&e.event))
                    .collect(),
                // Errors mean events may have been missed: read everything again.
                Err(_) => vec![RawEvent {
                    paths: Vec::new(),
                    dir: false,
                    rescan: true,
                }],
            };
            let change = classify(&root, &events);
            if !change.is_empty() {
                let _ = changes.send(change);
            }
        }
    };
    let native = new_debouncer(DEBOUNCE, None, handler(root.to_path_buf(), changes.clone()))
        .map_err(|source| WatchError {
            path: root.to_path_buf(),
            source,
        })?;
    let mut watching = Watching::Native(native);
    match watch_all(&mut watching, root) {
        Ok(()) => Ok(watching),
        Err(e) if is_limit(&e.source) => {
            crate::errln!(
                "warning: the system's limit on file watches is reached ({}); polling for changes every 300 ms instead.\n  \
                 = help: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`",
                e.source
            );
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
            let poll = new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
                DEBOUNCE,
                None,
                handler(root.to_path_buf(), changes),
                NoCache,
                config,
            )
            .map_err(|source| WatchError {
                path: root.to_path_buf(),
                source,
            })?;
            let mut watching = Watching::Polling(poll);
            watch_all(&mut watching, root)?;
            Ok(watching)
        }
        Err(e) => Err(e),
    }
}

fn is_limit(e: &notify::Error) -> bool {
    matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28))
}

fn watch_all(watching: &mut Watching, root: &Path) -> Result<(), WatchError> {
    let mut watch = |path: PathBuf, mode: RecursiveMode| {
        let r = match watching {
            Watching::Native(d) => d.watch(&path, mode),
            Watching::Polling(d) => d.watch(&path, mode),
        };
        r.map_err(|source| WatchError { path, source })
    };
    // The root itself only for accord.toml and for folders appearing; not recursively, so
    // the output and build directories beside the content are never watched.
    watch(root.to_path_buf(), RecursiveMode::NonRecursive)?;
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            watch(path, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

fn raw_event(event: &notify::Event) -> RawEvent {
    let dir_kind = matches!(
        event.kind,
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder)
    );
    RawEvent {
        dir: dir_kind || event.paths.iter().any(|p| p.is_dir()),
        rescan: event.need_rescan(),
        paths: event.paths.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(paths: &[&str]) -> RawEvent {
        RawEvent {
            paths: paths
                .iter()
                .map(|p| PathBuf::from("/site").join(p))
                .collect(),
            dir: false,
            rescan: false,
        }
    }

    fn paths(change: &Change) -> Vec<&str> {
        change.paths.iter().map(String::as_str).collect()
    }

    #[test]
    fn editor_temp_files_are_ignored_and_the_renamed_target_kept() {
        let root = Path::new("/site");
        // vim: writes 4913, a backup `x.md~`, then the file; JetBrains: a ___jb_tmp___ renamed over.
        let change = classify(
            root,
            &[
                ev(&["content/briefs/4913"]),
                ev(&["content/briefs/kl.md~"]),
                ev(&["content/briefs/.kl.md.swp"]),
                ev(&["content/briefs/kl.md___jb_tmp___", "content/briefs/kl.md"]),
                ev(&["content/briefs/.#kl.md"]),
            ],
        );
        assert_eq!(paths(&change), ["content/briefs/kl.md"]);
        assert!(!change.rescan);
    }

    #[test]
    fn only_site_files_count() {
        let root = Path::new("/site");
        let change = classify(
            root,
            &[
                ev(&["public/index.html"]),
                ev(&["target/debug/x"]),
                ev(&[".git/index"]),
                ev(&["accord.toml"]),
                ev(&["templates/brief.html"]),
                ev(&["static/accord.css"]),
                ev(&["README.md"]),
            ],
        );
        assert_eq!(
            paths(&change),
            ["accord.toml", "static/accord.css", "templates/brief.html"]
        );
        assert!(!change.css_only());
        let css = classify(root, &[ev(&["static/accord.css"])]);
        assert!(css.css_only());
    }

    #[test]
    fn directories_and_lost_events_ask_for_a_rescan() {
        let root = Path::new("/site");
        let mut dir = ev(&["content/briefs/2026"]);
        dir.dir = true;
        assert!(classify(root, &[dir]).rescan);
        // A removed folder is gone before it can be looked at: no extension under content/.
        assert!(classify(root, &[ev(&["content/briefs/2024"])]).rescan);
        assert!(classify(root, &[ev(&["content/briefs/2025.q3"])]).rescan);
        assert!(!classify(root, &[ev(&["content/briefs/photo.jpg"])]).rescan);
        assert!(classify(root, &[ev(&["templates"])]).rescan);
        let mut lost = ev(&[]);
        lost.rescan = true;
        assert!(classify(root, &[lost]).rescan);
    }
}
