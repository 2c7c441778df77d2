//! Full-text search: the brief pages are indexed in process with Pagefind's Rust API, and its
//! bundle (the index, `pagefind.js` and its WebAssembly) is written under `pagefind/`. The
//! search page's script loads it from there, so search works under a sub-path, with no server
//! and no external request.
//!
//! Each brief is indexed as a record made from the model (its text, title, date, and filters by
//! party, topic and the current status of its commitments), not by parsing its page.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{Brief, Markdown, Refs, Site};
use crate::urls::site_path;

/// Where the bundle goes in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// A file of the search bundle: path in the output, bytes.
pub type BundleFile = (String, Vec<u8>);

/// One brief as the index sees it: its text, title and date, and what it can be filtered by.
pub struct Record {
    /// Relative to the site root (`/briefs/kl/`): the search script gives Pagefind the base path.
    pub url: String,
    pub text: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

/// The most briefs in a shard unless `search_shard_size` says otherwise. Pagefind indexes one
/// record at a time on one thread and holds a shard's whole index until it is written (about
/// 100 KB a brief), and its cost per record grows with the size of the index: shards are what
/// lets the index use every core and keeps its time linear and its memory bounded. Each one
/// costs the search page a few requests per query.
pub const MAX_SHARD_SIZE: usize = 1000;

/// The fewest briefs in a shard unless `search_shard_size` says otherwise: smaller shards
/// cost more requests per query than they save in memory.
pub const MIN_SHARD_SIZE: usize = 250;

/// Briefs per shard: `search_shard_size`, or [`MIN_SHARD_SIZE`] up to 4,000 briefs, twice
/// that up to 8,000 and [`MAX_SHARD_SIZE`] from there. A small site thus gets shards small
/// enough to be indexed one at a time (see [`indexing_threads`]): at 1,000 briefs, one shard
/// of 1,000 took 175 MB at the peak of the build, four of 250 one after another 105 MB, in
/// 10 % more time. The size moves in two steps rather than with every brief, so that a brief
/// added changes one shard (see [`shard_range`]) except when the site crosses a step.
pub fn shard_size(configured: Option<usize>, briefs: usize) -> usize {
    let size = match briefs {
        ..4_000 => MIN_SHARD_SIZE,
        4_000..8_000 => 2 * MIN_SHARD_SIZE,
        _ => MAX_SHARD_SIZE,
    };
    configured.unwrap_or(size).max(1)
}

/// How many shards are indexed at once: one per four shards (at least one), at most one per
/// core. From four shards on, no more than a quarter of a site's briefs are then in
/// Pagefind's memory at a time; with fewer than eight shards the other cores render the pages
/// meanwhile.
fn indexing_threads(shards: usize, cores: usize) -> usize {
    (shards / 4).clamp(1, cores.max(1))
}

/// Lists the shards after the first (`["shard-1/", ...]`), for the search page's script.
pub const SHARDS_FILE: &str = "accord-shards.json";

/// The filter every record has, naming its shard (`0`, `1`, ...).
const SHARD_FILTER: &str = "shard";

/// Index the site's briefs and hand each file of the bundle to `put` (from the indexing
/// threads) as soon as its shard is done: a build writes it to disk there, so the bundle (a
/// third of a GB at 100,000 briefs) is never all in memory. Blocks: call it outside any async
/// context. It borrows the site, so it can run on a thread of its own while the site renders
/// (see `std::thread::scope`); each shard's records are made just before it is indexed, so
/// they are never all in memory. Setting `stop` ends it early (with an error) when the build
/// has failed anyway.
///
/// The briefs are cut into shards of [`shard_size`] from the oldest on (see [`shard_range`]),
/// so the last shard holds the newest. Shard 0 is a whole Pagefind bundle under `pagefind/`; each other shard
/// keeps only its index under `pagefind/shard-N/`, which the search page merges with
/// `mergeIndex` (it shares the first shard's WebAssembly). Shards are indexed by
/// [`indexing_threads`], but their number and content depend only on the briefs and the
/// config: the output is the same on any machine.
pub fn index_site(site: &Site, stop: &AtomicBool, put: &Put<'_>) -> Result<(), Diagnostic> {
    let briefs = site.briefs.len();
    let size = shard_size(site.config.options.search_shard_size, briefs);
    let refs = Refs::of_site(site);
    index_shards(
        shard_count(briefs, size),
        &site.config.language,
        stop,
        |shard| {
            site.briefs[shard_range(shard, size, briefs)]
                .iter()
                .map(|b| record(site, &refs, b))
                .collect()
        },
        put,
    )
}

/// Where the files of the bundle go, one at a time (see [`index_site`]).
pub type Put<'a> = dyn Fn(BundleFile) -> Result<(), Diagnostic> + Sync + 'a;

/// How many shards `len` briefs make, `size` a shard: at least one, so the search page always
/// finds a bundle.
fn shard_count(len: usize, size: usize) -> usize {
    len.div_ceil(size.max(1)).max(1)
}

/// The briefs of shard `shard`, by index in the site's order (newest first). Shards are cut
/// from the oldest brief on, so a new brief changes only the last shard, and an edit only
/// the shard of the brief edited: the others' files stay the same.
fn shard_range(shard: usize, size: usize, len: usize) -> std::ops::Range<usize> {
    let size = size.max(1);
    let oldest = shard.saturating_mul(size).min(len);
    let newest = oldest.saturating_add(size).min(len);
    len - newest..len - oldest
}

/// As [`index_site`], for records made beforehand (`serve` indexes in the background, after
/// the site it made them from has moved on).
pub fn index_records(
    records: Vec<Record>,
    language: &str,
    shard_size: usize,
) -> Result<Vec<BundleFile>, Diagnostic> {
    let shards: Vec<std::sync::Mutex<Vec<Record>>> = into_shards(records, shard_size)
        .into_iter()
        .map(std::sync::Mutex::new)
        .collect();
    let never = AtomicBool::new(false);
    let files = std::sync::Mutex::new(Vec::new());
    let keep = |file: BundleFile| {
        match files.lock() {
            Ok(mut files) => files.push(file),
            Err(poisoned) => poisoned.into_inner().push(file),
        }
        Ok(())
    };
    index_shards(
        shards.len(),
        language,
        &never,
        |shard| {
            Ok(match shards[shard].lock() {
                Ok(mut records) => std::mem::take(&mut *records),
                Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
            })
        },
        &keep,
    )?;
    let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Index shards `0..count`, whose records `shard` makes, on [`indexing_threads`], and hand
/// every shard's files and the list of shards to `put`. The first shard's error, if any.
fn index_shards(
    count: usize,
    language: &str,
    stop: &AtomicBool,
    shard: impl Fn(usize) -> Result<Vec<Record>, Diagnostic> + Sync,
    put: &Put<'_>,
) -> Result<(), Diagnostic> {
    let next = AtomicUsize::new(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = indexing_threads(count, cores);
    let mut failures: Vec<(usize, Diagnostic)> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| index_queued_shards(&next, count, stop, &shard, language, put)))
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(failed) => failures.extend(failed),
                Err(_) => failures.push((0, failed("an indexing thread panicked".into()))),
            }
        }
    });
    if let Some((_, first)) = failures.into_iter().min_by_key(|(shard, _)| *shard) {
        return Err(first);
    }
    put((format!("{BUNDLE_DIR}/{SHARDS_FILE}"), shards_file(count)))
}

