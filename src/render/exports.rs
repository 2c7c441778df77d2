//! The data exports under `data/`: everything the site knows, in stable schemas documented in
//! the README ("Data exports"), so the tracker can be analysed without scraping. Entities refer
//! to each other by id (party, topic, commitment) or slug (brief, person).

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::memo::Memo;
use crate::model::{Brief, Commitment, Party, Person, Site, Topic};
use crate::urls::site_path;

/// One export: a kind of entity, in JSON or (commitments) CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Export {
    Briefs,
    Commitments,
    CommitmentsCsv,
    Parties,
    Topics,
    People,
}

/// A file of the exports: the index of an export (`data/briefs.json`), which lists its
/// parts, or part `n` (from 1) of one (`data/briefs/1.json`, `data/commitments/1.csv`). Parts
/// hold a fixed number of entries ([`Export::per_part`]), so no file grows with the site and
/// a change rewrites only the parts holding what it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFile {
    Index(Export),
    Part(Export, usize),
}

impl Export {
    pub const ALL: [Export; 6] = [
        Export::Briefs,
        Export::Commitments,
        Export::CommitmentsCsv,
        Export::Parties,
        Export::Topics,
        Export::People,
    ];

    /// The name of its list and folder: `briefs`, `commitments`...
    fn name(self) -> &'static str {
        match self {
            Export::Briefs => "briefs",
            Export::Commitments | Export::CommitmentsCsv => "commitments",
            Export::Parties => "parties",
            Export::Topics => "topics",
            Export::People => "people",
        }
    }

    /// Entries in a part: about 1 to 2 MB each at the sizes a desk's archive reaches (a party's
    /// or topic's entry lists all its briefs, so few a part).
    pub fn per_part(self) -> usize {
        match self {
            Export::Briefs => 1000,
            Export::Commitments | Export::CommitmentsCsv => 2500,
            Export::Parties | Export::Topics => 10,
            // Each lists all its briefs: 500 made 6.5 MB at 100,000 briefs.
            Export::People => 100,
        }
    }

    /// How many entries the export has.
    fn len(self, site: &Site) -> usize {
        match self {
            Export::Briefs => site.briefs.len(),
            Export::Commitments | Export::CommitmentsCsv => site.commitments.len(),
            Export::Parties => site.parties.len(),
            Export::Topics => site.topics.len(),
            Export::People => site.people.len(),
        }
    }

    /// Its parts: at least one, so an empty site still has a file to read.
    pub fn parts(self, site: &Site) -> usize {
        self.len(site).div_ceil(self.per_part()).max(1)
    }

    /// The part holding the entry at `place` (in the export's order, from 0).
    pub fn part_of(self, place: usize) -> ExportFile {
        ExportFile::Part(self, place / self.per_part() + 1)
    }

    /// The schema name and version in the files' `schema` field; a change that is not an
    /// addition bumps the version.
    fn schema(self) -> &'static str {
        match self {
            Export::Briefs => "accord.briefs/2",
            Export::Commitments | Export::CommitmentsCsv => "accord.commitments/2",
            Export::Parties => "accord.parties/2",
            Export::Topics => "accord.topics/2",
            Export::People => "accord.people/2",
        }
    }
}

impl ExportFile {
    pub fn path(self) -> String {
        match self {
            ExportFile::Index(e) => format!("data/{}.json", e.name()),
            ExportFile::Part(Export::CommitmentsCsv, n) => format!("data/commitments/{n}.csv"),
            ExportFile::Part(e, n) => format!("data/{}/{n}.json", e.name()),
        }
    }
}

/// Every file of the exports: an index per JSON export (the CSV's parts are listed in the
/// commitments' index), and the parts.
pub fn files(site: &Site) -> Vec<ExportFile> {
    let mut out = Vec::new();
    for export in Export::ALL {
        if export != Export::CommitmentsCsv {
            out.push(ExportFile::Index(export));
        }
        out.extend((1..=export.parts(site)).map(|n| ExportFile::Part(export, n)));
    }
    out
}

