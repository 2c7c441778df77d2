//! `accord init` and `accord new`: files written for the user to fill in. Neither ever
//! overwrites an existing file.

mod pages_workflow;

pub use pages_workflow::{AccordFrom, pages_workflow};

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;

const STARTER_CONFIG: &str = r#"# Settings of this Accord site. The README lists every option.
title = "Briefing Room"
# The address the site is published at. A GitHub Pages project site lives under a
# sub-path, e.g. "https://YOUR-ORG.github.io/YOUR-REPO/"; every link follows it.
base_url = "https://example.org/"
language = "en"
description = "Short briefs on who met whom, where, and what they committed to."

[options]
per_page = 10
date_format = "%-d %B %Y"
"#;

const STARTER_PARTY: &str = r#"---
name: Example Republic
kind: state
short: EXR
iso: XR
---
A profile of the party: who represents it, what it wants. Briefs link here with `[[exr]]`.
"#;

const STARTER_TOPIC: &str = r#"---
name: Trade
description: Tariffs, market access and supply chains.
---
"#;

fn starter_brief(date: &str) -> String {
    format!(
        r#"---
title: A first brief
date: {date}
summary: One or two sentences a reader can take away.
event: Bilateral talks
location: Example City
parties: [exr]
people:
  - name: Alex Example
    role: Minister of Trade
    party: exr
topics: [trade]
commitments:
  - id: exr-open-talks
    text: Hold a further round of talks within six months.
    by: [exr]
    topic: trade
    status: announced
sources:
  - title: Official readout
    url: https://example.org/readout
---
## What happened

[[exr]] met its counterparts to discuss [[topic:trade]]. The one commitment made,
[[commitment:exr-open-talks]], is tracked from brief to brief.
"#
    )
}

/// The output, and the lock a build holds beside it (see [`crate::output::lock_name`]).
const STARTER_GITIGNORE: &str = "/public\n/.public.accord-lock\n";

/// `accord init DIR`: a working starter site. Refuses a directory that already has an
/// `accord.toml`, and never overwrites a file.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if dir.join("accord.toml").exists() {
        return Err(Error::Refused {
            message: format!(
                "{} already holds an Accord site (accord.toml exists)",
                dir.display()
            ),
            help: "choose a new directory, e.g. `accord init my-briefs`".into(),
        });
    }
    let today = today();
    let files: Vec<(&str, String)> = vec![
        ("accord.toml", STARTER_CONFIG.into()),
        ("content/parties/exr.md", STARTER_PARTY.into()),
        ("content/topics/trade.md", STARTER_TOPIC.into()),
        ("content/briefs/first-brief.md", starter_brief(&today)),
        (".gitignore", STARTER_GITIGNORE.into()),
        (
            ".github/workflows/pages.yml",
            pages_workflow(AccordFrom::Install),
        ),
    ];
    for (rel, _) in &files {
        if dir.join(rel).exists() {
            return Err(Error::Refused {
                message: format!("{} already exists", dir.join(rel).display()),
                help: "run `accord init` in an empty or new directory".into(),
            });
        }
    }
    files
        .iter()
        .map(|(rel, text)| write_new(&dir.join(rel), text))
        .collect()
}

/// `accord new brief "Title"`: `content/briefs/<slug>.md` with the front matter to fill in.
pub fn new_brief(root: &Path, title: &str) -> Result<PathBuf, Error> {
    if !root.join("accord.toml").is_file() {
        return Err(Error::Refused {
            message: format!("{} is not an Accord site (no accord.toml)", root.display()),
            help: "run this inside a site, or pass --root DIR".into(),
        });
    }
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Error::Refused {
            message: format!("cannot make a file name from the title {title:?}"),
            help: "give a title with some letters or digits".into(),
        });
    }
    let path = root.join("content/briefs").join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Refused {
            message: format!("{} already exists", path.display()),
            help: "choose another title, or edit that file".into(),
        });
    }
    let title_yaml = serde_json::to_string(title).unwrap_or_else(|_| format!("{title:?}"));
    let text = format!(
        r#"---
title: {title_yaml}
date: {date}
summary:
event:
location:
parties: []        # party ids from content/parties/, e.g. [us, jp]
people: []         # - {{ name: ..., role: ..., party: ... }}
topics: []         # topic ids from content/topics/
commitments: []    # - {{ id: ..., text: ..., by: [...], status: announced }}
sources: []        # - {{ title: ..., url: ... }}
draft: true
---
Write the brief here. Link a party with `[[party-id]]`, a topic with `[[topic:topic-id]]`.
"#,
        date = today()
    );
    write_new(&path, &text)
}

fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

/// Create a file that must not exist yet (with its directories).
fn write_new(path: &Path, text: &str) -> Result<PathBuf, Error> {
    let io_err = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_err)?;
    io::Write::write_all(&mut file, text.as_bytes()).map_err(io_err)?;
    Ok(path.to_path_buf())
}
