//! Markdown bodies with `[[...]]` references: rendering never panics, and every `[[` either
//! becomes a link or is reported.
#![no_main]

use accord::markdown::{self, LinkError, LinkResolver, ResolvedLink};
use libfuzzer_sys::fuzz_target;

/// Knows two parties and one commitment, like a small site.
struct Known;

impl LinkResolver for Known {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        let (kind, id) = target.split_once(':').unwrap_or(("party", target));
        let known = matches!((kind, id), ("party", "jp" | "us") | ("commitment", "c-1"));
        if known {
            Ok(ResolvedLink {
                href: format!("/{kind}/{id}/"),
                label: id.to_uppercase(),
                class: "ref-party",
            })
        } else {
            Err(LinkError {
                message: format!("unknown {kind} `{id}`"),
                help: None,
            })
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(bad) = markdown::render(text, &Known) {
        for b in bad {
            assert!(b.range.start <= b.range.end && b.range.end <= text.len());
            assert!(text.is_char_boundary(b.range.start) && text.is_char_boundary(b.range.end));
        }
    }
    let _ = markdown::plain_text(text, &Known);
});