/// The file's text. With a `memo` (kept by `serve` between rebuilds), the entries it still
/// holds are not made again.
pub fn render(site: &Site, file: ExportFile, memo: Option<&Memo>) -> String {
    let (export, n) = match file {
        ExportFile::Index(export) => return index(site, export),
        ExportFile::Part(export, n) => (export, n),
    };
    let range = |len: usize| {
        let start = (n.max(1) - 1) * export.per_part();
        start.min(len)..(start + export.per_part()).min(len)
    };
    let doc = |entries: Vec<Line>| document(site, export, n, entries);
    match export {
        Export::Briefs => {
            // Oldest first, so that a new brief changes the last part only.
            let oldest_first: Vec<&Brief> = site.briefs.iter().rev().collect();
            let part = &oldest_first[range(oldest_first.len())];
            doc(memoized(
                memo,
                file,
                part,
                |b| &b.slug,
                |b| json(&brief_entry(site, b)),
            ))
        }
        Export::Commitments => {
            let all = values(&site.commitments);
            doc(memoized(
                memo,
                file,
                &all[range(all.len())],
                |c| &c.id,
                |c| json(&commitment_entry(site, c)),
            ))
        }
        Export::CommitmentsCsv => {
            let all = values(&site.commitments);
            commitments_csv(site, &all[range(all.len())], file, memo)
        }
        Export::Parties => {
            let all = values(&site.parties);
            doc(memoized(
                memo,
                file,
                &all[range(all.len())],
                |p| &p.id,
                |p| json(&party_entry(site, p)),
            ))
        }
        Export::Topics => {
            let all = values(&site.topics);
            doc(entries(&all[range(all.len())], |t| {
                json(&topic_entry(site, t))
            }))
        }
        Export::People => {
            let all = values(&site.people);
            doc(entries(&all[range(all.len())], |p| {
                json(&person_entry(site, p))
            }))
        }
    }
}

/// An export's index: its header, the number of entries, and the URLs of its parts (and for
/// commitments, of the CSV's).
fn index(site: &Site, export: Export) -> String {
    let urls = |export: Export| -> Vec<String> {
        (1..=export.parts(site))
            .map(|n| site.urls.absolute(&ExportFile::Part(export, n).path()))
            .collect()
    };
    let mut doc = serde_json::json!({
        "schema": export.schema(),
        "site": { "title": site.config.title, "url": site.urls.absolute("") },
        "as_of": site.today.to_string(),
        "count": export.len(site),
        "per_part": export.per_part(),
        "parts": urls(export),
    });
    if export == Export::Commitments {
        doc["csv_parts"] = serde_json::json!(urls(Export::CommitmentsCsv));
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn values<T>(map: &std::collections::BTreeMap<String, T>) -> Vec<&T> {
    map.values().collect()
}

fn json<E: Serialize>(entry: &E) -> Line {
    serde_json::to_string(entry).unwrap_or_default().into()
}

/// One entry of a file (or a row of the CSV), serialized.
pub(super) type Line = Arc<str>;

/// Each item as compact JSON, in parallel.
fn entries<T: Sync>(items: &[&T], entry: impl Fn(&T) -> Line + Sync + Send) -> Vec<Line> {
    items.par_iter().map(|item| entry(item)).collect()
}

/// As [`entries`], taking from `memo` the entries it holds for `file` (by `key`) and keeping
/// there the ones made.
fn memoized<'a, T: Sync>(
    memo: Option<&Memo>,
    file: ExportFile,
    items: &[&'a T],
    key: impl Fn(&'a T) -> &'a String + Sync + Send,
    entry: impl Fn(&'a T) -> Line + Sync + Send,
) -> Vec<Line> {
    let Some(memo) = memo else {
        return items.par_iter().map(|item| entry(item)).collect();
    };
    let kept = memo.take_lines(file);
    let lines: Vec<(bool, Line)> = items
        .par_iter()
        .map(|item| match kept.get(key(item).as_str()) {
            Some(line) => (false, line.clone()),
            None => (true, entry(item)),
        })
        .collect();
    let mut kept = kept;
    for (item, (made, line)) in items.iter().zip(&lines) {
        if *made {
            kept.insert(key(item).clone(), line.clone());
        }
    }
    memo.keep_lines(file, kept);
    lines.into_iter().map(|(_, line)| line).collect()
}

/// A part: its header fields (with `part` and `parts`), then the list named like the export
/// with one entry a line, so the file stays compact and a change shows as a changed line.
fn document(site: &Site, export: Export, part: usize, entries: Vec<Line>) -> String {
    let header = serde_json::json!({
        "schema": export.schema(),
        "site": { "title": site.config.title, "url": site.urls.absolute("") },
        "as_of": site.today.to_string(),
        "part": part,
        "parts": export.parts(site),
    })
    .to_string();
    let size: usize = entries.iter().map(|e| e.len() + 2).sum();
    let mut out = String::with_capacity(header.len() + size + 32);
    out.push_str(header.strip_suffix('}').unwrap_or(&header));
    out.push_str(&format!(",\"{}\":[\n", export.name()));
    out.push_str(&entries.join(",\n"));
    out.push_str("\n]}\n");
    out
}

#[derive(Serialize, PartialEq)]
pub struct BriefEntry<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    date: String,
    /// The time of day with its offset, when `date:` gave one (`14:30+08:00`).
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    updated: Option<String>,
    summary: Option<&'a str>,
    event: Option<&'a str>,
    location: Option<&'a str>,
    parties: &'a [String],
    topics: &'a [String],
    people: Vec<PersonEntry<'a>>,
    commitments: Vec<MentionEntry<'a>>,
    sources: &'a [crate::model::Source],
    source_path: &'a str,
}

#[derive(Serialize, PartialEq)]
struct PersonEntry<'a> {
    person: &'a str,
    name: &'a str,
    role: Option<&'a str>,
    party: Option<&'a str>,
}

#[derive(Serialize, PartialEq)]
struct MentionEntry<'a> {
    id: &'a str,
    status: &'a str,
    status_given: bool,
    note: Option<&'a str>,
    quote: Option<&'a str>,
    source: Option<&'a str>,
}

/// A brief's entry in `data/briefs.json`. A rebuild compares old and new entries to know
/// whether the file changed; the body is not in it, so a text edit does not touch the file.
pub fn brief_entry<'a>(site: &Site, b: &'a Brief) -> BriefEntry<'a> {
    BriefEntry {
        slug: &b.slug,
        url: site.urls.absolute(&site_path::brief(&b.slug)),
        title: &b.title,
        date: b.date.to_string(),
        time: b.time.map(|t| t.iso()),
        updated: b.updated.map(|d| d.to_string()),
        summary: b.summary.as_deref(),
        event: b.event.as_deref(),
        location: b.location.as_deref(),
        parties: &b.parties,
        topics: &b.topics,
        people: b
            .people
            .iter()
            .map(|p| PersonEntry {
                person: &p.person,
                name: &p.name,
                role: p.role.as_deref(),
                party: p.party.as_deref(),
            })
            .collect(),
        commitments: b
            .commitments
            .iter()
            .map(|m| MentionEntry {
                id: &m.id,
                status: &m.status,
                status_given: m.status_given,
                note: m.note.as_deref(),
                quote: m.quote.as_deref(),
                source: m.source.as_deref(),
            })
            .collect(),
        sources: &b.sources,
        source_path: &b.source,
    }
}

