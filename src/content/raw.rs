//! Front matter exactly as written: serde types with `deny_unknown_fields`, positions kept
//! (`Spanned`) on every value that is checked later. Nothing here is computed or validated
//! beyond its shape; `model::resolve` turns these into the site model.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// A value and where it was written. It stands in for `serde_saphyr::Spanned` (through which
/// it is read), which keeps two full locations: 80 bytes a string, and a 100,000-brief site
/// holds millions of them while it is checked. This is half that.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub at: Position,
}

/// Where a value starts (1-based line and column; line 0 when unknown, as in TOML) and, when
/// the parser knows them, its byte offset and length in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    byte_offset: u32,
    byte_len: u32,
}

impl Position {
    const UNKNOWN: u32 = u32::MAX;

    pub fn of(loc: &serde_saphyr::Location) -> Position {
        let small = |n: Option<u64>| n.and_then(|n| u32::try_from(n).ok());
        let span = loc.span();
        Position {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
            byte_offset: small(span.byte_offset()).unwrap_or(Self::UNKNOWN),
            byte_len: small(span.byte_len()).unwrap_or(0),
        }
    }

    pub fn byte_offset(&self) -> Option<usize> {
        (self.byte_offset != Self::UNKNOWN).then_some(self.byte_offset as usize)
    }

    pub fn byte_len(&self) -> usize {
        self.byte_len as usize
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: spanned.value,
            at: Position::of(&spanned.referenced),
        })
    }
}

/// Free-form values a template can read (`brief.extra.x`).
pub type Extra = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrief {
    pub title: Spanned<String>,
    pub date: Spanned<String>,
    pub updated: Option<Spanned<String>>,
    pub summary: Option<String>,
    pub event: Option<String>,
    pub location: Option<String>,
    #[serde(default)]
    pub parties: Vec<Spanned<String>>,
    #[serde(default)]
    pub people: Vec<RawPerson>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    #[serde(default)]
    pub commitments: Vec<RawCommitment>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    /// Old addresses of this brief (site paths), each written as a redirect page.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: Extra,
}

pub const BRIEF_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "event",
    "location",
    "parties",
    "people",
    "topics",
    "commitments",
    "sources",
    "draft",
    "slug",
    "aliases",
    "extra",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerson {
    pub name: Spanned<String>,
    pub role: Option<String>,
    pub party: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommitment {
    pub id: Spanned<String>,
    pub text: Option<Spanned<String>>,
    #[serde(default)]
    pub by: Vec<Spanned<String>>,
    pub topic: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    pub due: Option<Spanned<String>>,
    pub note: Option<String>,
    pub quote: Option<String>,
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub title: String,
    pub url: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    pub name: Spanned<String>,
    pub kind: Option<Spanned<String>>,
    pub short: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub iso: Option<Spanned<String>>,
    #[serde(default)]
    pub members: Vec<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub extra: Extra,
}

pub const PARTY_FIELDS: &[&str] = &[
    "name", "kind", "short", "aliases", "iso", "members", "url", "extra",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub name: Spanned<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

pub const TOPIC_FIELDS: &[&str] = &["name", "description", "extra"];

/// An entry of the optional people registry, `content/people/<slug>.md`: one person however
/// briefs spell the name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPersonEntry {
    pub name: Spanned<String>,
    /// The name in its own script (岩屋毅).
    pub native: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: Extra,
}

pub const PERSON_FIELDS: &[&str] = &["name", "native", "aliases", "extra"];
