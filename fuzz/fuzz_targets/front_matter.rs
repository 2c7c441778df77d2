//! Front matter: any text as a brief's file must give a parsed brief or a diagnostic that
//! renders (its location inside the file), never a panic.
#![no_main]

use accord::content::raw::{BRIEF_FIELDS, PARTY_FIELDS, RawBrief, RawParty};
use accord::diagnostics::SourceFile;
use accord::content::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let brief = SourceFile::new("content/briefs/fuzz.md", text);
    let split = match frontmatter::split(&brief) {
        Ok(split) => split,
        Err(d) => {
            let _ = d.render();
            return;
        }
    };
    if let Err(d) = frontmatter::parse::<RawBrief>(&brief, &split, BRIEF_FIELDS) {
        let _ = d.render();
    }
    let party = SourceFile::new("content/parties/fuzz.md", text);
    if let Err(d) = frontmatter::parse::<RawParty>(&party, &split, PARTY_FIELDS) {
        let _ = d.render();
    }
});
