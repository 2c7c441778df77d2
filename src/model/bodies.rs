//! Rendering the Markdown bodies of briefs and registry entries, and what their `[[...]]`
//! references may point at.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::registry::Doc;
use super::{Body, Commitment, Markdown, Party, Site, Topic};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Flavor, LinkError, LinkResolver, ResolvedLink};
use crate::urls::{Urls, site_path};

/// Render the bodies of registry entries in parallel, keeping their HTML (there are few, and
/// lists of parties show them); bad `[[...]]` references become diagnostics.
pub(super) fn render_bodies<'a, T: Sync + 'a>(
    docs: impl Iterator<Item = &'a Doc<T>>,
    refs: &Refs,
    errors: &mut Diagnostics,
) -> Vec<Body> {
    render_each(docs, refs, errors, |_, r| Body {
        html: Arc::from(r.html),
        toc: r.toc,
        words: r.words,
    })
}

/// Check the bodies of briefs in parallel: every `[[...]]` must resolve. Only the Markdown is
/// kept; each page that shows a body renders it again (see [`Markdown`]). `None` for a body
/// that failed (its errors are in `errors`).
pub(super) fn check_brief_bodies<'a, T: Sync + 'a>(
    docs: impl Iterator<Item = &'a Doc<T>>,
    refs: &Refs,
    errors: &mut Diagnostics,
) -> Vec<Option<Markdown>> {
    render_each(docs, refs, errors, |doc, r| {
        Some(Markdown::in_file(
            doc.file.text.clone(),
            doc.split.body.clone(),
            r.words,
        ))
    })
}

fn render_each<'a, T: Sync + 'a, B: Send + Default>(
    docs: impl Iterator<Item = &'a Doc<T>>,
    refs: &Refs,
    errors: &mut Diagnostics,
    keep: impl Fn(&Doc<T>, markdown::Rendered) -> B + Sync,
) -> Vec<B> {
    let docs: Vec<&Doc<T>> = docs.collect();
    let results: Vec<Result<B, Vec<Diagnostic>>> = docs
        .par_iter()
        .map(|doc| {
            markdown::render(doc.body(), refs, refs.flavor)
                .map(|r| keep(doc, r))
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
                B::default()
            })
        })
        .collect()
}

/// What `[[...]]` in a body can point at: the label of every party, topic and commitment.
pub struct Refs {
    urls: Urls,
    flavor: Flavor,
    parties: BTreeMap<String, String>,
    topics: BTreeMap<String, String>,
    commitments: BTreeMap<String, String>,
}

impl Refs {
    pub(super) fn new(
        urls: &Urls,
        flavor: Flavor,
        parties: &BTreeMap<String, Party>,
        topics: &BTreeMap<String, Topic>,
        commitments: &BTreeMap<String, Commitment>,
    ) -> Refs {
        Refs {
            urls: urls.clone(),
            flavor,
            parties: parties
                .iter()
                .map(|(id, p)| (id.clone(), p.name.clone()))
                .collect(),
            topics: topics
                .iter()
                .map(|(id, t)| (id.clone(), t.name.clone()))
                .collect(),
            commitments: commitments
                .iter()
                .map(|(id, c)| (id.clone(), c.text.clone()))
                .collect(),
        }
    }

    /// What the bodies of a resolved site refer to.
    pub fn of_site(site: &Site) -> Refs {
        Refs::new(
            &site.urls,
            site.config.markdown,
            &site.parties,
            &site.topics,
            &site.commitments,
        )
    }

    /// Also accept references to commitments that exist but could not be placed (their
    /// brief has a bad date), so they cause no second, misleading error.
    pub(super) fn with_unplaced<'a>(mut self, ids: impl Iterator<Item = &'a String>) -> Refs {
        for id in ids {
            self.commitments
                .entry(id.clone())
                .or_insert_with(|| id.clone());
        }
        self
    }

    /// Changes whenever a `[[...]]` link could render differently.
    pub(super) fn fingerprint(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.urls.prefix().hash(&mut h);
        self.flavor.hash(&mut h);
        self.parties.hash(&mut h);
        self.topics.hash(&mut h);
        self.commitments.hash(&mut h);
        h.finish()
    }

    /// The HTML and table of contents of a brief's body. The site was checked, so every
    /// reference resolves; an error here means the body and the site disagree.
    pub fn render(&self, body: &Markdown) -> Result<markdown::Rendered, String> {
        self.render_via(body, self)
    }

    /// [`Refs::render`], resolving references with `resolver` (one that wraps these refs,
    /// to note what a page read).
    pub fn render_via(
        &self,
        body: &Markdown,
        resolver: &dyn LinkResolver,
    ) -> Result<markdown::Rendered, String> {
        let source = body.source()?;
        markdown::render(&source, resolver, self.flavor).map_err(disagree)
    }

    /// The text of a brief's body, for the search index (see [`markdown::plain_text`]).
    pub fn plain_text(&self, body: &Markdown) -> Result<String, String> {
        let source = body.source()?;
        markdown::plain_text(&source, self, self.flavor).map_err(disagree)
    }
}

fn disagree(bad: Vec<markdown::BadReference>) -> String {
    let what: Vec<String> = bad.into_iter().map(|b| b.error.message).collect();
    format!(
        "a body no longer matches the site it was checked against: {}",
        what.join("; ")
    )
}

impl LinkResolver for Refs {
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
