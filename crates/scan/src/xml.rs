//! Just enough of OOXML read whole: entities, a workbook's sheet list and its relationships
//! (small parts; the large ones are streamed, see `stream.rs`).

/// Decode the five XML entities and numeric character references.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else {
            out.push_str(rest);
            return out;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in a start tag's text.
pub(crate) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(&tag[i..i + j])
}

/// Each `<name …>…</name>` (or `<name …/>`) element: (start tag, inner XML).
fn elements<'a>(xml: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // Not a longer name (<c matches <cols otherwise).
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let start = &after[..gt];
        if start.ends_with('/') {
            out.push((start, ""));
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push((start, &body[..end]));
        rest = &body[end + close.len()..];
    }
    out
}

pub struct Sheet {
    pub name: String,
    pub rel_id: String,
    pub hidden: bool,
}

pub fn sheets(workbook: &str) -> Vec<Sheet> {
    elements(workbook, "sheet")
        .into_iter()
        .map(|(tag, _)| Sheet {
            name: unescape(attr(tag, "name").unwrap_or("")),
            rel_id: attr(tag, "r:id").unwrap_or("").to_string(),
            hidden: matches!(attr(tag, "state"), Some("hidden" | "veryHidden")),
        })
        .collect()
}

pub fn relationship_target(rels: &str, id: &str) -> Option<String> {
    elements(rels, "Relationship")
        .into_iter()
        .find(|(tag, _)| attr(tag, "Id") == Some(id))
        .and_then(|(tag, _)| attr(tag, "Target").map(unescape))
}
