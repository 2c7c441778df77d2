//! The tracker's data for its script (`accord-tracker.js`), under `commitments/data/`, in
//! parts, so that filtering and sorting work over every commitment without downloading them
//! all, and no file grows with the site:
//!
//! - `meta.json`: the status vocabulary, the parties and topics with commitments (names), the
//!   build date, the word buckets, and each list's length and number of shards;
//! - `<list>/<n>.json` (`n` from 1): shards of [`SHARD`] records of each list of
//!   [`ListOf`] in its order, most recently changed first (`all`, `status/<id>`, `overdue`,
//!   `party/<id>`, `topic/<id>`), and of all commitments sorted by another key
//!   (`sort/due`, only those with a due date; `sort/first`; `sort/mentions`, most first;
//!   `sort/text`);
//! - `words/<n>.json`: the words of the commitments' texts in bucket `n` of [`word_bucket`]
//!   (by their first two letters, so a prefix finds its words), each with the places in `all`
//!   of the commitments using it.
//!
//! A record is an array: `[place in all, id, text, by (party ids), topic or null, status,
//! first seen, last seen, due or null, number of briefs]`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::pages::{Page, PageKind};
use super::tracker::{ListOf, TrackerIndex, list_names, lists};
use crate::model::{Commitment, Site};
use crate::urls::site_path;

/// Records in a shard: about 75 KB of JSON, 15 KB gzipped.
pub const SHARD: usize = 500;

/// A file of the tracker's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFile {
    Meta,
    /// Shard `n` (from 1) of a list.
    Shard(DataList, usize),
    Words(usize),
}

/// A list of the data: one of the tracker's lists, or all commitments sorted by a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataList {
    List(ListOf),
    Sorted(SortKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Due,
    First,
    Mentions,
    Text,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Due,
        SortKey::First,
        SortKey::Mentions,
        SortKey::Text,
    ];

    fn name(self) -> &'static str {
        match self {
            SortKey::Due => "due",
            SortKey::First => "first",
            SortKey::Mentions => "mentions",
            SortKey::Text => "text",
        }
    }
}

impl DataList {
    pub fn key(&self) -> String {
        match self {
            DataList::List(list) => list.key(),
            DataList::Sorted(key) => format!("sort/{}", key.name()),
        }
    }
}

impl DataFile {
    pub fn path(&self) -> String {
        let dir = site_path::TRACKER_DATA;
        match self {
            DataFile::Meta => format!("{dir}meta.json"),
            DataFile::Shard(list, n) => format!("{dir}{}/{n}.json", list.key()),
            DataFile::Words(n) => format!("{dir}words/{n}.json"),
        }
    }
}

/// How many word buckets a site's commitments get: about a thousand commitments' words a
/// bucket, at most 512 buckets.
pub fn word_buckets(commitments: usize) -> usize {
    (commitments / 1000).clamp(1, 512)
}

/// The bucket of a word: FNV-1a over the code points of its first two characters (the
/// script computes the same).
pub fn word_bucket(word: &str, buckets: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for ch in word.chars().take(2) {
        hash ^= u32::from(ch);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % buckets.max(1)
}

/// The words of a text as the script splits a query: lowercase runs of alphabetic characters
/// and digits (`\p{Alphabetic}\p{N}` there), of two characters or more.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(str::to_lowercase)
}

/// The lists of the data with their lengths: the tracker's lists (each `len` long), and all
/// commitments by each key (those with a due date, for `Due`).
fn data_lists(site: &Site, len: impl Fn(&ListOf) -> usize) -> Vec<(DataList, usize)> {
    let with_due = site
        .commitments
        .values()
        .filter(|c| c.due.is_some())
        .count();
    let total = site.commitments.len();
    list_names(site)
        .into_iter()
        .map(|list| {
            let n = len(&list);
            (DataList::List(list), n)
        })
        .chain(SortKey::ALL.map(|key| {
            let n = if key == SortKey::Due { with_due } else { total };
            (DataList::Sorted(key), n)
        }))
        .collect()
}

