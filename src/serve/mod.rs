//! `accord serve`: build the site into memory, serve it on loopback under the base URL's path,
//! watch the sources, rebuild what a change touches, and tell open pages.
//!
//! The served output is swapped whole, and only after a rebuild succeeded; the reload signal
//! goes out after the swap. A page reloading on the signal therefore always gets the new
//! version, never a half-written or missing one. A failed rebuild keeps the last good output
//! and shows its diagnostics in the terminal and over open pages.

mod http;
mod reload;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::broadcast;

pub use http::{Target, content_type, resolve};
pub use reload::Signal;

use crate::build::BuildOptions;
use crate::content::{self, Boundary};
use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::output::Output;
use crate::rebuild::{Change, Rebuilder, Update};
use crate::urls::Urls;
use crate::watch;

/// What `accord serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub interface: IpAddr,
    pub port: u16,
    /// Open the site in the default browser once it is up.
    pub open: bool,
    pub quiet: bool,
}

/// The version of the site being served.
pub struct Served {
    pub output: Output,
    /// The URL path the site lives under, from `base_url` (`/briefs/`).
    pub prefix: String,
    /// The diagnostics of the last failed rebuild, while it is not fixed.
    pub error: Option<BuildError>,
    /// Counts successful rebuilds: a page knows the version it was served at, and reloads if
    /// it learns of a newer one it may have missed.
    pub version: u64,
}

/// A failed rebuild as the browser overlay shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildError {
    /// One line per problem: `error: file:line:column: message`.
    pub summary: Vec<String>,
    /// Everything the terminal shows.
    pub message: String,
}

/// State shared by the HTTP handlers and the rebuild loop.
pub struct Shared {
    current: RwLock<Arc<Served>>,
    signals: broadcast::Sender<Signal>,
    /// Distinguishes this server from a restarted one, so pages reload after a restart.
    instance: String,
    /// Set on Ctrl-C, before the event streams are told to end.
    stopping: AtomicBool,
    /// Where copied files may be read from: the site and the folders of `allow_outside`, as
    /// for `build` (checked again per request, for a link swapped after the build).
    boundary: Boundary,
    /// The search bundle, built in the background after the pages (see [`spawn_indexer`]).
    search: RwLock<Arc<Output>>,
}

impl Shared {
    pub fn current(&self) -> Arc<Served> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn search(&self) -> Arc<Output> {
        match self.search.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn swap(&self, served: Served) {
        let mut guard = match self.current.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(served);
    }

    /// A static file, opened, and its length, if it is still inside the site (a symlink
    /// swapped in later that points elsewhere is refused).
    async fn open_static(&self, disk: &Path) -> Option<(tokio::fs::File, u64)> {
        let real = tokio::fs::canonicalize(disk).await.ok()?;
        if !self.boundary.admits(&real) {
            return None;
        }
        let file = tokio::fs::File::open(real).await.ok()?;
        let len = file.metadata().await.ok()?.len();
        Some((file, len))
    }
}

/// The site's [`Boundary`], with the `allow_outside` that `accord.toml` gives when serving
/// starts.
fn serve_boundary(root: &Path) -> Result<Boundary, Error> {
    let boundary = Boundary::of_site(root).map_err(|d| Error::Refused {
        message: d.to_string(),
        help: "check that the site folder is readable".into(),
    })?;
    let allowed = content::read_config(root)
        .map(|c| crate::config::BeforeLoad::read(&c.text).allow_outside)
        .unwrap_or_default();
    Ok(boundary.allowing(&allowed))
}

/// Run the preview server until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<(), Error> {
    let root = std::fs::canonicalize(&options.build.root).map_err(|source| Error::Io {
        path: options.build.root.clone(),
        source,
    })?;
    let build = BuildOptions {
        root: root.clone(),
        ..options.build.clone()
    };
    // Watch before the first build, so what is saved while it runs is rebuilt after it.
    let (changes_tx, changes_rx) = mpsc::channel();
    let watching = watch::start(&root, changes_tx).map_err(|e| Error::Refused {
        message: e.to_string(),
        help: "check that the site folder is readable".into(),
    })?;
    let mut rebuilder = Rebuilder::new(build);
    let first = rebuilder.build_all();
    let served = served_after(&rebuilder, &first, &root, 1);
    match (&first, options.quiet) {
        (Ok(update), false) => crate::outln!(
            "Built {} pages in {:.0} ms",
            update.rendered,
            update.elapsed.as_secs_f64() * 1000.0
        ),
        (Ok(_), true) => {}
        (Err(diagnostics), _) => {
            crate::err!("{diagnostics}");
            crate::errln!(
                "error: the site does not build yet; the server shows the problems until it does"
            );
        }
    }
    let prefix = served.prefix.clone();
    let (signals, _) = broadcast::channel(64);
    let shared = Arc::new(Shared {
        current: RwLock::new(Arc::new(served)),
        signals,
        instance: instance_id(),
        stopping: AtomicBool::new(false),
        boundary: serve_boundary(&root)?,
        search: RwLock::new(Arc::new(Output::new())),
    });
    let indexer = spawn_indexer(shared.clone());
    if first.is_ok() {
        send_index_job(&indexer, &rebuilder);
    }

