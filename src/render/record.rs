//! The record of what each page read (see [`super::deps`]) and what those reads amount to in
//! a site: the one answer to "which pages does this change touch?".
//!
//! A [`Record`] keeps each page's inputs and each input's fingerprint, a hash of exactly what
//! the page saw of it. After a change, a page needs rendering again only if one of its inputs
//! has a different fingerprint in the new site ([`Record::stale`]).
//!
//! What the record cannot answer, or not as fast as a brief is saved, is left to the two
//! hand-written rules of `crate::rebuild::scope`: which templates a page used beyond its own
//! (Tera does not say), and the pages of a brief patched in place.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::Serialize;

use super::context::Views;
use super::deps::{Input, List, Registry, unrecorded};
use super::tracker::ListOf;
use crate::model::{Brief, Site};

/// The inputs of every page rendered, and the fingerprint each input had in the site they
/// were rendered from. Inputs are numbered once (`Id`): a page holds numbers, and asking
/// which pages read a changed input costs a lookup in a table, not a hash of its name.
#[derive(Default)]
pub struct Record {
    ids: HashMap<Input, Id, FixedState>,
    inputs: Vec<Input>,
    /// By `Id`; `None` when not known for the pages reading it (a rebuild that did not ask
    /// the record rendered them, or the input is new): those pages count as stale.
    prints: Prints,
    pages: HashMap<String, Vec<Id>, FixedState>,
    /// The inputs that are template queries, for [`Record::stale_queries`].
    queries: Vec<Id>,
}

/// The number of an input in a [`Record`].
type Id = u32;

/// The fingerprint of each input of a [`Record`], by `Id`.
#[derive(Default, Clone)]
pub struct Prints(Vec<Option<u64>>);

impl Record {
    /// Forget everything: every page is stale until recorded again.
    pub fn clear(&mut self) {
        *self = Record::default();
    }

    /// Whether the record knows what the page at `path` read.
    pub fn knows(&self, path: &str) -> bool {
        self.pages.contains_key(path)
    }

    /// The pages of the record that read something that is different (or not known) in
    /// `site`, and the fingerprints of everything read, in `site`, to [`Record::commit`] once
    /// the stale pages are rendered again.
    pub fn stale(&self, site: &Site, views: &Views) -> (HashSet<String>, Prints) {
        let all: Vec<Id> = (0..self.inputs.len() as Id).collect();
        self.stale_of(site, views, &all)
    }

    /// The pages whose template queries give something else in `site` (asked after a patch,
    /// whose own rules cannot know what a query shows).
    pub fn stale_queries(&self, site: &Site, views: &Views) -> HashSet<String> {
        self.stale_of(site, views, &self.queries).0
    }

    /// Whether a page read a template query.
    pub fn has_queries(&self) -> bool {
        !self.queries.is_empty()
    }

    /// [`Record::stale`], asking only about the inputs `asked`.
    fn stale_of(&self, site: &Site, views: &Views, asked: &[Id]) -> (HashSet<String>, Prints) {
        let mut now = self.prints.clone();
        for (id, print) in self.fingerprints(site, views, asked) {
            now.0[id as usize] = Some(print);
        }
        let mut changed = vec![false; self.inputs.len()];
        for &id in asked {
            let i = id as usize;
            changed[i] = now.0[i].is_none() || now.0[i] != self.prints.0[i];
        }
        if !changed.contains(&true) {
            return (HashSet::new(), now);
        }
        let stale = self
            .pages
            .iter()
            .filter(|(_, ids)| ids.iter().any(|&id| changed[id as usize]))
            .map(|(path, _)| path.clone())
            .collect();
        (stale, now)
    }