/// `records` (newest first, as the site's briefs) cut as [`index_site`] cuts the briefs.
fn into_shards(records: Vec<Record>, size: usize) -> Vec<Vec<Record>> {
    let len = records.len();
    let mut oldest_first = records.into_iter().rev();
    (0..shard_count(len, size))
        .map(|shard| {
            let mut part: Vec<Record> = oldest_first
                .by_ref()
                .take(shard_range(shard, size, len).len())
                .collect();
            part.reverse();
            part
        })
        .collect()
}

/// One indexing thread: take the next shard until there are none; the shards that failed.
fn index_queued_shards(
    next: &AtomicUsize,
    count: usize,
    stop: &AtomicBool,
    shard_records: &(impl Fn(usize) -> Result<Vec<Record>, Diagnostic> + Sync),
    language: &str,
    put: &Put<'_>,
) -> Vec<(usize, Diagnostic)> {
    let mut failed_shards = Vec::new();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            failed_shards.push((0, failed(e.to_string())));
            return failed_shards;
        }
    };
    loop {
        let shard = next.fetch_add(1, Ordering::Relaxed);
        if shard >= count {
            return failed_shards;
        }
        if stop.load(Ordering::Relaxed) {
            failed_shards.push((shard, failed("stopped: the build failed".into())));
            return failed_shards;
        }
        let mut records = match shard_records(shard) {
            Ok(records) => records,
            Err(e) => {
                failed_shards.push((shard, e));
                continue;
            }
        };
        for r in &mut records {
            // Hidden from the search page's menus: it lists a filter's briefs newest first by
            // asking the shards one after another (see accord-search.js).
            r.filters
                .insert(SHARD_FILTER.into(), vec![shard.to_string()]);
        }
        let stored = runtime
            .block_on(index_shard(records, language))
            .and_then(|files| shard_files(shard, files).into_iter().try_for_each(put));
        if let Err(e) = stored {
            failed_shards.push((shard, e));
        }
    }
}

