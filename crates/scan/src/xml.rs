//! Just enough of OOXML: the text of a part, the sheets of a workbook and their cells.

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

/// The text of a part: the content between tags, with a line break after each paragraph, row
/// or shared string, a tab after each table cell, and a space between other elements.
pub fn text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&unescape(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if tag.starts_with('/') {
            match name {
                "w:p" | "a:p" | "si" | "row" => out.push('\n'),
                "w:tc" => out.push('\t'),
                // Runs and text pieces join into words; anything else ends one.
                "w:t" | "w:r" | "t" | "r" => {}
                _ => out.push(' '),
            }
        } else if matches!(name, "w:br" | "w:tab" | "w:cr") {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&unescape(rest));
    out
}

/// The value of attribute `name` in a start tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
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

/// The text of every `<t>` inside `xml`, joined.
fn t_text(xml: &str) -> String {
    elements(xml, "t")
        .iter()
        .map(|(_, inner)| unescape(inner))
        .collect()
}

pub fn shared_strings(xml: &str) -> Vec<String> {
    elements(xml, "si")
        .iter()
        .map(|(_, inner)| t_text(inner))
        .collect()
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

pub struct Cell {
    pub reference: String,
    pub value: String,
}

pub fn cells(sheet: &str, shared: &[String]) -> Vec<Cell> {
    elements(sheet, "c")
        .into_iter()
        .filter_map(|(tag, inner)| {
            let reference = attr(tag, "r").unwrap_or("").to_string();
            let v = elements(inner, "v").first().map(|(_, x)| unescape(x));
            let value = match attr(tag, "t") {
                Some("s") => shared.get(v?.trim().parse::<usize>().ok()?)?.clone(),
                Some("inlineStr") => t_text(inner),
                _ => v?,
            };
            Some(Cell { reference, value })
        })
        .collect()
}
