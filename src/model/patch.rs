//! The fast path of a rebuild: briefs edited without changing the site's structure are
//! replaced in the resolved site, rather than resolving it all again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::bodies::{Refs, check_brief_bodies};
use super::commitments::{self, Known};
use super::registry::parse_doc;
use super::resolve::{CachedBrief, ModelCache, check_brief, into_brief};
use super::{Brief, Site};
use crate::content::Sources;
use crate::content::raw::{BRIEF_FIELDS, RawBrief};
use crate::diagnostics::Diagnostics;

/// The fields of a brief that other pages' structure depends on: where it sorts, whether it
/// is shown, whom and what it names, which commitments it names and defines. What it says of
/// them ([`said_of`]) changes statuses, not the site's structure. Positions are left out, so
/// moving lines around is no change.
fn shape(raw: &RawBrief) -> impl PartialEq + '_ {
    fn values(list: &[crate::content::raw::Spanned<String>]) -> Vec<&str> {
        list.iter().map(|s| s.value.as_str()).collect()
    }
    fn opt(v: &Option<crate::content::raw::Spanned<String>>) -> Option<&str> {
        v.as_ref().map(|s| s.value.as_str())
    }
    let commitments: Vec<_> = raw
        .commitments
        .iter()
        .map(|c| {
            (
                c.id.value.as_str(),
                opt(&c.text),
                values(&c.by),
                opt(&c.topic),
            )
        })
        .collect();
    (
        (
            raw.date.value.as_str(),
            opt(&raw.updated),
            opt(&raw.slug),
            raw.draft,
        ),
        values(&raw.parties),
        values(&raw.topics),
        commitments,
        // People and aliases have pages of their own (people's, redirects).
        raw.people
            .iter()
            .map(|p| (p.name.value.as_str(), p.role.as_deref(), opt(&p.party)))
            .collect::<Vec<_>>(),
        values(&raw.aliases),
    )
}

/// What a brief says of a commitment beyond its definition: what a replay reads.
fn said_of(c: &crate::content::raw::RawCommitment) -> impl PartialEq + '_ {
    fn opt(v: &Option<crate::content::raw::Spanned<String>>) -> Option<&str> {
        v.as_ref().map(|s| s.value.as_str())
    }
    (
        opt(&c.status),
        opt(&c.due),
        c.note.as_deref(),
        c.quote.as_deref(),
        opt(&c.source),
    )
}

/// What [`patch_briefs`] changed.
pub struct Patched {
    /// The replaced briefs, by index, in their old versions.
    pub replaced: Vec<(super::BriefIndex, Brief)>,
    /// Commitments whose statuses were replayed because a brief changed what it says of them.
    pub commitments: BTreeSet<String>,
    /// Those commitments as they were before (the tracker's lists they left).
    pub before: BTreeMap<String, super::Commitment>,
}

/// The fast path of a rebuild after briefs were edited. A brief whose [`shape`] did not change
/// is re-checked, re-rendered and replaced in place; one that only changed what it says of
/// its commitments (status, note, due...) also has those commitments' timelines replayed.
/// Nothing else about the site can have changed. `None` when some brief's structure changed
/// (or it is new or gone) and the whole site must be resolved again.
pub fn patch_briefs(
    site: &mut Site,
    sources: &Sources,
    cache: &mut ModelCache,
    paths: &[&str],
) -> Result<Option<Patched>, Diagnostics> {
    let mut replay = BTreeSet::new();
    let mut errors = Diagnostics::new();
    let mut plan = Vec::new();
    for &path in paths {
        let Ok(at) = sources
            .briefs
            .binary_search_by(|f| f.path.as_str().cmp(path))
        else {
            return Ok(None);
        };
        let file = &sources.briefs[at];
        let (Some(index), Some(shown)) = (
            site.briefs.iter().position(|b| b.source == path),
            cache.in_site.get(path),
        ) else {
            return Ok(None);
        };
        let doc = match parse_doc(file, BRIEF_FIELDS) {
            Ok(doc) => Arc::new(doc),
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        if shape(&doc.raw) != shape(&shown.raw) {
            return Ok(None);
        }
        // The same commitments in the same order (the shape above): replay those whose
        // mention changed.
        let changed = doc
            .raw
            .commitments
            .iter()
            .zip(&shown.raw.commitments)
            .filter(|(new, old)| said_of(new) != said_of(old))
            .map(|(new, _)| new.id.value.clone());
        replay.extend(changed);
        plan.push((index, doc));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Between two briefs of one moment that only update a commitment, a status edit can
    // make their order ambiguous, which only the whole site's ordering checks. (The first
    // brief of a timeline defines the commitment, and comes first by rule, unless the other
    // brief repeats its text.)
    let gives_text = |brief: super::BriefIndex, id: &str| {
        cache
            .in_site
            .get(&site.briefs[brief].source)
            .is_some_and(|d| {
                d.raw
                    .commitments
                    .iter()
                    .any(|c| c.id.value == id && c.text.is_some())
            })
    };
    let order_may_matter = |id: &String| {
        site.commitments.get(id).is_some_and(|c| {
            c.timeline.windows(2).enumerate().any(|(i, w)| {
                w[0].moment() == w[1].moment() && (i > 0 || gives_text(w[1].brief, id))
            })
        })
    };
    if replay.iter().any(order_may_matter) {
        return Ok(None);
    }
    let parties: BTreeMap<String, ()> = site.parties.keys().map(|k| (k.clone(), ())).collect();
    let topics: BTreeMap<String, ()> = site.topics.keys().map(|k| (k.clone(), ())).collect();
    let known = Known {
        parties: &parties,
        topics: &topics,
    };
    let refs = Refs::of_site(site);
    let fingerprint = refs.fingerprint();
    // Everything is checked before anything is replaced: on error the site is untouched.
    let mut fresh = Vec::new();
    for (index, doc) in &plan {
        let before = errors.len();
        let checked = check_brief(doc, &known, &mut errors);
        for mention in &doc.raw.commitments {
            commitments::check_mention(doc, mention, &site.config, &known, &mut errors);
        }
        let body = check_brief_bodies(std::iter::once(doc.as_ref()), &refs, &mut errors)
            .pop()
            .flatten()
            .unwrap_or_default();
        if let (Some(checked), true) = (checked, errors.len() == before) {
            let old = &site.briefs[*index];
            let mut brief = into_brief(checked, &body, old.commitments.clone());
            // Same shape: the same people and relations as before.
            brief.people = old.people.clone();
            brief.related = old.related.clone();
            fresh.push((*index, brief, body));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut replaced = Vec::new();
    for ((index, brief, body), (_, doc)) in fresh.into_iter().zip(&plan) {
        replaced.push((index, std::mem::replace(&mut site.briefs[index], brief)));
        cache.briefs.insert(
            doc.file.path.clone(),
            CachedBrief {
                text: doc.file.text.clone(),
                doc: doc.clone(),
                body: Some((fingerprint, body)),
            },
        );
        cache.in_site.insert(doc.file.path.clone(), doc.clone());
    }
    let before: BTreeMap<String, super::Commitment> = replay
        .iter()
        .filter_map(|id| Some((id.clone(), site.commitments.get(id)?.clone())))
        .collect();
    for id in &replay {
        commitments::replay(site, id, |source| cache.in_site.get(source).cloned());
    }
    Ok(Some(Patched {
        replaced,
        commitments: replay,
        before,
    }))
}
