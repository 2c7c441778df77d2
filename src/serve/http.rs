//! The preview's HTTP side: which output file a request asks for (a pure function, so the
//! path checks are tested directly), and the response: content type, no caching, and the
//! live-reload script injected into HTML (only here, never in a build).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};

use super::reload::{self, RELOAD_PATH};
use super::{Served, Shared};
use crate::output::{Content, Output};

/// What a request path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An output file, by its path in the output.
    File(String),
    /// Redirect to this URL path (a directory without its slash, the bare host root).
    Redirect(String),
    /// The live-reload script or event stream.
    Reload(String),
    NotFound,
}

/// Resolve the raw (percent-encoded) path of a request under `prefix` against `output`.
/// Anything that is not plainly a path inside the site is not found: `..` in any spelling,
/// backslashes, NUL, empty segments.
pub fn resolve(prefix: &str, raw_path: &str, output: &Output) -> Target {
    if raw_path == "/" && prefix != "/" {
        return Target::Redirect(prefix.to_string());
    }
    if raw_path == prefix.trim_end_matches('/') && prefix != "/" {
        return Target::Redirect(prefix.to_string());
    }
    let Some(rest) = raw_path.strip_prefix(prefix) else {
        return Target::NotFound;
    };
    let Some(rel) = decode(rest) else {
        return Target::NotFound;
    };
    if !is_plain_relative(&rel) {
        return Target::NotFound;
    }
    if let Some(name) = rel.strip_prefix(RELOAD_PATH) {
        return Target::Reload(name.to_string());
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if output.content(&file).is_some() {
        return Target::File(file);
    }
    if !rel.is_empty()
        && !rel.ends_with('/')
        && output.content(&format!("{rel}/index.html")).is_some()
    {
        return Target::Redirect(format!("{prefix}{rest}/"));
    }
    Target::NotFound
}

/// Percent-decoding of a path; `None` when the result is not UTF-8.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn is_plain_relative(rel: &str) -> bool {
    if rel.starts_with('/') || rel.contains('\\') || rel.contains('\0') || rel.contains("//") {
        return false;
    }
    rel.split('/').all(|seg| seg != ".." && seg != ".")
}

/// The content type of an output file, by its extension.
pub fn content_type(path: &str) -> HeaderValue {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let value = match (mime.type_(), mime.subtype().as_str()) {
        (mime_guess::mime::TEXT, _)
        | (_, "javascript" | "json" | "xml" | "atom+xml" | "rss+xml" | "svg+xml") => {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// Every request: only GET and HEAD, only files of the current output.
pub async fn handle(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response<Body> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let served = shared.current();
    let target = resolve(&served.prefix, request.uri().path(), &served.output);
    if matches!(target, Target::NotFound) {
        // The search bundle is kept apart from the pages: it is rebuilt in the background.
        let search = shared.search();
        if let Target::File(file) = resolve(&served.prefix, request.uri().path(), &search) {
            return file_response(&shared, &served, &search, &file).await;
        }
    }
    match target {
        Target::Redirect(to) => Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, to)
            .body(Body::empty())
            .unwrap_or_default(),
        Target::Reload(name) => reload::respond(&shared, &name),
        Target::File(file) => file_response(&shared, &served, &served.output, &file).await,
        Target::NotFound => not_found(&served),
    }
}

async fn file_response(
    shared: &Shared,
    served: &Served,
    output: &crate::output::Output,
    file: &str,
) -> Response<Body> {
    let bytes = match output.content(file) {
        Some(Content::Bytes(b)) => b.clone(),
        Some(Content::Copy(disk)) => match shared.open_static(disk).await {
            // Static HTML gets the reload script like a page, unless it is too big to read.
            Some((f, len)) if file.ends_with(".html") && len <= MAX_INJECTED_HTML => {
                match read_all(f, len).await {
                    Some(b) => b.into(),
                    None => return not_found(served),
                }
            }
            Some((f, len)) => return streamed(file, f, len),
            None => return not_found(served),
        },
        None | Some(Content::Staged) => return not_found(served),
    };
    let body = if file.ends_with(".html") {
        reload::inject(&bytes, &served.prefix, served.version).into()
    } else {
        bytes
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type(file))
        .body(Body::from(body))
        .unwrap_or_default()
}

/// Static HTML up to this size is read to inject the reload script; larger files are sent as
/// they are.
const MAX_INJECTED_HTML: u64 = 8 << 20;

async fn read_all(mut file: tokio::fs::File, len: u64) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()?);
    file.read_to_end(&mut bytes).await.ok()?;
    Some(bytes)
}