/// Where a shard's files go: the first shard is the whole bundle, the others keep their index.
fn shard_files(shard: usize, files: Vec<BundleFile>) -> Vec<BundleFile> {
    if shard == 0 {
        return files
            .into_iter()
            .map(|(rel, bytes)| (format!("{BUNDLE_DIR}/{rel}"), bytes))
            .collect();
    }
    files
        .into_iter()
        .filter(|(rel, _)| is_index_file(rel))
        .map(|(rel, bytes)| (format!("{BUNDLE_DIR}/shard-{shard}/{rel}"), bytes))
        .collect()
}

/// A file of a shard's index, as against the scripts, styles and WebAssembly every bundle has.
fn is_index_file(rel: &str) -> bool {
    rel == "pagefind-entry.json"
        || rel.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|dir| rel.starts_with(dir))
}

fn shards_file(count: usize) -> Vec<u8> {
    let others: Vec<String> = (1..count).map(|i| format!("\"shard-{i}/\"")).collect();
    format!("{{\"shards\":[{}]}}\n", others.join(",")).into_bytes()
}

/// The records of every brief, newest first as in the site, made from the model rather than
/// the rendered pages: Pagefind then skips parsing whole pages (navigation, footers) and
/// indexes only what a brief says.
///
/// They come unfinished (see [`Unfinished`]): [`UnfinishedRecords::finish`] adds the bodies'
/// text.
pub fn records(site: &Site) -> UnfinishedRecords {
    UnfinishedRecords {
        records: site
            .briefs
            .par_iter()
            .map(|b| unfinished(site, b))
            .collect(),
        refs: Refs::of_site(site),
    }
}

/// Every brief's record but for its body's text. At 10,000 briefs extracting the bodies' text
/// takes 0.2-0.3 s, the rest 25-40 ms: `serve` makes these on its watch thread and finishes
/// them on its indexing thread, so that the next rebuild need not wait.
pub struct UnfinishedRecords {
    records: Vec<Unfinished>,
    /// What the bodies' `[[...]]` references resolve to.
    refs: Refs,
}

impl UnfinishedRecords {
    /// The records, each with its body's text.
    pub fn finish(self) -> Result<Vec<Record>, Diagnostic> {
        let refs = &self.refs;
        self.records
            .into_par_iter()
            .map(|r| r.finish(refs))
            .collect()
    }
}

/// A brief's record whose text does not yet have the body's (see [`Unfinished::finish`]).
struct Unfinished {
    /// Its text is what comes before the body: title, summary, event, place, people.
    record: Record,
    body: Markdown,
    /// The text after the body: the commitments' texts.
    after_body: String,
    /// The brief's file, for an error.
    source: String,
}

impl Unfinished {
    fn finish(self, refs: &Refs) -> Result<Record, Diagnostic> {
        let body = refs
            .plain_text(&self.body)
            .map_err(|e| Diagnostic::general(format!("{}: {e}", self.source)))?;
        let mut record = self.record;
        let mut text =
            String::with_capacity(record.text.len() + body.len() + self.after_body.len() + 1);
        text.push_str(&record.text);
        text.push_str(&body);
        text.push('\n');
        text.push_str(&self.after_body);
        record.text = text;
        Ok(record)
    }
}

