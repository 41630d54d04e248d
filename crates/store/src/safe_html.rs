//! HTML that has been through the sanitiser. A publication's body (and an engagement's draft)
//! is written only as a [`SafeHtml`], and only [`sanitise`] makes one: no path can store markup
//! that was not cleaned.

/// Sanitised HTML: the structure of an official document, nothing that runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The tags and attributes a publication body may keep: the structure of an official document,
/// nothing that runs.
pub fn sanitise(body: &str) -> SafeHtml {
    if is_plain_markup(body) {
        return SafeHtml(body.to_string());
    }
    static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let cleaned = CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.add_tags(["figure", "figcaption", "video", "audio", "source"])
                .add_tag_attributes("video", ["src", "controls", "poster"])
                .add_tag_attributes("audio", ["src", "controls"])
                .add_tag_attributes("source", ["src", "type"])
                .add_tag_attributes("td", ["colspan", "rowspan"])
                .add_tag_attributes("th", ["colspan", "rowspan"]);
            b
        })
        .clean(body)
        .to_string();
    SafeHtml(cleaned)
}

/// Markup that sanitising would leave as it is, checked without parsing it as a document:
/// only text and balanced tags without attributes from a short list of harmless ones, `&`
/// only in character references, no `>` or control characters in text. Bodies imported from
/// office systems are mostly this (`<p>…</p>` paragraphs); anything else goes to the full
/// sanitiser.
fn is_plain_markup(body: &str) -> bool {
    const CONTAINERS: &[&str] = &[
        "p",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "sub",
        "sup",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
    ];
    let bytes = body.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let Some(len) = bytes[i + 1..].iter().position(|&b| b == b'>') else {
                    return false;
                };
                let tag = &body[i + 1..i + 1 + len];
                let (closing, name) = match tag.strip_prefix('/') {
                    Some(n) => (true, n),
                    None => (false, tag),
                };
                if name == "br" || name == "br/" || name == "br /" {
                    if closing {
                        return false;
                    }
                } else if let Some(&known) = CONTAINERS.iter().find(|&&c| c == name) {
                    if closing {
                        if open.pop() != Some(known) {
                            return false;
                        }
                    } else {
                        open.push(known);
                    }
                } else {
                    return false;
                }
                i += len + 2;
            }
            b'&' => {
                let rest = &body[i + 1..];
                let Some(end) = rest.find(';').filter(|&e| e > 0 && e <= 10) else {
                    return false;
                };
                let name = &rest[..end];
                let ok = match name.strip_prefix('#') {
                    Some(n) => match n.strip_prefix(['x', 'X']) {
                        Some(h) => !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
                        None => !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
                    },
                    None => name.chars().all(|c| c.is_ascii_alphanumeric()),
                };
                if !ok {
                    return false;
                }
                i += end + 2;
            }
            b'>' | 0..=8 | 11 | 12 | 14..=31 | 127 => return false,
            _ => i += 1,
        }
    }
    open.is_empty()
}

#[cfg(test)]
mod tests {
    use super::{is_plain_markup, sanitise};

    #[test]
    fn plain_paragraphs_are_kept_as_they_are() {
        let body = "<p>第一条 为了规范&nbsp;政府信息公开&#12290;</p><p>第二条<br>“公开”</p>\
                    <table><tr><td>1</td></tr></table>";
        assert!(is_plain_markup(body));
        assert_eq!(sanitise(body).as_str(), body);
    }

    #[test]
    fn anything_else_goes_through_the_full_sanitiser() {
        for (dirty, clean) in [
            ("<p onclick=\"x()\">a</p>", "<p>a</p>"),
            ("<p>a</p><script>alert(1)</script>", "<p>a</p>"),
            ("<p>a<!-- c --></p>", "<p>a</p>"),
            ("<p>a", "<p>a</p>"),
            ("<p>a</b></p>", "<p>a</p>"),
            ("<div><p>a</p></div>", "<div><p>a</p></div>"),
            ("a & b", "a &amp; b"),
            ("a > b", "a &gt; b"),
            ("<P>a</P>", "<p>a</p>"),
            ("<td colspan=\"2\">a</td>", "a"),
        ] {
            assert!(!is_plain_markup(dirty), "{dirty}");
            assert_eq!(sanitise(dirty).as_str(), clean, "{dirty}");
        }
    }
}