    /// After a rebuild: `now`, the fingerprints [`Record::stale`] computed, if it asked
    /// (the pages not rendered again saw the same; `None` when the content did not change),
    /// `rendered`, the pages rendered with what each read; only the pages at `live` paths
    /// are kept.
    pub fn commit(
        &mut self,
        site: &Site,
        views: &Views,
        now: Option<Prints>,
        rendered: Vec<(String, Vec<Input>)>,
        live: &HashSet<&str>,
    ) {
        if let Some(now) = now {
            self.prints = now;
        }
        self.pages.retain(|path, _| live.contains(path.as_str()));
        self.keep_pages(rendered);
        let unknown: Vec<Id> = (0..self.inputs.len() as Id)
            .filter(|&id| self.prints.0[id as usize].is_none())
            .collect();
        self.set_prints(site, views, &unknown);
    }

    /// After a rebuild that chose its pages by other means (`serve`'s patch of a brief): the
    /// pages `rendered` read what they read now, and what they read gets its fingerprint in
    /// `site`. [`Input::Everything`] is not computed (it costs as much as all the others):
    /// it becomes unknown, so the pages reading it are stale at the next question.
    pub fn refresh(&mut self, site: &Site, views: &Views, rendered: Vec<(String, Vec<Input>)>) {
        let read = self.keep_pages(rendered);
        let everything = self.ids.get(&Input::Everything).copied();
        let read: Vec<Id> = read
            .into_iter()
            .filter(|id| Some(*id) != everything)
            .collect();
        self.set_prints(site, views, &read);
        if let Some(id) = everything {
            self.prints.0[id as usize] = None;
        }
    }

    /// Number the inputs of `rendered` and keep each page's; the numbers they read.
    fn keep_pages(&mut self, rendered: Vec<(String, Vec<Input>)>) -> HashSet<Id> {
        let mut read = HashSet::new();
        for (path, inputs) in rendered {
            let ids: Vec<Id> = inputs.into_iter().map(|i| self.id(i)).collect();
            read.extend(ids.iter().copied());
            self.pages.insert(path, ids);
        }
        read
    }

    fn id(&mut self, input: Input) -> Id {
        if let Some(id) = self.ids.get(&input) {
            return *id;
        }
        let id = self.inputs.len() as Id;
        if matches!(input, Input::Query(..)) {
            self.queries.push(id);
        }
        self.inputs.push(input.clone());
        self.prints.0.push(None);
        self.ids.insert(input, id);
        id
    }

    fn set_prints(&mut self, site: &Site, views: &Views, ids: &[Id]) {
        for (id, print) in self.fingerprints(site, views, ids) {
            self.prints.0[id as usize] = Some(print);
        }
    }

    /// The fingerprints of `ids` in `site`, computed in parallel; [`Input::Everything`]
    /// last, from the others where they are among `ids`.
    fn fingerprints(&self, site: &Site, views: &Views, ids: &[Id]) -> Vec<(Id, u64)> {
        let index = SourceIndex::of(site);
        let everything = self.ids.get(&Input::Everything).copied();
        let mut prints: Vec<(Id, u64)> = ids
            .par_iter()
            .filter(|id| Some(**id) != everything)
            .map(|&id| {
                let input = &self.inputs[id as usize];
                (id, unrecorded(|| fingerprint(site, views, &index, input)))
            })
            .collect();
        if let Some(everything) = everything.filter(|id| ids.contains(id)) {
            let mut by_id: Vec<Option<u64>> = vec![None; self.inputs.len()];
            for (id, print) in &prints {
                by_id[*id as usize] = Some(*print);
            }
            let known = |input: &Input| by_id[*self.ids.get(input)? as usize];
            let print = unrecorded(|| everything_print(site, views, &index, &known));
            prints.push((everything, print));
        }
        prints
    }
}

/// Where each brief is in the site's order, by source file.
/// Made when a brief is first looked up: a rebuild that asks about a few inputs rarely needs
/// it, and it costs a hash of every brief's source.
struct SourceIndex<'a> {
    site: &'a Site,
    index: std::sync::OnceLock<HashMap<&'a str, &'a Brief, FixedState>>,
}

impl<'a> SourceIndex<'a> {
    fn of(site: &'a Site) -> Self {
        SourceIndex {
            site,
            index: std::sync::OnceLock::new(),
        }
    }