    let listener = bind(options.interface, options.port)?;
    let addr = listener.local_addr().map_err(|source| Error::Io {
        path: PathBuf::from(format!("{}:{}", options.interface, options.port)),
        source,
    })?;
    if options.port != 0 && addr.port() != options.port {
        crate::errln!(
            "note: port {} is busy; using {} instead",
            options.port,
            addr.port()
        );
    }
    if !options.interface.is_loopback() {
        crate::errln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview, drafts included",
            options.interface
        );
    }
    let url = format!("http://{addr}{prefix}");
    crate::outln!("Serving at {url} (Ctrl-C to stop)");

    let rebuild_shared = shared.clone();
    let quiet = options.quiet;
    std::thread::Builder::new()
        .name("accord rebuild".into())
        .spawn(move || {
            rebuild_loop(
                rebuilder,
                changes_rx,
                rebuild_shared,
                watching,
                root,
                quiet,
                indexer,
            )
        })
        .map_err(|source| Error::Io {
            path: PathBuf::from("rebuild thread"),
            source,
        })?;

    if options.open
        && let Err(e) = webbrowser::open(&url)
    {
        crate::errln!("warning: could not open a browser: {e}");
    }
    run_http(listener, shared)
}

/// Bind the address, or the next free port after it (up to 20 tries).
fn bind(interface: IpAddr, port: u16) -> Result<TcpListener, Error> {
    let mut last_error = None;
    for candidate in port..=port.saturating_add(19) {
        match TcpListener::bind(SocketAddr::new(interface, candidate)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => {
                return Err(Error::Refused {
                    message: format!("cannot listen on {interface}:{candidate}: {e}"),
                    help: "choose another address with --interface or port with --port".into(),
                });
            }
        }
    }
    Err(Error::Refused {
        message: format!(
            "ports {port} to {} on {interface} are all in use ({})",
            port.saturating_add(19),
            last_error.map(|e| e.to_string()).unwrap_or_default()
        ),
        help: "stop the other server, or choose a port with --port".into(),
    })
}

fn run_http(listener: TcpListener, shared: Arc<Shared>) -> Result<(), Error> {
    let io_error = |source| Error::Io {
        path: PathBuf::from("HTTP server"),
        source,
    };
    listener.set_nonblocking(true).map_err(io_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io_error)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(io_error)?;
        let app = axum::Router::new()
            .fallback(http::handle)
            .with_state(shared.clone())
            // A preview is never cached: what the browser shows is what was just built.
            .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopping = shared.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            stopping.stopping.store(true, Ordering::SeqCst);
            let _ = stopping.signals.send(Signal::Shutdown);
            let _ = stop_tx.send(true);
            // A second Ctrl-C does not wait for connections to close.
            let _ = tokio::signal::ctrl_c().await;
            std::process::exit(130);
        });
        accept_loop(listener, app, stop_rx).await;
        crate::outln!("Stopped.");
        Ok(())
    })
}

