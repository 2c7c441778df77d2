//! "Cite this brief": a formatted reference, BibTeX and CSL-JSON. The site is the author (a
//! brief is a corporate publication); the permalink is the address cited.

use serde::Serialize;

use crate::model::{Brief, Site};
use crate::urls::site_path;

/// A brief's citation, as `brief.citation`.
#[derive(Serialize)]
pub struct CitationView {
    /// A reference in the author-title-date-URL style most guides accept.
    pub text: String,
    /// The BibTeX entry, also downloadable at `bibtex_url`.
    pub bibtex: String,
    pub bibtex_url: String,
    /// A CSL-JSON file (Zotero, Pandoc, Mendeley read it).
    pub csl_url: String,
}

pub fn citation(site: &Site, b: &Brief) -> CitationView {
    CitationView {
        text: reference(site, b),
        bibtex: bibtex(site, b),
        bibtex_url: site.urls.path(&site_path::brief_bibtex(&b.slug)),
        csl_url: site.urls.path(&site_path::brief_csl(&b.slug)),
    }
}

fn reference(site: &Site, b: &Brief) -> String {
    let date =
        jiff::fmt::strtime::format("%-d %B %Y", b.date).unwrap_or_else(|_| b.date.to_string());
    let title = b.title.trim_end_matches(['.', '?', '!']);
    let end = if title.len() < b.title.len() {
        &b.title[title.len()..]
    } else {
        "."
    };
    format!(
        "{}. \u{201c}{title}{end}\u{201d} Policy brief, {date}. {}",
        site.config.title,
        site.urls.absolute(&site_path::brief(&b.slug))
    )
}

/// A BibTeX `@misc` entry; its key is the slug and the year, unique within the site.
pub fn bibtex(site: &Site, b: &Brief) -> String {
    let url = site.urls.absolute(&site_path::brief(&b.slug));
    let mut fields = vec![
        ("title", format!("{{{}}}", escape_bibtex(&b.title))),
        // Double braces: a corporate author, not a "Last, First" name to split.
        (
            "author",
            format!("{{{{{}}}}}", escape_bibtex(&site.config.title)),
        ),
        ("year", b.date.year().to_string()),
        (
            "month",
            MONTHS[usize::from(b.date.month().unsigned_abs()) - 1].to_string(),
        ),
        ("date", format!("{{{}}}", b.date)),
        ("howpublished", "{Policy brief}".to_string()),
        ("url", format!("{{{url}}}")),
    ];
    if let Some(s) = &b.summary {
        fields.push(("abstract", format!("{{{}}}", escape_bibtex(s))));
    }
    if let Some(e) = &b.event {
        fields.push(("eventtitle", format!("{{{}}}", escape_bibtex(e))));
    }
    if let Some(l) = &b.location {
        fields.push(("venue", format!("{{{}}}", escape_bibtex(l))));
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("  {k} = {v}"))
        .collect();
    format!(
        "@misc{{{}-{},\n{}\n}}\n",
        b.slug,
        b.date.year(),
        body.join(",\n")
    )
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Characters TeX gives a meaning to, made literal.
fn escape_bibtex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

/// The brief as a CSL-JSON item (an array of one, as citation managers import).
pub fn csl_json(site: &Site, b: &Brief) -> String {
    let date = b.date;
    let mut item = serde_json::json!({
        "id": format!("{}-{}", b.slug, date.year()),
        "type": "report",
        "genre": "Policy brief",
        "title": b.title,
        "author": [{ "literal": site.config.title }],
        "publisher": site.config.title,
        "issued": { "date-parts": [[date.year(), date.month(), date.day()]] },
        "URL": site.urls.absolute(&site_path::brief(&b.slug)),
        "language": site.config.language,
    });
    if let Some(s) = &b.summary {
        item["abstract"] = serde_json::json!(s);
    }
    if let Some(e) = &b.event {
        item["event-title"] = serde_json::json!(e);
    }
    if let Some(l) = &b.location {
        item["event-place"] = serde_json::json!(l);
    }
    let mut text = serde_json::to_string_pretty(&[item]).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::escape_bibtex;

    #[test]
    fn tex_specials_are_escaped() {
        assert_eq!(escape_bibtex("R&D at 5% {x}"), "R\\&D at 5\\% \\{x\\}");
        assert_eq!(escape_bibtex("a\\b"), "a\\textbackslash{}b");
    }
}