    fn get(&self, source: &str) -> Option<&'a Brief> {
        let site = self.site;
        self.index
            .get_or_init(|| site.briefs.iter().map(|b| (b.source.as_str(), b)).collect())
            .get(source)
            .copied()
    }
}

/// What a page saw of `input`, hashed; an input the site no longer has hashes as a fixed
/// value that no present one is likely to share.
fn fingerprint(site: &Site, v: &Views, index: &SourceIndex, input: &Input) -> u64 {
    const GONE: u64 = 0x6f6e_6567_0000_0001;
    let hashed = match input {
        Input::Site => Some(hash_of(v.site_view())),
        Input::Brief(source) => index.get(source).map(|b| brief_print(site, b)),
        Input::BriefListed(source) => index.get(source).map(|b| hash_of(&v.brief_summary(b))),
        Input::PartyLink(id) => site.parties.get(id).map(|p| {
            hash_of(&(
                v.party_ref(id),
                &p.aliases,
                &p.url,
                &p.kind,
                super::json_ld::party(p, &site.urls),
            ))
        }),
        Input::Party(id) => site.parties.get(id).map(|p| hash_of(&v.party(p))),
        Input::TopicLink(id) => site
            .topics
            .get(id)
            .map(|t| hash_of(&(v.topic_ref(id), &t.name))),
        Input::Topic(id) => site.topics.get(id).map(|t| hash_of(&v.topic(t))),
        Input::PersonLink(slug) => v.person_ref(slug).map(|p| hash_of(&p)),
        Input::Person(slug) => site.people.get(slug).map(|p| hash_of(&v.person_page(p))),
        Input::Commitment(id) => site.commitments.get(id).map(|c| hash_of(&v.commitment(c))),
        Input::Timeline(id) => site
            .commitments
            .get(id)
            .map(|c| hash_of(&super::pages::timeline(v, c))),
        Input::ListPage(list, n) => list_page_print(site, list, *n),
        Input::Newest(list, n) => newest_print(site, list, *n),
        Input::Ids(Registry::Parties) => Some(hash_of(&site.parties.keys().collect::<Vec<_>>())),
        Input::Ids(Registry::Topics) => Some(hash_of(&site.topics.keys().collect::<Vec<_>>())),
        Input::Ids(Registry::People) => Some(hash_of(&site.people.keys().collect::<Vec<_>>())),
        Input::Recent(list, n) => {
            let list = ListOf::of_briefs_list(list);
            let ids: Vec<&str> = v.prepared.tracker(site).ids(&list).take(*n).collect();
            Some(hash_of(&ids))
        }
        Input::Query(name, args) => Some(hash_of(&super::queries::replay(v, name, args))),
        Input::Everything => Some(everything_print(site, v, index, &|_| None)),
    };
    hashed.unwrap_or(GONE)
}

/// The briefs of a list, by index, newest first.
fn list_briefs<'a>(site: &'a Site, list: &List) -> Option<std::borrow::Cow<'a, [usize]>> {
    Some(match list {
        List::Index => (0..site.briefs.len()).collect::<Vec<_>>().into(),
        List::Party(id) => site.parties.get(id)?.briefs.as_slice().into(),
        List::Topic(id) => site.topics.get(id)?.briefs.as_slice().into(),
        List::Person(slug) => site.people.get(slug)?.briefs.as_slice().into(),
    })
}

/// The first `n` briefs of a list, by source.
fn newest_print(site: &Site, list: &List, n: usize) -> Option<u64> {
    let first: Vec<&str> = match list {
        List::Index => site
            .briefs
            .iter()
            .take(n)
            .map(|b| b.source.as_str())
            .collect(),
        _ => list_briefs(site, list)?
            .iter()
            .take(n)
            .map(|&i| site.briefs[i].source.as_str())
            .collect(),
    };
    Some(hash_of(&first))
}

/// The briefs on page `n` of a list, by source, and how many pages it has.
fn list_page_print(site: &Site, list: &List, n: usize) -> Option<u64> {
    let all = list_briefs(site, list)?;
    let per_page = site.config.options.per_page.max(1);
    let on_page: Vec<&str> = all
        .iter()
        .skip((n.max(1) - 1) * per_page)
        .take(per_page)
        .map(|&i| site.briefs[i].source.as_str())
        .collect();
    Some(hash_of(&(on_page, all.len().div_ceil(per_page).max(1))))
}

