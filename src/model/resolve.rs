//! From parsed front matter to a [`Site`]: every reference checked (parties, topics, people,
//! commitments, `[[...]]` links in bodies), commitments assembled, indexes built.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use super::bodies::{Refs, check_brief_bodies, render_bodies};
use super::commitments::{self, Dated, Known, date_error};
use super::dates::{parse_date, parse_when};
use super::registry::{self, Doc, id_of, invalid_id_help, is_valid_id, parse_doc, unknown_id};
use super::{Brief, Markdown, Moment, PersonMention, Site, Source, TimeOfDay};
use super::{links, order, people};
use crate::config::Config;
use crate::content::Sources;
use crate::content::raw::{BRIEF_FIELDS, RawBrief};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};
use crate::urls::{Urls, site_path};

#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    /// Include briefs marked `draft: true`.
    pub drafts: bool,
    /// The date the site is built as of (see [`Site::today`]).
    pub today: Date,
}

/// Parsed briefs and their rendered bodies, kept between builds (by `serve`) so that a
/// rebuild parses and renders only the files that changed.
#[derive(Default)]
pub struct ModelCache {
    /// The latest parse of each brief file (also of those that failed to resolve).
    pub(super) briefs: HashMap<String, CachedBrief>,
    /// The parses the last successfully resolved site was built from: a patch compares a
    /// brief's new version with the one the site shows, not with a failed attempt.
    pub(super) in_site: HashMap<String, Arc<Doc<RawBrief>>>,
}

pub(super) struct CachedBrief {
    pub(super) text: Arc<str>,
    pub(super) doc: Arc<Doc<RawBrief>>,
    /// The body, and the fingerprint of the references it was rendered with.
    pub(super) body: Option<(u64, Markdown)>,
}

/// A brief whose own fields are valid, before it has its place in the site.
pub(super) struct Checked {
    pub(super) doc: Arc<Doc<RawBrief>>,
    slug: String,
    date: Date,
    time: Option<TimeOfDay>,
    updated: Option<Date>,
    aliases: Vec<String>,
}

impl Checked {
    pub(super) fn moment(&self) -> Moment {
        Moment::new(self.date, self.time)
    }
}

/// Build the site model, reporting every problem found. `cache` holds the parses and bodies
/// of an earlier call; unchanged files are not parsed again.
pub fn resolve_cached(
    sources: &Sources,
    config: Config,
    options: ResolveOptions,
    cache: &mut ModelCache,
) -> Result<Site, Diagnostics> {
    resolve_with(sources, config, options, Some(cache))
}

/// Build the site model once. Nothing is kept for a later call, so each file's parse is
/// freed as its brief is made: with the parses and the briefs both held, the peak memory of a
/// large site was a third higher.
pub fn resolve(
    sources: &Sources,
    config: Config,
    options: ResolveOptions,
) -> Result<Site, Diagnostics> {
    resolve_with(sources, config, options, None)
}

