//! Tests of Markdown rendering and `[[...]]` references.
use super::*;

struct Parties;
impl LinkResolver for Parties {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        match target {
            "jp" => Ok(ResolvedLink {
                href: "/b/parties/jp/".into(),
                label: "Japan".into(),
                class: "ref-party",
            }),
            other => Err(LinkError {
                message: format!("unknown party `{other}`"),
                help: None,
            }),
        }
    }
}

#[test]
fn references_become_links() {
    let r = render(
        "Met with [[jp]] and [[jp|Tokyo]].",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert!(
        r.html
            .contains(r#"<a class="ref ref-party" href="/b/parties/jp/">Japan</a>"#),
        "{}",
        r.html
    );
    assert!(r.html.contains(">Tokyo</a>"), "{}", r.html);
}

#[test]
fn words_are_counted_across_the_events_smart_punctuation_makes() {
    let r = render(
        "We don't \"know\" it.\n\nNon\u{a0}breaking *and* `code` here",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    // We, don't, "know", it. / Non, breaking, and, here: code is not prose.
    assert_eq!(r.words, 8);
    let mut in_word = false;
    assert_eq!(count_words("  two  words ", &mut in_word), 2);
    assert!(!in_word);
    assert_eq!(count_words("a\tb\nc\rd\x0be\x0cf", &mut in_word), 6);
    assert_eq!(count_words("g", &mut in_word), 0, "continues the word f");
    assert_eq!(count_words("", &mut in_word), 0);
}

#[test]
fn references_split_by_smart_punctuation_still_resolve() {
    let r = render(
        "It's \"[[jp]]\" and [[jp|Japan's]] [not a ref] ]]",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert_eq!(r.html.matches("ref-party").count(), 2, "{}", r.html);
    assert!(r.html.contains("[not a ref] ]]"), "{}", r.html);
}

fn errors(src: &str) -> Vec<String> {
    match render(src, &Parties, Flavor::default()) {
        Ok(r) => panic!("expected errors, got {}", r.html),
        Err(bad) => bad
            .iter()
            .map(|b| src[b.range.clone()].to_string())
            .collect(),
    }
}

fn html(src: &str) -> String {
    match render(src, &Parties, Flavor::default()) {
        Ok(r) => r.html,
        Err(bad) => panic!(
            "{:?}",
            bad.iter().map(|b| &b.error.message).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn every_double_bracket_resolves_or_is_an_error() {
    // A label with Markdown in it: the link wraps the formatted label.
    assert_eq!(
        html("Met [[jp|*Japan*]] today."),
        "<p>Met <a class=\"ref ref-party\" href=\"/b/parties/jp/\"><em>Japan</em></a> today.</p>\n"
    );
    assert_eq!(
        html("[[jp|the **new** partner]]"),
        "<p><a class=\"ref ref-party\" href=\"/b/parties/jp/\">the <strong>new</strong> partner</a></p>\n"
    );
    // Unknown targets are errors whether or not the label has markup.
    assert_eq!(
        errors("A [[nosuch|the *new* party]] b"),
        ["[[nosuch|the *new* party]]"]
    );
    assert_eq!(
        errors("[[nosuch]] and [[jpn|x]]"),
        ["[[nosuch]]", "[[jpn|x]]"]
    );
    // An unclosed `[[` is an error, in prose and in a table whose bar split it.
    assert_eq!(errors("Text [[ and more."), ["[[ and more."]);
    let table = "| a | b |\n|---|---|\n| [[jp|Japan]] | x |\n";
    assert_eq!(errors(table), ["[[jp"]);
    // With the bar escaped, a labelled reference fits in a table.
    let table = "| a | b |\n|---|---|\n| [[jp\\|Nippon]] | x |\n";
    assert!(html(table).contains(">Nippon</a></td>"), "{}", html(table));
    // In an image's alt text, a reference is its label: no markup in `alt`.
    let img = html("![[[jp]] flag](flag.png)");
    assert!(img.contains("alt=\"Japan flag\""), "{img}");
    // Markup in the id, or a `]]` inside the label's markup, is an error, not a link.
    assert_eq!(errors("[[*jp*]] x"), ["[[*jp*]]"]);
    assert_eq!(errors("[[jp|*Japan]]* x"), ["[[jp|"]);
    // A reference inside another's label is an error, whichever way it is written.
    assert_eq!(errors("[[jp|**a** [[jp|*b* c]] d").len(), 1);
    assert_eq!(errors("[[jp|*a* [[jp]] b]] e"), [" [[jp]] b]] e"]);
    // Brackets the source does not have as such (escaped, or entities) are not confused
    // with the references it does have, and never cut a character in two.
    let escaped = html("\\[\\[a]] [[jp]]");
    assert_eq!(escaped.matches("ref-party").count(), 1, "{escaped}");
    assert!(escaped.contains("[[a]]"), "{escaped}");
    assert!(html("€\\[\\[x\n]]").contains("€[[x\n]]"));
    assert!(html("€&#91;&#91;x\n]] é").contains("€[[x\n]] é"));
    assert!(html("\\[[jp]]").contains("[[jp]]"));
    assert!(render("é [[jp|&#91;&#91;x]] ]]", &Parties, Flavor::default()).is_ok());
    // In code it stays as written.
    assert!(html("`[[` and `[[x]]`").contains("<code>[[</code>"));
}

#[test]
fn links_that_run_script_are_errors_in_any_flavor() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "![x](data:image/svg+xml,<svg/>)",
        "[x][r]\n\n[r]: VBScript:msgbox",
        "<javascript:alert(1)>",
    ] {
        for raw_html in [true, false] {
            assert!(
                render(src, &Parties, Flavor { raw_html }).is_err(),
                "{src} passed"
            );
        }
    }
    assert!(html("[x](https://x.org) [y](../kl/) [z](#a)").contains("href=\"../kl/\""));
}

#[test]
fn raw_html_can_be_turned_off() {
    let src = "<div onclick=\"x()\">hi</div>\n\nand <b>bold</b>\n";
    let on = render(src, &Parties, Flavor { raw_html: true })
        .ok()
        .unwrap()
        .html;
    assert!(on.contains("<div onclick"), "{on}");
    let off = render(src, &Parties, Flavor { raw_html: false })
        .ok()
        .unwrap()
        .html;
    assert!(!off.contains("<div") && !off.contains("<b>"), "{off}");
    assert!(
        off.contains("&lt;div onclick=&quot;x()&quot;&gt;")
            || off.contains("&lt;div onclick=\"x()\"&gt;"),
        "{off}"
    );
    assert!(off.contains("&lt;b&gt;bold&lt;/b&gt;"), "{off}");
}

#[test]
fn footnotes_cannot_take_the_pages_ids() {
    let out = html("Text[^main] and[^brief-title].\n\n[^main]: One.\n[^brief-title]: Two.\n");
    for id in RESERVED_IDS {
        assert!(!out.contains(&format!("id=\"{id}\"")), "{id} in {out}");
    }
    assert!(
        out.contains("id=\"fn-main\"") && out.contains("href=\"#fn-main\""),
        "{out}"
    );
}

#[test]
fn plain_text_has_the_words_and_labels_without_markup() {
    let src = "## Next *steps*\n\nTalks & [[jp]] [talks](https://x.org) `code`\nmore.\n\n| a | b |\n|---|---|\n| c | d |\n\n- one\n- two";
    let text = plain_text(src, &Parties, Flavor::default()).ok().unwrap();
    assert_eq!(
        text,
        "Next steps\nTalks & Japan talks code more.\na b\nc d\none\ntwo\n"
    );
    assert!(plain_text("Met [[jpn]].", &Parties, Flavor::default()).is_err());
}

#[test]
fn bad_reference_reports_its_range() {
    let src = "Para one.\n\nMet [[jpn]] today.";
    let Err(bad) = render(src, &Parties, Flavor::default()) else {
        panic!("expected an error")
    };
    assert_eq!(bad.len(), 1);
    assert_eq!(&src[bad[0].range.clone()], "[[jpn]]");
}

#[test]
fn references_in_code_are_left_alone() {
    let r = render(
        "`[[nope]]`\n\n```\n[[nope]]\n```\n",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert!(r.html.contains("[[nope]]"));
}

#[test]
fn headings_get_unique_ids_anchors_and_a_nested_toc() {
    let r = render(
        "# Outcome\n\n## Defence\n\n## Defence\n\n# Next {#next-steps}\n",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert!(r.html.contains("<h2 id=\"outcome\">"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"defence-1\">"), "{}", r.html);
    assert!(r.html.contains("href=\"#next-steps\""), "{}", r.html);
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children.len(), 2);
    assert_eq!(r.toc[1].id, "next-steps");
}

#[test]
fn references_survive_smart_punctuation_and_links() {
    struct Any;
    impl LinkResolver for Any {
        fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
            Ok(ResolvedLink {
                href: format!("/t/{target}/"),
                label: target.to_string(),
                class: "ref-topic",
            })
        }
    }
    let r = render(
        "See [[topic:us--jp|Japan's \"view\"]].\n\n[see [[jp]]](https://x.org)\n",
        &Any,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert!(r.html.contains(r#"href="/t/topic:us--jp/""#), "{}", r.html);
    assert!(
        r.html.contains(">Japan's &quot;view&quot;</a>")
            || r.html.contains(">Japan's \"view\"</a>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(r#"<a href="https://x.org">see jp</a>"#),
        "{}",
        r.html
    );
}

#[test]
fn heading_ids_avoid_the_theme_and_footnotes_and_refs_read_as_labels() {
    let r = render(
        "## Main\n\n## Quote\n\n## With [[jp]]\n\nText[^quote].\n\n[^quote]: Note.\n",
        &Parties,
        Flavor::default(),
    )
    .ok()
    .unwrap();
    assert_eq!(
        r.toc.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["main-1", "quote", "with-japan"]
    );
    assert_eq!(r.toc[2].title, "With Japan");
}

#[test]
fn many_equal_headings_stay_fast_and_unique() {
    let src = "## Same\n\n".repeat(5000);
    let r = render(&src, &Parties, Flavor::default()).ok().unwrap();
    assert_eq!(r.toc.len(), 5000);
    assert_eq!(r.toc[4999].id, "same-4999");
}

#[test]
fn extensions_are_on() {
    let src = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n";
    let r = render(src, &Parties, Flavor::default()).ok().unwrap();
    for needle in [
        "<table>",
        "<del>old</del>",
        "“quoted”",
        "type=\"checkbox\"",
        "footnote-definition",
    ] {
        assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
    }
}