/// Everything a brief is in the site, with its related briefs named by source.
fn brief_print(site: &Site, b: &Brief) -> u64 {
    #[derive(Serialize)]
    struct Facts<'a> {
        source: &'a str,
        slug: &'a str,
        title: &'a str,
        date: String,
        time: Option<String>,
        updated: Option<String>,
        summary: &'a Option<String>,
        event: &'a Option<String>,
        location: &'a Option<String>,
        parties: &'a [String],
        people: &'a [crate::model::PersonMention],
        topics: &'a [String],
        commitments: &'a [crate::model::Mention],
        sources: &'a [crate::model::Source],
        draft: bool,
        aliases: &'a [String],
        body: u64,
        extra: &'a crate::content::raw::Extra,
        related: Vec<&'a str>,
    }
    let mut body = stable_hasher();
    match b.body.source() {
        Ok(text) => text.hash(&mut body),
        Err(e) => e.hash(&mut body),
    }
    hash_of(&Facts {
        source: &b.source,
        slug: &b.slug,
        title: &b.title,
        date: b.date.to_string(),
        time: b.time.map(|t| t.display()),
        updated: b.updated.map(|d| d.to_string()),
        summary: &b.summary,
        event: &b.event,
        location: &b.location,
        parties: &b.parties,
        people: &b.people,
        topics: &b.topics,
        commitments: &b.commitments,
        sources: &b.sources,
        draft: b.draft,
        aliases: &b.aliases,
        body: body.finish(),
        extra: &b.extra,
        related: b
            .related
            .iter()
            .map(|&i| site.briefs[i].source.as_str())
            .collect(),
    })
}

/// One hash of all the content: every brief, party, topic, person and commitment as their
/// own pages see them, and the order of the briefs. Prints already in `known` are reused.
fn everything_print(
    site: &Site,
    v: &Views,
    index: &SourceIndex,
    known: &(dyn Fn(&Input) -> Option<u64> + Sync),
) -> u64 {
    let print = |input: Input| match known(&input) {
        Some(print) => print,
        None => fingerprint(site, v, index, &input),
    };
    let mut inputs: Vec<Input> = site
        .briefs
        .iter()
        .map(|b| Input::Brief(b.source.clone()))
        .collect();
    for id in site.commitments.keys() {
        inputs.push(Input::Commitment(id.clone()));
        inputs.push(Input::Timeline(id.clone()));
    }
    for id in site.parties.keys() {
        inputs.push(Input::Party(id.clone()));
        inputs.push(Input::PartyLink(id.clone()));
    }
    inputs.extend(site.topics.keys().map(|id| Input::Topic(id.clone())));
    inputs.extend(site.people.keys().map(|id| Input::Person(id.clone())));
    inputs.push(Input::Site);
    let prints: Vec<u64> = inputs.into_par_iter().map(print).collect();
    hash_of(&prints)
}

/// A fast hasher with a fixed seed: the same input hashes the same in every run of one
/// build of Accord (a persisted fingerprint is only compared within one version).
fn stable_hasher() -> foldhash::fast::FoldHasher<'static> {
    use std::hash::BuildHasher;
    static STATE: foldhash::fast::FixedState =
        foldhash::fast::FixedState::with_seed(0x6163_636f_7264);
    STATE.build_hasher()
}

/// A stable hash of a value's JSON.
fn hash_of(value: &impl Serialize) -> u64 {
    struct Feed<'a>(&'a mut foldhash::fast::FoldHasher<'static>);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = stable_hasher();
    if let Err(e) = serde_json::to_writer(Feed(&mut hasher), value) {
        // Views are plain data and serialize; should one fail, it hashes its error, which
        // still changes when the value does not serialize the same way.
        e.to_string().hash(&mut hasher);
    }
    hasher.finish()
}