#[derive(Serialize)]
struct CommitmentEntry<'a> {
    id: &'a str,
    url: String,
    text: &'a str,
    by: &'a [String],
    topic: Option<&'a str>,
    status: &'a str,
    status_label: &'a str,
    closed: bool,
    due: Option<String>,
    overdue: bool,
    first_seen: Option<String>,
    last_seen: Option<String>,
    mentions: usize,
    timeline: Vec<TimelineEntry<'a>>,
}

#[derive(Serialize)]
struct TimelineEntry<'a> {
    brief: &'a str,
    date: String,
    status: &'a str,
    status_given: bool,
    note: Option<&'a str>,
    quote: Option<&'a str>,
    source: Option<&'a str>,
}

fn commitment_entry<'a>(site: &'a Site, c: &'a Commitment) -> CommitmentEntry<'a> {
    CommitmentEntry {
        id: &c.id,
        url: site.urls.absolute(&site_path::commitment(&c.id)),
        text: &c.text,
        by: &c.by,
        topic: c.topic.as_deref(),
        status: &c.status,
        status_label: status_label(site, &c.status),
        closed: site.config.status(&c.status).is_some_and(|s| s.closes),
        due: c.due.map(|d| d.to_string()),
        overdue: c.is_overdue(site.today, &site.config),
        first_seen: c.first_seen().map(|d| d.to_string()),
        last_seen: c.last_seen().map(|d| d.to_string()),
        mentions: c.timeline.len(),
        timeline: c
            .timeline
            .iter()
            .map(|e| TimelineEntry {
                brief: &site.briefs[e.brief].slug,
                date: e.date.to_string(),
                status: &e.status,
                status_given: e.status_given,
                note: e.note.as_deref(),
                quote: e.quote.as_deref(),
                source: e.source.as_deref(),
            })
            .collect(),
    }
}

fn status_label<'a>(site: &'a Site, id: &'a str) -> &'a str {
    site.config.status(id).map_or(id, |s| s.label.as_str())
}

