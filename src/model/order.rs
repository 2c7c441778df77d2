//! The order of briefs in time, which decides what "earliest" and "latest" mean for every
//! commitment. The rule, stated in the README ("Order of briefs"):
//!
//! 1. by [`Moment`]: the date as written, then a brief without a time before those with one,
//!    then by the instant the time names;
//! 2. at the same moment, a brief that gives a commitment's `text` before one that only
//!    updates that commitment;
//! 3. otherwise by source path, as if a later path had been written later.
//!
//! Where rule 2 cannot decide and the order would change what the site says (two briefs at
//! one moment giving one commitment different statuses or due dates, or each defining a
//! commitment the other updates), the build fails with an error naming both files.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::resolve::Checked;
use crate::diagnostics::Diagnostics;

/// The briefs, oldest first.
pub(super) fn chronological(mut briefs: Vec<Checked>, errors: &mut Diagnostics) -> Vec<Checked> {
    briefs.sort_by(|a, b| {
        a.moment()
            .cmp(&b.moment())
            .then_with(|| a.doc.file.path.cmp(&b.doc.file.path))
    });
    let mut ordered = Vec::with_capacity(briefs.len());
    let mut rest = briefs.into_iter().peekable();
    while let Some(first) = rest.next() {
        let moment = first.moment();
        let mut group = vec![first];
        while let Some(next) = rest.next_if(|b| b.moment() == moment) {
            group.push(next);
        }
        if group.len() == 1 {
            ordered.append(&mut group);
        } else {
            ordered.extend(order_same_moment(group, errors));
        }
    }
    ordered
}

/// What one brief of a same-moment group says of one commitment.
struct Said<'a> {
    brief: usize,
    gives_text: bool,
    status: Option<&'a crate::content::raw::Spanned<String>>,
    due: Option<&'a crate::content::raw::Spanned<String>>,
}

/// Briefs of one moment (in path order), ordered by rules 2 and 3.
fn order_same_moment(group: Vec<Checked>, errors: &mut Diagnostics) -> Vec<Checked> {
    let mut by_id: BTreeMap<&str, Vec<Said>> = BTreeMap::new();
    for (brief, b) in group.iter().enumerate() {
        for c in &b.doc.raw.commitments {
            by_id.entry(&c.id.value).or_default().push(Said {
                brief,
                gives_text: c.text.is_some(),
                status: c.status.as_ref(),
                due: c.due.as_ref(),
            });
        }
    }
    // An edge a -> b: brief a gives the text of a commitment that brief b only updates.
    let mut after: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); group.len()];
    for (id, said) in by_id.iter().filter(|(_, s)| s.len() > 1) {
        for definer in said.iter().filter(|s| s.gives_text) {
            for updater in said.iter().filter(|s| !s.gives_text) {
                after[definer.brief].insert(updater.brief);
            }
        }
        report_conflicts(
            &group,
            id,
            said,
            ("status", "statuses"),
            |s| s.status,
            errors,
        );
        report_conflicts(
            &group,
            id,
            said,
            ("due date", "due dates"),
            |s| s.due,
            errors,
        );
    }
    let order = topological(&after);
    if order.len() < group.len() {
        report_cycle(&group, &order, errors);
    }
    // Briefs caught in a cycle keep their path order, after the others; the build fails.
    let placed: BTreeSet<usize> = order.iter().copied().collect();
    let order: Vec<usize> = order
        .into_iter()
        .chain((0..group.len()).filter(|i| !placed.contains(i)))
        .collect();
    let mut slots: Vec<Option<Checked>> = group.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Kahn's algorithm, taking the lowest index (the first path) whenever there is a choice.
/// Returns fewer indexes than nodes when the edges hold a cycle.
fn topological(after: &[BTreeSet<usize>]) -> Vec<usize> {
    let mut incoming = vec![0usize; after.len()];
    for targets in after {
        for &t in targets {
            incoming[t] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..after.len())
        .filter(|&i| incoming[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(after.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &t in &after[i] {
            incoming[t] -= 1;
            if incoming[t] == 0 {
                ready.push(Reverse(t));
            }
        }
    }
    order
}

/// Two briefs of one moment that the text rule does not order, giving one commitment
/// different values of `what` (its status, its due date): which one holds would depend on
/// their file names.
fn report_conflicts<'a>(
    group: &[Checked],
    id: &str,
    said: &[Said<'a>],
    (what, whats): (&str, &str),
    field: impl Fn(&Said<'a>) -> Option<&'a crate::content::raw::Spanned<String>>,
    errors: &mut Diagnostics,
) {
    for (i, a) in said.iter().enumerate() {
        let Some(value_a) = field(a) else { continue };
        let conflict = said[i + 1..].iter().find(|b| {
            b.gives_text == a.gives_text && field(b).is_some_and(|v| v.value != value_a.value)
        });
        let Some((b, value_b)) = conflict.and_then(|b| Some((b, field(b)?))) else {
            continue;
        };
        let (first, second) = (&group[a.brief].doc, &group[b.brief].doc);
        let d = second
            .error(
                value_b,
                format!(
                    "two briefs dated {} give commitment `{id}` different {whats} (`{}` and `{}`), and nothing says which came first",
                    first.raw.date.value.trim(),
                    value_a.value,
                    value_b.value,
                ),
            )
            .with_label(format!("this {what}"))
            .with_help("give both briefs a time in `date:` (e.g. `2025-07-11T09:00` and `2025-07-11T15:30`) so their order is known")
            .with_related(&first.file, first.span(value_a), format!("the other {what}"));
        errors.push(d);
        return;
    }
}

/// Briefs of one moment that each define a commitment another of them updates.
fn report_cycle(group: &[Checked], placed: &[usize], errors: &mut Diagnostics) {
    let placed: BTreeSet<usize> = placed.iter().copied().collect();
    let stuck: Vec<&Checked> = (0..group.len())
        .filter(|i| !placed.contains(i))
        .map(|i| &group[i])
        .collect();
    let Some((first, others)) = stuck.split_first() else {
        return;
    };
    let doc = &first.doc;
    let mut d = crate::diagnostics::Diagnostic::at(
        &doc.file,
        doc.span(&doc.raw.date),
        format!(
            "{} briefs dated {} each define a commitment that another of them updates, so none of them can come first",
            stuck.len(),
            doc.raw.date.value.trim()
        ),
    )
    .with_label("same date and time")
    .with_help("give these briefs times in `date:` (e.g. `2025-07-11T09:00`) in the order they happened");
    for other in others {
        d = d.with_related(
            &other.doc.file,
            other.doc.span(&other.doc.raw.date),
            "also at this moment",
        );
    }
    errors.push(d);
}
