//! What `serve` keeps between rebuilds so that a status change redoes little: the entries
//! of the exports and the tracker's rows (see [`Memo`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use super::deps::Input;
use super::exports::{Export, ExportFile, Line};
use super::tracker::TrackerIndex;
use super::tracker_data::Sorted;
use crate::model::{Commitment, Site};

/// What `serve` keeps between rebuilds so that a status change redoes little: the entries of
/// the export parts (by part: a status change rewrites a few parts' entries), the tracker's
/// commitments and rows, and its order and lists. A rebuild first forgets what its change may
/// have touched ([`Memo::forget`], [`Memo::replayed`]), or all of it ([`Memo::clear`]); the
/// rest is reused, so a status change at 10,000 briefs serializes a few entries instead of
/// 35,000 and renders a few of the tracker's 25,000 rows.
#[derive(Default)]
pub struct Memo {
    lines: Mutex<HashMap<ExportFile, HashMap<String, Line>>>,
    /// The tracker's commitments, by id, as its template sees them: making them took half the
    /// tracker's time when it was one template.
    commitments: Mutex<HashMap<String, tera::Value>>,
    /// The tracker's rows, by commitment id, with what each read: rendering 3,333 at 10,000
    /// briefs takes 25 ms. A row that ran a template query is not kept (it may show anything).
    rows: Mutex<HashMap<String, (tera::Value, Vec<Input>)>>,
    /// The tracker's order and lists, and its data's other orders: a patch changes only the
    /// lists of the statuses it moved commitments between (see [`Memo::replayed`]).
    tracker: Mutex<Option<(Arc<TrackerIndex>, Arc<Sorted>)>>,
}

impl Memo {
    /// Forget every entry: the site was resolved anew.
    pub fn clear(&self) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.clear();
        }
        if let Ok(mut commitments) = self.commitments.lock() {
            commitments.clear();
        }
        if let Ok(mut tracker) = self.tracker.lock() {
            *tracker = None;
        }
        self.forget_rows();
    }

    /// The tracker's order and lists for `site`, kept from an earlier render or made now.
    pub fn tracker(&self, site: &Site) -> (Arc<TrackerIndex>, Arc<Sorted>) {
        let Ok(mut kept) = self.tracker.lock() else {
            return (Arc::new(TrackerIndex::new(site)), Arc::default());
        };
        kept.get_or_insert_with(|| (Arc::new(TrackerIndex::new(site)), Arc::default()))
            .clone()
    }

    /// Bring the kept tracker lists up to date after a patch replayed commitments (`before`:
    /// as they were): it moves them between the lists of statuses and of the overdue, and
    /// forgets the orders by due date when a due date changed. The order itself depends on
    /// the newest brief naming each commitment, which a patch does not change.
    pub fn replayed(&self, site: &Site, before: &BTreeMap<String, Commitment>) {
        let Ok(mut kept) = self.tracker.lock() else {
            return;
        };
        let Some((index, sorted)) = kept.as_mut() else {
            return;
        };
        let index = Arc::make_mut(index);
        let mut due_changed = false;
        for (id, old) in before {
            if let Some(new) = site.commitments.get(id) {
                index.moved(site, old, new);
                due_changed |= old.due != new.due;
            }
        }
        if due_changed {
            *sorted = Arc::default();
        }
    }

    /// Forget the tracker's rows: a template changed, or one may show any brief in a row.
    pub fn forget_rows(&self) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.clear();
        }
    }

    /// Forget the entries a patch may have changed: those of the `briefs` it replaced and of
    /// the `commitments` it replayed, with, for each commitment, the briefs naming it (the
    /// status they show), and the parties that made it (their records).
    pub fn forget<'a>(
        &self,
        site: &Site,
        briefs: impl Iterator<Item = &'a str>,
        commitments: &BTreeSet<String>,
    ) {
        if let Ok(mut kept) = self.commitments.lock() {
            for id in commitments {
                kept.remove(id);
            }
        }
        if let Ok(mut kept) = self.rows.lock() {
            for id in commitments {
                kept.remove(id);
            }
        }
        let Ok(mut lines) = self.lines.lock() else {
            return;
        };
        // An entry is in one part of its export: look in each (a few dozen).
        let mut drop = |export: Export, key: &str| {
            for (file, entries) in lines.iter_mut() {
                if matches!(file, ExportFile::Part(e, _) if *e == export) {
                    entries.remove(key);
                }
            }
        };
        for slug in briefs {
            drop(Export::Briefs, slug);
        }
        for id in commitments {
            drop(Export::Commitments, id);
            drop(Export::CommitmentsCsv, id);
            let Some(c) = site.commitments.get(id) else {
                continue;
            };
            for entry in &c.timeline {
                drop(Export::Briefs, &site.briefs[entry.brief].slug);
            }
            for party in &c.by {
                drop(Export::Parties, party);
            }
        }
    }

    /// The entries kept for `file`, taken out (see [`Memo::keep_lines`]).
    pub(super) fn take_lines(&self, file: ExportFile) -> HashMap<String, Line> {
        self.lines
            .lock()
            .ok()
            .and_then(|mut lines| lines.remove(&file))
            .unwrap_or_default()
    }

    pub(super) fn keep_lines(&self, file: ExportFile, kept: HashMap<String, Line>) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.insert(file, kept);
        }
    }

    /// The tracker's value of commitment `id`, kept or made by `make`.
    pub(super) fn commitment(&self, id: &str, make: impl FnOnce() -> tera::Value) -> tera::Value {
        kept_or_made(&self.commitments, id, || {
            Ok::<_, std::convert::Infallible>(make())
        })
        .unwrap_or_else(|never| match never {})
    }

    /// The tracker's row of commitment `id`, kept or rendered by `make`, with what it read.
    /// A row that ran a template query (which may show anything of the site) is not kept.
    pub(super) fn row(
        &self,
        id: &str,
        make: impl FnOnce() -> tera::TeraResult<(tera::Value, Vec<Input>)>,
    ) -> tera::TeraResult<(tera::Value, Vec<Input>)> {
        if let Some(v) = self.rows.lock().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(v);
        }
        let made = make()?;
        if !made.1.iter().any(|i| matches!(i, Input::Query(..)))
            && let Ok(mut m) = self.rows.lock()
        {
            m.insert(id.to_string(), made.clone());
        }
        Ok(made)
    }
}

/// The value kept under `id`, or the one `make` makes, which is then kept.
fn kept_or_made<E>(
    kept: &Mutex<HashMap<String, tera::Value>>,
    id: &str,
    make: impl FnOnce() -> Result<tera::Value, E>,
) -> Result<tera::Value, E> {
    if let Some(v) = kept.lock().ok().and_then(|m| m.get(id).cloned()) {
        return Ok(v);
    }
    let v = make()?;
    if let Ok(mut m) = kept.lock() {
        m.insert(id.to_string(), v.clone());
    }
    Ok(v)
}