/// The tracker as a spreadsheet: one row per commitment of this part, lists joined with `;`,
/// under a header row (each part has one, so each opens on its own).
fn commitments_csv(
    site: &Site,
    commitments: &[&Commitment],
    file: ExportFile,
    memo: Option<&Memo>,
) -> String {
    let header = [
        "id",
        "text",
        "by",
        "topic",
        "status",
        "status_label",
        "closed",
        "due",
        "overdue",
        "first_seen",
        "last_seen",
        "mentions",
        "url",
    ];
    let row = |c: &Commitment| {
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        csv_line([
            c.id.clone(),
            c.text.clone(),
            c.by.join(";"),
            c.topic.clone().unwrap_or_default(),
            c.status.clone(),
            status_label(site, &c.status).to_string(),
            site.config
                .status(&c.status)
                .is_some_and(|s| s.closes)
                .to_string(),
            date(c.due),
            c.is_overdue(site.today, &site.config).to_string(),
            date(c.first_seen()),
            date(c.last_seen()),
            c.timeline.len().to_string(),
            site.urls.absolute(&site_path::commitment(&c.id)),
        ])
    };
    let rows = memoized(memo, file, commitments, |c| &c.id, row);
    let mut out = csv_line(header.map(String::from)).to_string();
    for r in rows {
        out.push_str(&r);
    }
    out
}

/// One CSV record, quoted as needed, with its line end. Every cell goes through
/// [`spreadsheet_safe`].
fn csv_line(fields: [String; 13]) -> Line {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would leave the row empty, not a panic.
    for field in &fields {
        let _ = w.write_field(spreadsheet_safe(field).as_bytes());
    }
    let _ = w.write_record(None::<&[u8]>);
    w.into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into())
        .unwrap_or_else(|_| "".into())
}

/// A cell a spreadsheet will not run as a formula (OWASP's "CSV injection"): one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which spreadsheets
/// hide and which keeps the rest as text.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[derive(Serialize)]
struct PartyEntry<'a> {
    id: &'a str,
    url: String,
    name: &'a str,
    kind: &'static str,
    short: Option<&'a str>,
    aliases: &'a [String],
    iso: Option<&'a str>,
    members: &'a [String],
    member_of: &'a [String],
    website: Option<&'a str>,
    briefs: Vec<&'a str>,
    commitments: &'a [String],
    record: std::collections::BTreeMap<&'a str, usize>,
    met: Vec<MetEntry<'a>>,
    extra: &'a crate::content::raw::Extra,
}

#[derive(Serialize)]
struct MetEntry<'a> {
    party: &'a str,
    briefs: usize,
}

fn party_entry<'a>(site: &'a Site, p: &'a Party) -> PartyEntry<'a> {
    PartyEntry {
        id: &p.id,
        url: site.urls.absolute(&site_path::party(&p.id)),
        name: &p.name,
        kind: p.kind.as_str(),
        short: p.short.as_deref(),
        aliases: &p.aliases,
        iso: p.iso.as_deref(),
        members: &p.members,
        member_of: &p.member_of,
        website: p.url.as_deref(),
        briefs: p
            .briefs
            .iter()
            .map(|&i| site.briefs[i].slug.as_str())
            .collect(),
        commitments: &p.commitments,
        record: site
            .commitments_by_status(&p.commitments)
            .into_iter()
            .map(|(s, list)| (s.id.as_str(), list.len()))
            .collect(),
        met: p
            .met
            .iter()
            .map(|(id, n)| MetEntry {
                party: id,
                briefs: *n,
            })
            .collect(),
        extra: &p.extra,
    }
}

fn topic_entry(site: &Site, t: &Topic) -> serde_json::Value {
    serde_json::json!({
        "id": t.id,
        "url": site.urls.absolute(&site_path::topic(&t.id)),
        "name": t.name,
        "description": t.description,
        "briefs": t.briefs.iter().map(|&i| site.briefs[i].slug.as_str()).collect::<Vec<_>>(),
        "commitments": t.commitments,
        "extra": t.extra,
    })
}

fn person_entry(site: &Site, p: &Person) -> serde_json::Value {
    let roles: Vec<serde_json::Value> = p
        .roles
        .iter()
        .map(|r| {
            serde_json::json!({
                "role": r.role,
                "party": r.party,
                "first_seen": r.first.to_string(),
                "last_seen": r.last.to_string(),
                "briefs": r.briefs,
            })
        })
        .collect();
    serde_json::json!({
        "slug": p.slug,
        "url": site.urls.absolute(&site_path::person(&p.slug)),
        "name": p.name,
        "native": p.native,
        "aliases": p.aliases,
        "registered": p.source.is_some(),
        "roles": roles,
        "briefs": p.briefs.iter().map(|&i| site.briefs[i].slug.as_str()).collect::<Vec<_>>(),
        "extra": p.extra,
    })
}
