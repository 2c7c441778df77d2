//! Live reload: an event stream (Server-Sent Events) that tells open pages what changed, and
//! the script that listens to it. A signal is sent only after a rebuild has finished and its
//! output is the one being served.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Serialize;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::Shared;

/// Where the live-reload endpoints live, under the site's path prefix.
pub const RELOAD_PATH: &str = "__accord/";

const SCRIPT: &str = include_str!("reload.js");

/// What open pages are told.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// A rebuild succeeded: these output files changed.
    Reload {
        changed: Vec<String>,
        css_only: bool,
        version: u64,
    },
    /// A rebuild failed; the last good version is still served.
    BuildError(super::BuildError),
    /// The server is stopping: end every event stream so it can.
    Shutdown,
}

impl Signal {
    fn event(&self) -> Event {
        let (name, data) = match self {
            Signal::Reload {
                changed,
                css_only,
                version,
            } => (
                "reload",
                serde_json::json!({ "changed": changed, "css_only": css_only, "version": version }),
            ),
            Signal::BuildError(e) => ("build-error", serde_json::json!(e)),
            Signal::Shutdown => ("shutdown", serde_json::json!({})),
        };
        Event::default().event(name).data(data.to_string())
    }
}

/// The `<script>` tag put before `</body>` of every HTML page `serve` sends.
pub fn inject(html: &[u8], prefix: &str, version: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{prefix}{RELOAD_PATH}reload.js\" data-base=\"{prefix}\" data-version=\"{version}\" defer></script>"
    );
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// `__accord/reload.js` and `__accord/events`.
pub fn respond(shared: &Arc<Shared>, name: &str) -> Response<Body> {
    match name {
        "reload.js" => Response::builder()
            .header(header::CONTENT_TYPE, "text/javascript; charset=utf-8")
            .body(Body::from(SCRIPT))
            .unwrap_or_default(),
        "events" => events(shared).into_response(),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap_or_default(),
    }
}

fn events(shared: &Arc<Shared>) -> impl IntoResponse {
    // Subscribe first, then read the state: a rebuild finishing in between is then either in
    // `hello` or among the signals, never lost.
    let receiver = shared.signals.subscribe();
    let stopping = shared.stopping.load(std::sync::atomic::Ordering::SeqCst);
    let served = shared.current();
    let hello = Event::default().event("hello").data(
        serde_json::json!({ "instance": shared.instance, "version": served.version, "error": served.error })
            .to_string(),
    );
    // A client too slow to keep up misses signals (Lagged); the next one still reaches it,
    // and its version tells the page what it missed.
    let updates = BroadcastStream::new(receiver)
        .filter_map(Result::ok)
        .take_while(move |s| !stopping && !matches!(s, Signal::Shutdown))
        .map(|s| s.event());
    let stream = tokio_stream::once(hello)
        .chain(updates)
        .map(Ok::<Event, Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_closing_body() {
        let html = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(html, "/b/", 3)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/b/__accord/reload.js\" data-base=\"/b/\" data-version=\"3\" defer></script></body></html>"
        );
        let out = String::from_utf8(inject(b"<p>fragment", "/", 1)).unwrap();
        assert!(out.ends_with("defer></script>"));
    }
}