fn resolve_with(
    sources: &Sources,
    config: Config,
    options: ResolveOptions,
    mut cache: Option<&mut ModelCache>,
) -> Result<Site, Diagnostics> {
    let mut errors = Diagnostics::new();
    let urls = Urls::new(&config.base_url);

    let party_docs = registry::parse_parties(&sources.parties, &mut errors);
    let topic_docs = registry::parse_topics(&sources.topics, &mut errors);
    let directory = people::parse_directory(&sources.people, &mut errors);
    let known_parties: BTreeMap<String, ()> = party_docs
        .iter()
        .map(|d| (id_of(&d.file).to_string(), ()))
        .collect();
    let known_topics: BTreeMap<String, ()> = topic_docs
        .iter()
        .map(|d| (id_of(&d.file).to_string(), ()))
        .collect();
    let known = Known {
        parties: &known_parties,
        topics: &known_topics,
    };

    let mut unparsed = Vec::new();
    let brief_docs = parse_briefs(&sources.briefs, cache.as_deref_mut(), &mut unparsed);
    let unparsed_ids: Vec<Vec<String>> = unparsed.iter().map(Unparsed::commitment_ids).collect();
    let checked: Vec<Checked> = brief_docs
        .iter()
        .filter_map(|doc| check_brief(doc, &known, &mut errors))
        .filter(|b| options.drafts || !b.doc.raw.draft)
        .collect();
    // Newest first, as the site lists them.
    let mut checked = order::chronological(checked, &mut errors);
    checked.reverse();
    check_unique_slugs(&checked, &mut errors);

    // Oldest first: exactly the reverse of the display order, so "latest" means the same
    // brief on the index and in a commitment's status.
    let chronological: Vec<Dated> = checked
        .iter()
        .enumerate()
        .rev()
        .map(|(index, b)| Dated {
            index,
            date: b.date,
            time: b.time,
            doc: &b.doc,
        })
        .collect();
    // Commitments named in briefs that could not be placed (a bad date) are known, so their
    // absence causes no second, misleading error.
    let placed: std::collections::HashSet<*const Doc<RawBrief>> =
        checked.iter().map(|c| Arc::as_ptr(&c.doc)).collect();
    let unplaced: BTreeSet<String> = brief_docs
        .iter()
        .filter(|d| !placed.contains(&Arc::as_ptr(d)))
        .filter(|d| options.drafts || !d.raw.draft)
        .flat_map(|d| d.raw.commitments.iter().map(|c| c.id.value.clone()))
        .chain(unparsed_ids.iter().flatten().cloned())
        .collect();
    let assembled = commitments::assemble(&chronological, &config, &known, &unplaced, &mut errors);
    let (commitments, mut mentions) = (assembled.commitments, assembled.mentions);
    for (failed, ids) in unparsed.into_iter().zip(&unparsed_ids) {
        errors.push(failed.explained(ids, &assembled.quieted));
    }

    let mut parties: BTreeMap<String, super::Party> = party_docs
        .iter()
        .map(|d| {
            (
                id_of(&d.file).to_string(),
                registry::build_party(d, &known_parties, &mut errors),
            )
        })
        .collect();
    let mut topics: BTreeMap<String, super::Topic> = topic_docs
        .iter()
        .map(|d| {
            (
                id_of(&d.file).to_string(),
                registry::build_topic(d, &mut errors),
            )
        })
        .collect();

    let refs = Refs::new(&urls, config.markdown, &parties, &topics, &commitments)
        .with_unplaced(unplaced.iter());
    let brief_bodies = check_bodies_cached(&checked, &refs, cache.as_deref_mut(), &mut errors);
    let party_bodies = render_bodies(party_docs.iter(), &refs, &mut errors);
    let topic_bodies = render_bodies(topic_docs.iter(), &refs, &mut errors);
    let person_bodies = render_bodies(directory.docs.iter(), &refs, &mut errors);
    errors.into_result(())?;

    for (party, body) in parties.values_mut().zip(party_bodies) {
        party.body = body;
    }
    for (topic, body) in topics.values_mut().zip(topic_bodies) {
        topic.body = body;
    }
    if let Some(cache) = cache {
        cache.in_site = brief_docs
            .iter()
            .map(|d| (d.file.path.clone(), d.clone()))
            .collect();
    }
    // Now `checked` holds the only reference to each parse, unless a cache keeps them.
    drop(brief_docs);
    let parts: Vec<_> = checked
        .into_iter()
        .zip(brief_bodies)
        .enumerate()
        .map(|(i, (b, body))| (b, body, mentions.remove(&i).unwrap_or_default()))
        .collect();
    // In parallel: each brief compresses its body.
    let mut briefs: Vec<Brief> = parts
        .into_par_iter()
        .map(|(b, body, mentions)| into_brief(b, &body, mentions))
        .collect();
    people::assign(&mut briefs, &directory);
    let people = people::gather(&briefs, &directory, person_bodies);
    links::link_indexes(&briefs, &commitments, &mut parties, &mut topics);
    let related = links::related(&briefs, &commitments, &parties, &topics);
    for (brief, related) in briefs.iter_mut().zip(related) {
        brief.related = related;
    }
    Ok(Site {
        config,
        urls,
        briefs,
        parties,
        topics,
        commitments,
        people,
        today: options.today,
    })
}

