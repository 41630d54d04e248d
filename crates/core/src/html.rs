//! Small helpers for text that arrives as HTML.

/// Decode the entities that published pages use for text (`&nbsp;` as a space).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&nbsp;", " ")
        .replace("&#160;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&ldquo;", "“")
        .replace("&rdquo;", "”")
        .replace("&amp;", "&")
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
    fn decodes_ampersand_last() {
        assert_eq!(
            super::decode_entities("&amp;lt; &nbsp;&ldquo;x&rdquo;"),
            "&lt;  “x”"
        );
    }
}
