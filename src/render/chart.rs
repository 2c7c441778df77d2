//! The tracker's status chart: a bar per status, drawn as SVG at build time so it needs no
//! script. Colours come from the theme's CSS (`.bar.status-<id>`).

use std::fmt::Write as _;

use crate::html::escape;

/// One bar: the status id (for its CSS class), its label and its count.
pub struct Bar<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub count: usize,
}

const ROW: usize = 26;
const LABEL_WIDTH: usize = 150;
const BAR_WIDTH: usize = 360;

/// An accessible SVG bar chart: a title and a text description for screen readers, and the
/// count printed beside each bar.
pub fn status_chart(bars: &[Bar], title: &str) -> String {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let total: usize = bars.iter().map(|b| b.count).sum();
    let height = ROW * bars.len().max(1);
    let width = LABEL_WIDTH + BAR_WIDTH + 60;
    let description: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.count))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"status-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{} commitments. {}</desc>",
        escape(title),
        total,
        escape(&description.join("; "))
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i * ROW;
        let w = b.count * BAR_WIDTH / max;
        let _ = write!(
            svg,
            "<g class=\"bar status-{id}\"><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{ry}\" width=\"{w}\" height=\"{rh}\" rx=\"3\"></rect>\
             <text x=\"{cx}\" y=\"{ty}\" class=\"count\">{count}</text></g>",
            id = escape(b.id),
            lx = LABEL_WIDTH - 10,
            ty = y + 17,
            label = escape(b.label),
            ry = y + 4,
            rh = ROW - 8,
            cx = LABEL_WIDTH + w + 8,
            count = b.count,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        let svg = status_chart(
            &[
                Bar {
                    id: "done",
                    label: "Done",
                    count: 2,
                },
                Bar {
                    id: "stalled",
                    label: "Stalled & late",
                    count: 4,
                },
            ],
            "Status",
        );
        assert!(svg.contains("width=\"180\""), "{svg}");
        assert!(svg.contains("width=\"360\""), "{svg}");
        assert!(svg.contains("Stalled &amp; late: 4"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