/// Every file of the data, as pages made in Rust.
pub fn pages(site: &Site) -> Vec<Page> {
    let page = |file: DataFile| Page {
        path: file.path(),
        template: String::new(),
        origin: "the commitment tracker's data".into(),
        kind: PageKind::TrackerData(file),
    };
    let mut out = vec![page(DataFile::Meta)];
    let lengths: HashMap<ListOf, usize> = lists(site).into_iter().collect();
    for (list, len) in data_lists(site, |l| lengths.get(l).copied().unwrap_or(0)) {
        out.extend((1..=len.div_ceil(SHARD)).map(|n| page(DataFile::Shard(list.clone(), n))));
    }
    out.extend((0..word_buckets(site.commitments.len())).map(|n| page(DataFile::Words(n))));
    out
}

/// The data files showing a replayed commitment (see
/// [`super::tracker::paths_showing_replayed`]): the meta (its counts), the shard holding it on
/// each `stable` list and on each sorted list whose key did not change, and every shard of the
/// `shifted` lists (and of `sort/due` if its due date changed).
pub fn paths_showing_replayed(
    site: &Site,
    index: &TrackerIndex,
    sorted: &Sorted,
    c: &Commitment,
    before: &Commitment,
    stable: &[ListOf],
    shifted: &[ListOf],
) -> Vec<String> {
    let shard = |list: DataList, place: usize| DataFile::Shard(list, place / SHARD + 1).path();
    let mut paths = vec![DataFile::Meta.path()];
    for list in stable {
        if let Some(place) = index.place(list, &c.id) {
            paths.push(shard(DataList::List(list.clone()), place));
        }
    }
    let Some(place) = index.at(&c.id) else {
        return paths;
    };
    for list in shifted {
        let from = index.slot(list, place) / SHARD + 1;
        let len = index.members.get(list).map_or(0, Vec::len) + 1;
        let data = DataList::List(list.clone());
        paths.extend((from..=len.div_ceil(SHARD)).map(|n| DataFile::Shard(data.clone(), n).path()));
    }
    for key in SortKey::ALL {
        let data = DataList::Sorted(key);
        if key == SortKey::Due && c.due != before.due {
            let len = site
                .commitments
                .values()
                .filter(|c| c.due.is_some())
                .count()
                + 1;
            paths
                .extend((1..=len.div_ceil(SHARD)).map(|n| DataFile::Shard(data.clone(), n).path()));
        } else if let Some(at) = sorted.by(site, index, key).iter().position(|&p| p == place) {
            paths.push(shard(data, at));
        }
    }
    paths
}

/// The text of a data file.
pub fn render(site: &Site, index: &TrackerIndex, sorted: &Sorted, file: &DataFile) -> String {
    let value = match file {
        DataFile::Meta => meta(site, index),
        DataFile::Shard(list, n) => {
            let places: &[usize] = match list {
                DataList::List(list) => index.members.get(list).map_or(&[], Vec::as_slice),
                DataList::Sorted(key) => sorted.by(site, index, *key),
            };
            let start = n.saturating_sub(1) * SHARD;
            let records: Vec<Record> = places
                .iter()
                .skip(start)
                .take(SHARD)
                .filter_map(|&at| Some(record(at, site.commitments.get(&index.order[at])?)))
                .collect();
            return serde_json::to_string(&records).unwrap_or_default();
        }
        DataFile::Words(n) => match sorted.words(site, index).get(*n) {
            Some(bucket) => json!(bucket),
            None => json!({}),
        },
    };
    value.to_string()
}

/// A record of a shard, serialized as a JSON array (see the module's documentation).
type Record<'a> = (
    usize,
    &'a str,
    &'a str,
    &'a [String],
    Option<&'a str>,
    &'a str,
    Option<String>,
    Option<String>,
    Option<String>,
    usize,
);

fn record(at: usize, c: &Commitment) -> Record<'_> {
    (
        at,
        &c.id,
        &c.text,
        &c.by,
        c.topic.as_deref(),
        &c.status,
        c.first_seen().map(|d| d.to_string()),
        c.last_seen().map(|d| d.to_string()),
        c.due.map(|d| d.to_string()),
        c.timeline.len(),
    )
}