/// Parse every brief, reusing the cached parse of files whose text did not change.
fn parse_briefs<'a>(
    files: &'a [SourceFile],
    cache: Option<&mut ModelCache>,
    unparsed: &mut Vec<Unparsed<'a>>,
) -> Vec<Arc<Doc<RawBrief>>> {
    let Some(cache) = cache else {
        let parsed: Vec<Result<Doc<RawBrief>, Diagnostic>> = files
            .par_iter()
            .map(|f| parse_doc(f, BRIEF_FIELDS))
            .collect();
        return files
            .iter()
            .zip(parsed)
            .filter_map(|(file, r)| {
                r.map_err(|error| unparsed.push(Unparsed { file, error }))
                    .ok()
                    .map(Arc::new)
            })
            .collect();
    };
    let parsed: Vec<Result<Arc<Doc<RawBrief>>, Diagnostic>> = files
        .par_iter()
        .map(|f| match cache.briefs.get(&f.path) {
            Some(c) if Arc::ptr_eq(&c.text, &f.text) || c.text == f.text => Ok(c.doc.clone()),
            _ => parse_doc(f, BRIEF_FIELDS).map(Arc::new),
        })
        .collect();
    let mut kept = HashMap::with_capacity(files.len());
    let mut docs = Vec::with_capacity(files.len());
    for (file, result) in files.iter().zip(parsed) {
        match result {
            Ok(doc) => {
                let old = cache.briefs.remove(&file.path);
                let body = old
                    .filter(|c| Arc::ptr_eq(&c.doc, &doc))
                    .and_then(|c| c.body);
                kept.insert(
                    file.path.clone(),
                    CachedBrief {
                        text: file.text.clone(),
                        doc: doc.clone(),
                        body,
                    },
                );
                docs.push(doc);
            }
            Err(error) => unparsed.push(Unparsed { file, error }),
        }
    }
    cache.briefs = kept;
    docs
}

/// A brief whose front matter could not be read, and why.
struct Unparsed<'a> {
    file: &'a SourceFile,
    error: Diagnostic,
}

impl Unparsed<'_> {
    /// The commitment ids the file seems to name (`id: x` lines), read leniently: the brief
    /// that defines a commitment may be the one that failed, and the briefs updating that
    /// commitment should not each report a second, misleading error.
    fn commitment_ids(&self) -> Vec<String> {
        self.file
            .text
            .lines()
            .filter_map(|line| {
                let line = line.trim_start();
                let line = line.strip_prefix("- ").unwrap_or(line).trim_start();
                let value = line
                    .strip_prefix("id:")
                    .or_else(|| line.strip_prefix("id ="))?;
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                is_valid_id(value).then(|| value.to_string())
            })
            .collect()
    }

    /// The error, with a note naming the briefs whose errors it explains (kept quiet).
    fn explained(self, ids: &[String], quieted: &BTreeMap<String, Vec<String>>) -> Diagnostic {
        let mut explains: Vec<(&String, &Vec<String>)> = ids
            .iter()
            .filter_map(|id| quieted.get_key_value(id))
            .collect();
        explains.dedup_by_key(|(id, _)| *id);
        let mut error = self.error;
        for (id, briefs) in explains {
            let shown: Vec<&str> = briefs.iter().take(3).map(String::as_str).collect();
            let more = briefs.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let others = match briefs.len() {
                1 => "1 other brief also names".to_string(),
                n => format!("{n} other briefs also name"),
            };
            error = error.with_note(format!(
                "this brief names commitment `{id}`, which {others} ({}{more}); they are checked once this one can be read",
                shown.join(", "),
            ));
        }
        error
    }
}

