//! Small helpers for text that arrives as HTML: decoding, escaping, and the one reading of a
//! body as text.

/// Decode the entities that published pages use for text (`&nbsp;` as a space), numeric ones
/// (`&#49;`, `&#x31;`) included, in one pass (so `&amp;lt;` stays `&lt;`): text written as
/// entities reads as what it shows.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let decoded = tail
            .find(';')
            .filter(|e| *e <= 10)
            .and_then(|e| entity(&tail[..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of one entity's name (between `&` and `;`).
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        // A no-break space reads as a space, as `&nbsp;` does.
        return char::from_u32(code).map(|c| if c == '\u{a0}' { ' ' } else { c });
    }
    Some(match name {
        "nbsp" => ' ',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "amp" => '&',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "middot" => '·',
        "mdash" => '—',
        "hellip" => '…',
        _ => return None,
    })
}

/// The text of an HTML body as a reader sees it: tags dropped, block ends as line breaks,
/// entities decoded. The one reading of a body shared by the search index, the portal's
/// snippets and the personal-data scan, so what the scan checks is what is published.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        if [
            "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table",
        ]
        .iter()
        .any(|t| tag == *t || tag.starts_with(&format!("{t} ")))
            && !out.ends_with('\n')
        {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out.trim().to_string()
}

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_and_decode_are_inverse() {
        let s = "<a href=\"x\">R&D's</a>";
        assert_eq!(super::decode_entities(&super::escape(s)), s);
    }

    #[test]
    fn numeric_entities_read_as_their_characters() {
        assert_eq!(
            super::decode_entities(
                "&#49;&#x31;0105&#X31;9491231002&#88; &#38;lt; &#zz; &#1114112;"
            ),
            "11010519491231002X &lt; &#zz; &#1114112;"
        );
        assert_eq!(
            super::plain_text("<p>身份证&#x20;&#52;&#52;</p><p>第二段</p>"),
            "身份证 44\n第二段"
        );
    }

    #[test]
    fn decodes_ampersand_last() {
        assert_eq!(
            super::decode_entities("&amp;lt; &nbsp;&ldquo;x&rdquo;"),
            "&lt;  “x”"
        );
    }
}
