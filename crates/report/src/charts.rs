//! Charts as inline SVG, drawn on the server (no script, prints as it shows): horizontal bars
//! with their values written out, a title and a text description for screen readers.

/// A horizontal bar chart of `items` (label, value). Labels are cut to 16 characters.
pub fn bars(title: &str, items: &[(String, u64)], unit: &str) -> String {
    let row = 26;
    let label_w = 230;
    let bar_w = 360;
    let height = 40 + row * items.len().max(1);
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let desc: Vec<String> = items.iter().map(|(l, v)| format!("{l}{v}{unit}")).collect();
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\" font-size=\"13\"><title>{t}</title><desc>{d}</desc>\
         <text x=\"0\" y=\"18\" font-weight=\"bold\">{t}</text>",
        w = label_w + bar_w + 80,
        t = gongkai_core::html::escape(title),
        d = gongkai_core::html::escape(&desc.join("；")),
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let y = 32 + i * row;
        let w = (*value as f64 / max as f64 * bar_w as f64).round() as u64;
        let short: String = label.chars().take(16).collect();
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{l}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"#1f5fa8\"></rect>\
             <text x=\"{vx}\" y=\"{ty}\">{v}</text>",
            lx = label_w - 8,
            ty = y + 14,
            l = gongkai_core::html::escape(&short),
            bx = label_w,
            vx = label_w + w as usize + 6,
            v = value,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_scale_to_the_largest_and_describe_themselves() {
        let svg = super::bars(
            "各类答复",
            &[("予以公开".into(), 200), ("不予公开<x>".into(), 50)],
            "件",
        );
        assert!(svg.contains("<title>各类答复</title>"));
        assert!(svg.contains("予以公开200件；不予公开&lt;x&gt;50件"));
        assert!(svg.contains("width=\"360\"") && svg.contains("width=\"90\""));
        assert!(!svg.contains("<x>"));
    }
}