/// Bodies of the briefs, checked, or from the cache when neither the file nor the references
/// changed.
fn check_bodies_cached(
    checked: &[Checked],
    refs: &Refs,
    cache: Option<&mut ModelCache>,
    errors: &mut Diagnostics,
) -> Vec<Markdown> {
    let docs = checked.iter().map(|b| b.doc.as_ref());
    let Some(cache) = cache else {
        let bodies = check_brief_bodies(docs, refs, errors);
        return bodies.into_iter().map(Option::unwrap_or_default).collect();
    };
    let fingerprint = refs.fingerprint();
    let cached: Vec<Option<Markdown>> = checked
        .iter()
        .map(|b| {
            let entry = cache.briefs.get(&b.doc.file.path)?;
            match &entry.body {
                Some((fp, body)) if *fp == fingerprint => Some(body.clone()),
                _ => None,
            }
        })
        .collect();
    let missing = docs
        .zip(&cached)
        .filter(|(_, c)| c.is_none())
        .map(|(d, _)| d);
    let mut fresh = check_brief_bodies(missing, refs, errors).into_iter();
    checked
        .iter()
        .zip(cached)
        .map(|(b, c)| match c {
            Some(body) => body,
            None => {
                // A body that failed is not kept: the same references must fail it again.
                let Some(body) = fresh.next().flatten() else {
                    return Markdown::default();
                };
                if let Some(entry) = cache.briefs.get_mut(&b.doc.file.path) {
                    entry.body = Some((fingerprint, body.clone()));
                }
                body
            }
        })
        .collect()
}

/// Check a brief's own fields and its references to the registries.
pub(super) fn check_brief(
    doc: &Arc<Doc<RawBrief>>,
    known: &Known,
    errors: &mut Diagnostics,
) -> Option<Checked> {
    let raw = &doc.raw;
    let when = parse_when(&raw.date.value)
        .map_err(|msg| errors.push(date_error(doc, &raw.date, "date", &msg)))
        .ok();
    let updated = raw.updated.as_ref().and_then(|u| {
        parse_date(&u.value)
            .map_err(|msg| errors.push(date_error(doc, u, "updated", &msg)))
            .ok()
    });
    if let (Some((date, _)), Some(updated), Some(u)) = (when, updated, &raw.updated)
        && updated < date
    {
        errors.push(
            doc.error(
                u,
                format!("`updated` ({updated}) is before `date` ({date})"),
            )
            .with_help("`updated` is the day the brief was last revised: on or after its date"),
        );
    }
    let slug = match &raw.slug {
        Some(s) if !is_valid_id(&s.value) => {
            errors.push(
                doc.error(s, format!("`{}` is not a valid slug", s.value))
                    .with_help(invalid_id_help(&s.value)),
            );
            String::new()
        }
        Some(s) => s.value.clone(),
        None => {
            let slug = slug_from_file(&doc.file.path);
            if slug.is_empty() {
                errors.push(
                    Diagnostic::in_file(&doc.file.path, "cannot make a URL from this file name")
                        .with_help(
                            "rename the file with letters or digits, or give the brief a `slug:`",
                        ),
                );
            }
            slug
        }
    };
    registry::check_duplicates(doc, &raw.parties, "parties", errors);
    registry::check_duplicates(doc, &raw.topics, "topics", errors);
    let aliases = raw
        .aliases
        .iter()
        .filter_map(|a| {
            site_path::alias(&a.value)
                .map_err(|why| {
                    errors.push(
                        doc.error(a, format!("`{}` cannot be an alias: {why}", a.value))
                            .with_help("write the old address as a path of this site, e.g. `2024/old-name/` or `/old-name.html`"),
                    )
                })
                .ok()
        })
        .collect();
    for source in &raw.sources {
        if let Some(url) = &source.url {
            registry::check_url(doc, url, errors);
        }
    }
    for c in &raw.commitments {
        if let Some(url) = &c.source {
            registry::check_url(doc, url, errors);
        }
    }
    registry::check_not_blank(doc, &raw.title, "title", errors);
    if let Some(s) = &raw.slug {
        registry::check_output_name(doc, s, &s.value, errors);
    }
    for person in &raw.people {
        registry::check_not_blank(doc, &person.name, "name", errors);
        registry::check_output_name(
            doc,
            &person.name,
            &slug::slugify(&person.name.value),
            errors,
        );
    }
    for c in &raw.commitments {
        registry::check_output_name(doc, &c.id, &c.id.value, errors);
    }
    for c in &raw.commitments {
        if let Some(text) = &c.text {
            registry::check_not_blank(doc, text, "text", errors);
        }
    }
    let parties = known.parties.keys().map(String::as_str);
    for p in &raw.parties {
        if !known.parties.contains_key(&p.value) {
            errors.push(unknown_id(
                doc,
                p,
                "party",
                parties.clone(),
                "content/parties",
            ));
        }
    }
    for person in &raw.people {
        if let Some(p) = &person.party
            && !known.parties.contains_key(&p.value)
        {
            errors.push(unknown_id(
                doc,
                p,
                "party",
                parties.clone(),
                "content/parties",
            ));
        }
    }
    let topics = known.topics.keys().map(String::as_str);
    for t in &raw.topics {
        if !known.topics.contains_key(&t.value) {
            errors.push(unknown_id(
                doc,
                t,
                "topic",
                topics.clone(),
                "content/topics",
            ));
        }
    }
    // A brief with bad references still goes on to the commitment and body checks, so one
    // build reports all of its problems; the errors already recorded fail the build.
    let (date, time) = when?;
    Some(Checked {
        doc: doc.clone(),
        slug,
        date,
        time,
        updated,
        aliases,
    })
}