fn meta(site: &Site, index: &TrackerIndex) -> Value {
    // The lists' lengths from the tracker's index, which `serve` keeps between rebuilds.
    let lists: BTreeMap<String, Value> =
        data_lists(site, |l| index.members.get(l).map_or(0, Vec::len))
            .into_iter()
            .map(|(list, len)| {
                (
                    list.key(),
                    json!({ "count": len, "shards": len.div_ceil(SHARD) }),
                )
            })
            .collect();
    let parties: BTreeMap<&str, Value> = site
        .parties
        .values()
        .filter(|p| !p.commitments.is_empty())
        .map(|p| (p.id.as_str(), json!({ "name": p.name, "short": p.short })))
        .collect();
    let topics: BTreeMap<&str, Value> = site
        .topics
        .values()
        .filter(|t| !t.commitments.is_empty())
        .map(|t| (t.id.as_str(), json!({ "name": t.name })))
        .collect();
    let statuses: Vec<Value> = site
        .config
        .statuses
        .iter()
        .map(|s| json!({ "id": s.id, "label": s.label, "closes": s.closes }))
        .collect();
    json!({
        "version": 1,
        "as_of": site.today.to_string(),
        "date_format": site.config.options.date_format,
        "shard": SHARD,
        "word_buckets": word_buckets(site.commitments.len()),
        "site_base": site.urls.path(""),
        "commitment_base": site.urls.path(site_path::COMMITMENTS),
        "statuses": statuses,
        "parties": parties,
        "topics": topics,
        "lists": lists,
    })
}

/// The orders by other keys and the word index, made on first use (most renders of `serve`
/// need neither) and kept between patches by [`super::memo::Memo`].
#[derive(Default)]
pub struct Sorted {
    by_key: [OnceLock<Vec<usize>>; 4],
    words: OnceLock<Vec<BTreeMap<String, Vec<usize>>>>,
}

impl Sorted {
    pub fn by(&self, site: &Site, index: &TrackerIndex, key: SortKey) -> &[usize] {
        let slot = SortKey::ALL.iter().position(|k| *k == key).unwrap_or(0);
        self.by_key[slot].get_or_init(|| sort_by(site, index, key))
    }

    fn words(&self, site: &Site, index: &TrackerIndex) -> &Vec<BTreeMap<String, Vec<usize>>> {
        self.words.get_or_init(|| {
            let buckets = word_buckets(index.order.len());
            let mut out: Vec<BTreeMap<String, Vec<usize>>> = vec![BTreeMap::new(); buckets];
            for (at, id) in index.order.iter().enumerate() {
                let Some(c) = site.commitments.get(id) else {
                    continue;
                };
                let mut seen: HashMap<String, ()> = HashMap::new();
                for word in words(&c.text) {
                    if seen.insert(word.clone(), ()).is_none() {
                        let bucket = word_bucket(&word, buckets);
                        out[bucket].entry(word).or_default().push(at);
                    }
                }
            }
            out
        })
    }
}

/// All commitments (those with a due date, for `Due`) by `key`, ties in the tracker's order.
/// Each key is read once, not in every comparison.
fn sort_by(site: &Site, index: &TrackerIndex, key: SortKey) -> Vec<usize> {
    let commitments: Vec<Option<&Commitment>> = index
        .order
        .iter()
        .map(|id| site.commitments.get(id))
        .collect();
    let places = commitments.iter().enumerate();
    match key {
        SortKey::Due => sorted(places.filter_map(|(at, c)| Some(((*c)?.due?, at)))),
        SortKey::First => sorted(places.map(|(at, c)| (c.and_then(|c| c.first_seen()), at))),
        SortKey::Mentions => {
            sorted(places.map(|(at, c)| (std::cmp::Reverse(c.map_or(0, |c| c.timeline.len())), at)))
        }
        SortKey::Text => sorted(places.map(|(at, c)| (c.map(|c| c.text.to_lowercase()), at))),
    }
}

/// The places of `keyed` (key, place) in the order of their keys, then places.
fn sorted<K: Ord>(keyed: impl Iterator<Item = (K, usize)>) -> Vec<usize> {
    let mut keyed: Vec<(K, usize)> = keyed.collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, at)| at).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_runs_of_two_letters_or_more() {
        let found: Vec<String> =
            words("Hold joint-drills in 2026, a de-escalation; Ünity").collect();
        assert_eq!(
            found,
            [
                "hold",
                "joint",
                "drills",
                "in",
                "2026",
                "de",
                "escalation",
                "ünity"
            ]
        );
    }

    #[test]
    fn a_word_and_its_prefix_share_a_bucket() {
        for n in [1, 7, 25, 512] {
            assert_eq!(word_bucket("drills", n), word_bucket("dr", n));
            assert!(word_bucket("drills", n) < n);
        }
        // FNV-1a of "dr" as code points, as the script computes it.
        assert_eq!(word_bucket("dr", usize::MAX), 0x471c_ad93);
    }
}