fn record(site: &Site, refs: &Refs, b: &Brief) -> Result<Record, Diagnostic> {
    unfinished(site, b).finish(refs)
}

fn unfinished(site: &Site, b: &Brief) -> Unfinished {
    let mut text = String::with_capacity(512);
    for part in [
        Some(&b.title),
        b.summary.as_ref(),
        b.event.as_ref(),
        b.location.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        text.push_str(part);
        text.push_str(".\n");
    }
    for person in &b.people {
        text.push_str(&person.name);
        text.push_str(".\n");
    }
    let mut after_body = String::new();
    let mut statuses = Vec::new();
    for m in &b.commitments {
        if let Some(c) = site.commitments.get(&m.id) {
            after_body.push_str(&c.text);
            after_body.push('\n');
            let label = site
                .config
                .status(&c.status)
                .map_or(c.status.as_str(), |s| &s.label);
            if !statuses.iter().any(|s: &String| s == label) {
                statuses.push(label.to_string());
            }
        }
    }
    let names = |ids: &[String], name: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
        ids.iter().filter_map(|id| name(id)).collect()
    };
    let filters = BTreeMap::from([
        (
            "party".to_string(),
            names(&b.parties, &|id| {
                site.parties.get(id).map(|p| p.name.clone())
            }),
        ),
        (
            "topic".to_string(),
            names(&b.topics, &|id| site.topics.get(id).map(|t| t.name.clone())),
        ),
        ("status".to_string(), statuses),
    ]);
    let record = Record {
        url: format!("/{}", site_path::brief(&b.slug)),
        text,
        meta: BTreeMap::from([
            ("title".to_string(), b.title.clone()),
            (
                "date".to_string(),
                format_date(b.date, &site.config.options.date_format),
            ),
        ]),
        filters,
        sort: BTreeMap::from([("date".to_string(), b.moment().sort_key())]),
    };
    Unfinished {
        record,
        body: b.body.clone(),
        after_body,
        source: b.source.clone(),
    }
}

fn format_date(date: jiff::civil::Date, format: &str) -> String {
    crate::render::theme::format_date(&date.to_string(), format)
        .unwrap_or_else(|_| date.to_string())
}