/// The slug of a brief without `slug:`: its file name, made URL-safe.
fn slug_from_file(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if is_valid_id(stem) {
        stem.to_string()
    } else {
        slug::slugify(stem)
    }
}

fn check_unique_slugs(briefs: &[Checked], errors: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Checked> = BTreeMap::new();
    for b in briefs {
        if let Some(first) = seen.get(b.slug.as_str()) {
            let url = site_path::brief(&b.slug);
            errors.push(
                Diagnostic::at(
                    &b.doc.file,
                    b.doc.split.front_inner.clone(),
                    format!("two briefs would be written to /{url}"),
                )
                .with_related(
                    &first.doc.file,
                    first.doc.split.front_inner.clone(),
                    "the other brief with this slug",
                )
                .with_help("give one of them a different `slug:` or file name"),
            );
        } else {
            seen.insert(&b.slug, b);
        }
    }
}

/// The brief of a checked parse.
pub(super) fn into_brief(b: Checked, body: &Markdown, commitments: Vec<super::Mention>) -> Brief {
    let path = b.doc.file.path.clone();
    let RawBrief {
        title,
        date: _,
        updated: _,
        summary,
        event,
        location,
        parties,
        people,
        topics,
        commitments: _,
        sources,
        draft,
        slug: _,
        aliases: _,
        extra,
    } = b.doc.raw.clone();
    // Copied rather than moved: parsed strings carry spare capacity, copies do not. The parse
    // is freed here unless a cache keeps it.
    drop(b.doc);
    Brief {
        source: path,
        slug: b.slug,
        title: title.value,
        date: b.date,
        time: b.time,
        updated: b.updated,
        summary,
        event,
        location,
        parties: parties.into_iter().map(|p| p.value).collect(),
        people: people
            .into_iter()
            .map(|p| PersonMention {
                person: String::new(),
                name: p.name.value,
                role: p.role,
                party: p.party.map(|p| p.value),
            })
            .collect(),
        topics: topics.into_iter().map(|t| t.value).collect(),
        commitments,
        sources: sources
            .into_iter()
            .map(|s| Source {
                title: s.title,
                url: s.url.map(|u| u.value),
            })
            .collect(),
        draft,
        aliases: b.aliases,
        body: body.packed(),
        extra,
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_file_names() {
        assert_eq!(
            slug_from_file("content/briefs/2025/kl-trilateral.md"),
            "kl-trilateral"
        );
        assert_eq!(
            slug_from_file("content/briefs/Rubio Wang Yi.md"),
            "rubio-wang-yi"
        );
    }
}
