//! HTML escaping: the one function every hand-made piece of HTML or XML goes through (the
//! Markdown renderer's own output, the chart's SVG, the redirect pages, the sitemaps). Tera
//! escapes what templates print.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in text and in a quoted attribute.
/// pulldown-cmark's escaper, which its HTML renderer uses too.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_html_reads_as_markup() {
        assert_eq!(
            super::escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(super::escape("plain"), "plain");
    }
}