/// Index one shard's `records` in `language`; paths are relative to the shard's directory.
async fn index_shard(records: Vec<Record>, language: &str) -> Result<Vec<BundleFile>, Diagnostic> {
    let language = primary_language(language);
    let config = PagefindServiceConfig::builder()
        .force_language(language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(|e| failed(e.to_string()))?;
    for r in records {
        index
            .add_custom_record(
                r.url.clone(),
                r.text,
                language.clone(),
                Some(r.meta),
                Some(r.filters),
                Some(r.sort),
            )
            .await
            .map_err(|e| failed(format!("{}: {e}", r.url)))?;
    }
    let files = index.get_files().await.map_err(|e| failed(e.to_string()))?;
    Ok(files
        .into_iter()
        .map(|f| {
            let rel = f.filename.to_string_lossy().replace('\\', "/");
            (rel.trim_start_matches('/').to_string(), f.contents)
        })
        .collect())
}

/// Pagefind wants an ISO 639-1 code: `en` of `en-GB`.
fn primary_language(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or("en")
        .to_lowercase()
}

fn failed(message: String) -> Diagnostic {
    Diagnostic::general(format!("the search index could not be built: {message}"))
        .with_help("this is a bug in Accord or Pagefind; please report it with the site")
}

#[cfg(test)]
mod tests {
    fn record(url: &str) -> super::Record {
        super::Record {
            url: url.into(),
            text: String::new(),
            meta: Default::default(),
            filters: Default::default(),
            sort: Default::default(),
        }
    }

    #[test]
    fn records_are_cut_into_shards_in_order() {
        let urls = |shards: Vec<Vec<super::Record>>| -> Vec<Vec<String>> {
            shards
                .into_iter()
                .map(|s| s.into_iter().map(|r| r.url).collect())
                .collect()
        };
        // Newest first, as the site lists them: cut from the oldest on, each shard in the
        // site's order.
        let records = ["/e/", "/d/", "/c/", "/b/", "/a/"].map(record).into();
        assert_eq!(
            urls(super::into_shards(records, 2)),
            [vec!["/b/", "/a/"], vec!["/d/", "/c/"], vec!["/e/"]]
        );
        assert_eq!(
            urls(super::into_shards(Vec::new(), 2)),
            [Vec::<String>::new()]
        );
        // The site's briefs are cut by the same ranges.
        assert_eq!(super::shard_count(5, 2), 3);
        assert_eq!(super::shard_count(0, 2), 1);
        assert_eq!(super::shard_count(4, 2), 2);
        assert_eq!(super::shard_range(0, 2, 5), 3..5);
        assert_eq!(super::shard_range(2, 2, 5), 0..1);
        assert_eq!(super::shard_range(0, 2, 0), 0..0);
        // A brief added (at the front, as the newest) leaves the older shards' briefs alone.
        assert_eq!(super::shard_range(1, 2, 6), 2..4);
        assert_eq!(super::shard_range(0, 2, 6), 4..6);
    }

    #[test]
    fn shards_grow_with_the_site_and_small_sites_index_one_at_a_time() {
        use super::{indexing_threads, shard_size};
        // 250, 500 from 4,000 briefs, 1,000 from 8,000, unless the site sets a size.
        assert_eq!(shard_size(None, 0), 250);
        assert_eq!(shard_size(None, 3_999), 250);
        assert_eq!(shard_size(None, 4_000), 500);
        assert_eq!(shard_size(None, 7_999), 500);
        assert_eq!(shard_size(None, 8_000), 1_000);
        assert_eq!(shard_size(None, 10_000), 1_000);
        assert_eq!(shard_size(None, 100_000), 1_000);
        assert_eq!(shard_size(Some(2), 100_000), 2);
        // At most one thread per four shards, and no more than the cores.
        assert_eq!(indexing_threads(1, 2), 1);
        assert_eq!(indexing_threads(4, 2), 1);
        assert_eq!(indexing_threads(8, 2), 2);
        assert_eq!(indexing_threads(100, 2), 2);
        assert_eq!(indexing_threads(100, 16), 16);
        assert_eq!(indexing_threads(3, 0), 1);
    }

    #[test]
    fn only_the_first_shard_keeps_the_scripts() {
        let files = || {
            [
                "pagefind.js",
                "wasm.en.pagefind",
                "pagefind-entry.json",
                "pagefind.en_1.pf_meta",
                "index/en_2.pf_index",
                "fragment/en_3.pf_fragment",
                "filter/en_4.pf_filter",
            ]
            .map(|f| (f.to_string(), Vec::new()))
            .to_vec()
        };
        let paths = |shard| -> Vec<String> {
            super::shard_files(shard, files())
                .into_iter()
                .map(|f| f.0)
                .collect()
        };
        assert_eq!(paths(0).len(), 7);
        assert!(
            paths(0)
                .iter()
                .all(|p| p.starts_with("pagefind/") && !p.contains("shard"))
        );
        assert_eq!(
            paths(2),
            [
                "pagefind/shard-2/pagefind-entry.json",
                "pagefind/shard-2/pagefind.en_1.pf_meta",
                "pagefind/shard-2/index/en_2.pf_index",
                "pagefind/shard-2/fragment/en_3.pf_fragment",
                "pagefind/shard-2/filter/en_4.pf_filter"
            ]
        );
        assert_eq!(
            super::shards_file(3),
            b"{\"shards\":[\"shard-1/\",\"shard-2/\"]}\n"
        );
        assert_eq!(super::shards_file(1), b"{\"shards\":[]}\n");
    }

    #[test]
    fn languages_are_reduced_to_their_primary_code() {
        assert_eq!(super::primary_language("en-GB"), "en");
        assert_eq!(super::primary_language("ja"), "ja");
        assert_eq!(super::primary_language(""), "en");
    }
}