/// A static file sent in chunks as it is read: twenty downloads of a 200 MB file held 4 GB
/// when each was read whole first.
fn streamed(file: &str, f: tokio::fs::File, len: u64) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type(file))
        .header(header::CONTENT_LENGTH, len)
        // No more than the length announced, should the file grow while it is sent.
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(
            tokio::io::AsyncReadExt::take(f, len),
        )))
        .unwrap_or_default()
}

/// The site's own `404.html` when it has one, else a short page; either way with the reload
/// script, so a page that appears later shows up by itself.
fn not_found(served: &Served) -> Response<Body> {
    let page: &[u8] = match served.output.content("404.html") {
        Some(Content::Bytes(b)) => b,
        _ => b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
<body><main><h1>Not found</h1><p>No page of this site has this address (yet). This tab reloads when it appears.</p></main></body></html>",
    };
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(reload::inject(
            page,
            &served.prefix,
            served.version,
        )))
        .unwrap_or_default()
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    fn output() -> Output {
        let mut o = Output::new();
        let mut e = Diagnostics::new();
        for p in [
            "index.html",
            "briefs/kl/index.html",
            "accord.css",
            "data/x.json",
        ] {
            o.add_file(p, b"x".to_vec(), "test", false, &mut e);
        }
        o
    }

    #[test]
    fn pages_under_the_prefix() {
        let o = output();
        assert_eq!(resolve("/b/", "/b/", &o), Target::File("index.html".into()));
        assert_eq!(
            resolve("/b/", "/b/briefs/kl/", &o),
            Target::File("briefs/kl/index.html".into())
        );
        assert_eq!(
            resolve("/b/", "/b/briefs/kl", &o),
            Target::Redirect("/b/briefs/kl/".into())
        );
        assert_eq!(resolve("/b/", "/", &o), Target::Redirect("/b/".into()));
        assert_eq!(resolve("/b/", "/b", &o), Target::Redirect("/b/".into()));
        assert_eq!(
            resolve("/b/", "/b/accord.css", &o),
            Target::File("accord.css".into())
        );
        assert_eq!(
            resolve("/b/", "/b/__accord/events", &o),
            Target::Reload("events".into())
        );
        assert_eq!(
            resolve("/", "/briefs/kl/", &o),
            Target::File("briefs/kl/index.html".into())
        );
    }

    #[test]
    fn nothing_outside_the_site() {
        let o = output();
        for bad in [
            "/accord.css",
            "/b/../b/accord.css",
            "/b/%2e%2e/etc/passwd",
            "/b/%2E%2E%2Fetc%2Fpasswd",
            "/b/briefs/..%2f..%2faccord.toml",
            "/b//etc/passwd",
            "/b/%2fetc/passwd",
            "/b/..%5c..%5caccord.toml",
            "/b/%00",
            "/b/%zz",
            "/b/./accord.css",
            "/b/nope.html",
        ] {
            assert_eq!(resolve("/b/", bad, &o), Target::NotFound, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "text/xml; charset=utf-8");
        assert_eq!(
            content_type("data/x.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("data/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("pagefind.wasm"), "application/wasm");
        assert_eq!(content_type("accord.css"), "text/css; charset=utf-8");
    }
}
