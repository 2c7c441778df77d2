//! Rendering the Markdown bodies of briefs and registry entries, and what their `[[...]]`
//! references may point at.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::Body;
use super::registry::Doc;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkError, LinkResolver, ResolvedLink};
use crate::urls::{Urls, site_path};

/// Render the bodies of `docs` in parallel; bad `[[...]]` references become diagnostics.
pub(super) fn render_bodies<'a, T: Sync + 'a>(
    docs: impl Iterator<Item = &'a Doc<T>>,
    refs: &Refs,
    errors: &mut Diagnostics,
) -> Vec<Body> {
    let docs: Vec<&Doc<T>> = docs.collect();
    let results: Vec<Result<Body, Vec<Diagnostic>>> = docs
        .par_iter()
        .map(|doc| {
            markdown::render(doc.body(), refs)
                .map(|r| Body {
                    html: Arc::from(r.html),
                    toc: r.toc,
                    words: r.words,
                })
                .map_err(|bad| {
                    let offset = doc.split.body.start;
                    bad.into_iter()
                        .map(|b| {
                            Diagnostic::at(
                                &doc.file,
                                b.range.start + offset..b.range.end + offset,
                                b.error.message,
                            )
                            .with_help_opt(b.error.help)
                        })
                        .collect()
                })
        })
        .collect();
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|ds| {
                ds.into_iter().for_each(|d| errors.push(d));
                Body::default()
            })
        })
        .collect()
}

/// What `[[...]]` in a body can point at.
pub(super) struct Refs<'a> {
    pub(super) urls: &'a Urls,
    pub(super) parties: BTreeMap<String, String>,
    pub(super) topics: BTreeMap<String, String>,
    pub(super) commitments: BTreeMap<String, String>,
}

impl Refs<'_> {
    /// Changes whenever a `[[...]]` link could render differently.
    pub(super) fn fingerprint(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.urls.prefix().hash(&mut h);
        self.parties.hash(&mut h);
        self.topics.hash(&mut h);
        self.commitments.hash(&mut h);
        h.finish()
    }
}

impl LinkResolver for Refs<'_> {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        let (kind, id) = target.split_once(':').unwrap_or(("party", target));
        let (names, path, class, dir): (_, fn(&str) -> String, _, _) = match kind {
            "party" => (
                &self.parties,
                site_path::party,
                "ref-party",
                "content/parties",
            ),
            "topic" => (
                &self.topics,
                site_path::topic,
                "ref-topic",
                "content/topics",
            ),
            "commitment" => (
                &self.commitments,
                site_path::commitment,
                "ref-commitment",
                "a brief's `commitments:`",
            ),
            other => {
                return Err(LinkError {
                    message: format!("unknown reference kind `{other}` in `[[{target}]]`"),
                    help: Some(
                        "write `[[party-id]]`, `[[topic:id]]` or `[[commitment:id]]`".into(),
                    ),
                });
            }
        };
        match names.get(id) {
            Some(label) => Ok(ResolvedLink {
                href: self.urls.path(&path(id)),
                label: label.clone(),
                class,
            }),
            None => Err(LinkError {
                message: format!("unknown {kind} `{id}` in `[[{target}]]`"),
                help: Some(format!(
                    "{} (defined in {dir})",
                    crate::diagnostics::suggestion(id, names.keys().map(String::as_str), kind)
                )),
            }),
        }
    }
}