/// At most this many connections are served at once; more wait to be accepted. Live-reload
/// streams count, so a few hundred tabs are fine.
const MAX_CONNECTIONS: usize = 512;

/// A connection that sends no complete request head within this time is closed: one that
/// opened and said nothing, sent its headers a byte at a time, or idled after a response.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Accept connections until `stop` turns true, each served by hyper with [`HEADER_TIMEOUT`],
/// at most [`MAX_CONNECTIONS`] at once; then let open ones finish (briefly).
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            accepted = async {
                let permit = permits.clone().acquire_owned().await;
                (permit, listener.accept().await)
            } => accepted,
        };
        let (Ok(permit), Ok((stream, _))) = accepted else {
            // Out of descriptors, or a connection reset before it was accepted: go on.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // Without it, a response written in two parts waits for the reader's delayed
        // acknowledgement of the first: 40 ms a request on a kept-alive connection.
        let _ = stream.set_nodelay(true);
        let router = app.clone();
        let service = hyper::service::service_fn(
            move |request: axum::http::Request<hyper::body::Incoming>| {
                router.clone().oneshot(request.map(axum::body::Body::new))
            },
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    // Live-reload streams were told to end; give the rest a moment.
    let _ = tokio::time::timeout(Duration::from_secs(2), graceful.shutdown()).await;
}

/// Wait for changes, rebuild, swap the served output, then signal the pages.
fn rebuild_loop(
    mut rebuilder: Rebuilder,
    changes: Receiver<Change>,
    shared: Arc<Shared>,
    mut watching: watch::Watching,
    root: PathBuf,
    quiet: bool,
    indexer: mpsc::Sender<IndexJob>,
) {
    let mut version = 1;
    while let Ok(mut change) = changes.recv() {
        // Changes already queued are taken together. A burst (a `git checkout`, many files
        // saved at once) is waited out until quiet, so it is one rebuild and one reload; a
        // single save is rebuilt at once.
        let started = std::time::Instant::now();
        let mut wait = Duration::from_millis(1);
        loop {
            if change.rescan || change.paths.len() > 3 {
                wait = Duration::from_millis(50);
            }
            match changes.recv_timeout(wait) {
                Ok(more) if started.elapsed() < Duration::from_millis(500) => {
                    change.paths.extend(more.paths);
                    change.rescan |= more.rescan;
                }
                Ok(more) => {
                    change.paths.extend(more.paths);
                    change.rescan |= more.rescan;
                    break;
                }
                Err(_) => break,
            }
        }
        let result = rebuilder.apply(&change);
        if change.rescan {
            watching.ensure_watched(&root);
        }
        if result.is_ok() {
            version += 1;
        }
        let served = served_after(&rebuilder, &result, &root, version);
        let signal = match &result {
            Ok(update) => Signal::Reload {
                changed: update.changed.iter().cloned().collect(),
                css_only: change.css_only(),
                version,
            },
            Err(_) => match &served.error {
                Some(e) => Signal::BuildError(e.clone()),
                None => continue,
            },
        };
        shared.swap(served);
        let _ = shared.signals.send(signal);
        report(&result, quiet, "Rebuilt");
        let search_on = rebuilder.site().is_some_and(|s| s.config.options.search);
        // The index follows the briefs, and the configuration (search on or off, shard size).
        if let Ok(update) = &result
            && (update.changed.iter().any(|p| p.starts_with("briefs/"))
                || change.rescan
                || change.paths.contains(crate::config::CONFIG_FILE)
                || !search_on)
        {
            send_index_job(&indexer, &rebuilder);
        }
    }
}

/// The brief pages of a build, to index for search.
struct IndexJob {
    /// `None` with search off: the job clears the bundle a build with search left. The records
    /// are finished on the indexing thread (see `search::UnfinishedRecords`).
    records: Option<crate::search::UnfinishedRecords>,
    language: String,
    shard_size: usize,
}

fn send_index_job(indexer: &mpsc::Sender<IndexJob>, rebuilder: &Rebuilder) {
    if let Some(site) = rebuilder.site() {
        let _ = indexer.send(IndexJob {
            records: site
                .config
                .options
                .search
                .then(|| crate::search::records(site)),
            language: site.config.language.clone(),
            shard_size: crate::search::shard_size(
                site.config.options.search_shard_size,
                site.briefs.len(),
            ),
        });
    }
}

/// Index for search off the rebuild path: at thousands of briefs indexing takes far longer
/// than a rebuild, so pages reload at once and the search bundle follows. Jobs queued while one
/// runs are skipped for the latest.
fn spawn_indexer(shared: Arc<Shared>) -> mpsc::Sender<IndexJob> {
    let (tx, rx) = mpsc::channel::<IndexJob>();
    let spawned = std::thread::Builder::new()
        .name("accord search index".into())
        .spawn(move || {
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let Some(records) = job.records else {
                    let mut guard = match shared.search.write() {
                        Ok(g) => g,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                    *guard = Arc::new(Output::new());
                    continue;
                };
                let indexed = records.finish().and_then(|records| {
                    crate::search::index_records(records, &job.language, job.shard_size)
                });
                match indexed {
                    Ok(files) => {
                        let mut output = Output::new();
                        let mut errors = Diagnostics::new();
                        for (path, bytes) in files {
                            output.add_file(&path, bytes, "the search index", false, &mut errors);
                        }
                        let mut guard = match shared.search.write() {
                            Ok(g) => g,
                            Err(poisoned) => poisoned.into_inner(),
                        };
                        *guard = Arc::new(output);
                    }
                    Err(d) => crate::errln!("{}", Diagnostics::from(d)),
                }
            }
        });
    if let Err(e) = spawned {
        crate::errln!("warning: search is not available in this preview: {e}");
    }
    tx
}

/// What to serve after a build: its output, or the last good one with the error.
fn served_after(
    rebuilder: &Rebuilder,
    result: &Result<Update, Diagnostics>,
    root: &Path,
    version: u64,
) -> Served {
    let prefix = rebuilder
        .site()
        .map(|s| Urls::new(&s.config.base_url).prefix().to_string())
        .or_else(|| prefix_from_config(root))
        .unwrap_or_else(|| "/".to_string());
    Served {
        output: rebuilder.output().cloned().unwrap_or_default(),
        prefix,
        error: result.as_ref().err().map(|d| BuildError {
            summary: d.summary(),
            message: d.to_string(),
        }),
        version,
    }
}

/// The path prefix when no build has succeeded yet, read from `accord.toml` if it parses.
fn prefix_from_config(root: &Path) -> Option<String> {
    let file = crate::content::read_config(root).ok()?;
    let config = crate::config::Config::parse(&file).ok()?;
    Some(Urls::new(&config.base_url).prefix().to_string())
}

fn report(result: &Result<Update, Diagnostics>, quiet: bool, verb: &str) {
    match result {
        Ok(update) if !quiet => {
            let ms = update.elapsed.as_secs_f64() * 1000.0;
            crate::outln!(
                "{verb} in {ms:.0} ms: {} page{} rendered, {} file{} changed",
                update.rendered,
                if update.rendered == 1 { "" } else { "s" },
                update.changed.len(),
                if update.changed.len() == 1 { "" } else { "s" },
            );
        }
        Ok(_) => {}
        Err(diagnostics) => {
            crate::err!("{diagnostics}");
            crate::errln!(
                "error: the site does not build; still serving the last version that did"
            );
        }
    }
}

fn instance_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}-{:x}", std::process::id(), nanos)
}
