//! The reverse indexes of a resolved site: which briefs and commitments each party and topic
//! has, which parties meet most often, and which briefs are related.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::{Brief, BriefIndex, Commitment, Party, Topic};

/// How many related briefs a brief lists.
const RELATED: usize = 5;
/// A brief is compared with this many neighbours (in date order) on each of its lists, so the
/// cost stays linear in the number of briefs and the related ones are close in time.
const NEIGHBOURS: usize = 25;
/// What sharing each kind of thing weighs in relatedness.
const SHARED_COMMITMENT: u32 = 3;
const SHARED_TOPIC: u32 = 2;
const SHARED_PARTY: u32 = 1;
/// Below this score a brief is not worth listing (one shared party is not a relation).
const MIN_SCORE: u32 = 2;

/// Fill the reverse indexes: briefs and commitments of each party and topic, memberships, and
/// the parties each one meets.
pub(super) fn link_indexes(
    briefs: &[Brief],
    commitments: &BTreeMap<String, Commitment>,
    parties: &mut BTreeMap<String, Party>,
    topics: &mut BTreeMap<String, Topic>,
) {
    let mut met: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, brief) in briefs.iter().enumerate() {
        for p in &brief.parties {
            if let Some(party) = parties.get_mut(p) {
                party.briefs.push(i);
            }
            for other in brief.parties.iter().filter(|o| *o != p) {
                *met.entry(p).or_default().entry(other).or_default() += 1;
            }
        }
        for t in &brief.topics {
            if let Some(topic) = topics.get_mut(t) {
                topic.briefs.push(i);
            }
        }
    }
    let met: Vec<(String, Vec<(String, usize)>)> = met
        .into_iter()
        .map(|(p, others)| {
            let mut list: Vec<(String, usize)> = others
                .into_iter()
                .map(|(o, n)| (o.to_string(), n))
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (p.to_string(), list)
        })
        .collect();
    for (p, list) in met {
        if let Some(party) = parties.get_mut(&p) {
            party.met = list;
        }
    }
    for c in commitments.values() {
        for p in &c.by {
            if let Some(party) = parties.get_mut(p) {
                party.commitments.push(c.id.clone());
            }
        }
        if let Some(topic) = c.topic.as_ref().and_then(|t| topics.get_mut(t)) {
            topic.commitments.push(c.id.clone());
        }
    }
    let memberships: Vec<(String, String)> = parties
        .values()
        .flat_map(|p| p.members.iter().map(|m| (m.clone(), p.id.clone())))
        .collect();
    for (member, group) in memberships {
        if let Some(party) = parties.get_mut(&member) {
            party.member_of.push(group);
        }
    }
}

/// The related briefs of every brief, best first: scored by the commitments, topics and
/// parties they share, ties going to the brief nearest in date.
pub(super) fn related(
    briefs: &[Brief],
    commitments: &BTreeMap<String, Commitment>,
    parties: &BTreeMap<String, Party>,
    topics: &BTreeMap<String, Topic>,
) -> Vec<Vec<BriefIndex>> {
    // Timelines are oldest first; every list here is by brief index (newest first).
    let timelines: HashMap<&str, Vec<BriefIndex>> = commitments
        .values()
        .map(|c| {
            let mut list: Vec<BriefIndex> = c.timeline.iter().map(|e| e.brief).collect();
            list.sort_unstable();
            list.dedup();
            (c.id.as_str(), list)
        })
        .collect();
    briefs
        .par_iter()
        .enumerate()
        .map(|(i, brief)| {
            let mut scores: HashMap<BriefIndex, u32> = HashMap::new();
            let lists = brief
                .commitments
                .iter()
                .filter_map(|m| timelines.get(m.id.as_str()).map(|l| (l, SHARED_COMMITMENT)))
                .chain(
                    brief
                        .topics
                        .iter()
                        .filter_map(|t| topics.get(t).map(|t| (&t.briefs, SHARED_TOPIC))),
                )
                .chain(
                    brief
                        .parties
                        .iter()
                        .filter_map(|p| parties.get(p).map(|p| (&p.briefs, SHARED_PARTY))),
                );
            for (list, weight) in lists {
                for j in neighbours(list, i) {
                    *scores.entry(j).or_default() += weight;
                }
            }
            let mut ranked: Vec<(BriefIndex, u32)> = scores
                .into_iter()
                .filter(|(_, s)| *s >= MIN_SCORE)
                .collect();
            ranked.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
                    .then_with(|| a.0.cmp(&b.0))
            });
            // Collected from a borrowed slice: `into_iter()` would reuse the candidates'
            // allocation (hundreds of entries) for five, which was a fifth of the model's memory.
            ranked[..ranked.len().min(RELATED)]
                .iter()
                .map(|(j, _)| *j)
                .collect()
        })
        .collect()
}

/// The briefs of a sorted `list` nearest to brief `i` (which is on it), `i` left out.
fn neighbours(list: &[BriefIndex], i: BriefIndex) -> impl Iterator<Item = BriefIndex> + '_ {
    let at = list.binary_search(&i).unwrap_or_else(|at| at);
    let lo = at.saturating_sub(NEIGHBOURS);
    let hi = (at + NEIGHBOURS + 1).min(list.len());
    list[lo..hi].iter().copied().filter(move |&j| j != i)
}

#[cfg(test)]
mod tests {
    use super::neighbours;

    #[test]
    fn neighbours_are_a_window_around_the_brief() {
        let list: Vec<usize> = (0..100).collect();
        let near: Vec<usize> = neighbours(&list, 50).collect();
        assert_eq!(near.len(), 50);
        assert!(!near.contains(&50));
        assert_eq!(near.first(), Some(&25));
        assert_eq!(near.last(), Some(&75));
        assert_eq!(neighbours(&list, 0).count(), 25);
    }
}
