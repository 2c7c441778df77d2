//! schema.org JSON-LD for pages that describe something: a brief is a `NewsArticle`, a party a
//! `Country` or an `Organization`. Printed by templates inside
//! `<script type="application/ld+json">`, so it is made safe to sit there.

use crate::model::{Brief, Party, Site};
use crate::urls::site_path;

/// A brief as a `NewsArticle`, published by the site.
pub fn brief(site: &Site, b: &Brief, permalink: &str) -> String {
    let about: Vec<serde_json::Value> = b
        .parties
        .iter()
        .filter_map(|id| site.parties.get(id))
        .map(|p| party_json_ld(p, &site.urls))
        .collect();
    let publisher = serde_json::json!({
        "@type": "Organization",
        "name": site.config.title,
        "url": site.urls.absolute(""),
    });
    let keywords: Vec<&str> = b
        .topics
        .iter()
        .filter_map(|t| site.topics.get(t))
        .map(|t| t.name.as_str())
        .collect();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": b.title,
        "url": permalink,
        "mainEntityOfPage": permalink,
        "datePublished": crate::model::Moment::datetime(b.date, b.time),
        "dateModified": match b.updated {
            Some(u) if u > b.date => u.to_string(),
            _ => crate::model::Moment::datetime(b.date, b.time),
        },
        "inLanguage": site.config.language,
        "author": publisher,
        "publisher": publisher,
        "about": about,
        "keywords": keywords,
    });
    if let Some(s) = &b.summary {
        ld["description"] = serde_json::json!(s);
    }
    if let Some(place) = &b.location {
        ld["contentLocation"] = serde_json::json!({ "@type": "Place", "name": place });
    }
    script_safe(&ld)
}

/// A party as a `Country` (a state) or an `Organization`.
pub fn party(p: &Party, urls: &crate::urls::Urls) -> String {
    script_safe(&party_json_ld(p, urls))
}

fn party_json_ld(p: &Party, urls: &crate::urls::Urls) -> serde_json::Value {
    let kind = if p.kind == crate::model::PartyKind::State {
        "Country"
    } else {
        "Organization"
    };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": kind,
        "name": p.name,
        "url": urls.absolute(&site_path::party(&p.id)),
    });
    if !p.aliases.is_empty() || p.short.is_some() {
        ld["alternateName"] =
            serde_json::json!(p.short.iter().chain(&p.aliases).collect::<Vec<_>>());
    }
    if let Some(site) = &p.url {
        ld["sameAs"] = serde_json::json!(site);
    }
    ld
}

/// JSON that can sit inside a `<script>` element. `<`, `>` and `&` become `\u` escapes, so no
/// `</script>` or `<!--` (which would make the rest of the page script) can appear, and U+2028
/// and U+2029 too, which older JavaScript parsers take as line ends. The JSON means the same.
fn script_safe(v: &serde_json::Value) -> String {
    let json = v.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}
