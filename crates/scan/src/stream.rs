//! OOXML parts read as a stream of start tags, end tags and text, a buffer at a time, every
//! byte counted against the file's budget. Nothing holds a whole part: a part of gigabytes
//! costs its time (until the limit stops it), not its size in memory.

use crate::ScanError;
use crate::budget::Budget;
use crate::xml::unescape;
use std::io::Read;

/// One piece of a part.
pub(crate) enum Event<'a> {
    /// A start tag: its name and the whole tag text (for attributes); `empty` for `<x/>`.
    Start {
        name: &'a str,
        tag: &'a str,
        empty: bool,
    },
    End {
        name: &'a str,
    },
    Text(&'a str),
}

/// Longest tag accepted (attributes included).
const MAX_TAG: usize = 64 * 1024;
/// Text is handed on in pieces of about this size.
const TEXT_PIECE: usize = 64 * 1024;

/// Read `r` (a part of `name`) to its end, calling `on` for each event.
pub(crate) fn read<R: Read>(
    mut r: R,
    name: &str,
    b: &mut Budget,
    mut on: impl FnMut(Event, &mut Budget) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut tag: Vec<u8> = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut in_tag = false;
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|e| ScanError::Unreadable(format!("{name}：{e}")))?;
        if n == 0 {
            break;
        }
        b.unpack(n)?;
        let mut chunk = &buf[..n];
        while !chunk.is_empty() {
            if in_tag {
                match chunk.iter().position(|c| *c == b'>') {
                    Some(i) => {
                        push_tag(&mut tag, &chunk[..i], name)?;
                        in_tag = false;
                        emit_tag(&tag, name, b, &mut on)?;
                        tag.clear();
                        chunk = &chunk[i + 1..];
                    }
                    None => {
                        push_tag(&mut tag, chunk, name)?;
                        chunk = &[];
                    }
                }
            } else {
                let i = chunk.iter().position(|c| *c == b'<');
                let end = i.unwrap_or(chunk.len());
                text.extend_from_slice(&chunk[..end]);
                if text.len() >= TEXT_PIECE {
                    flush_text(&mut text, false, b, &mut on)?;
                }
                if let Some(i) = i {
                    in_tag = true;
                    flush_text(&mut text, true, b, &mut on)?;
                    chunk = &chunk[i + 1..];
                } else {
                    chunk = &[];
                }
            }
        }
    }
    flush_text(&mut text, true, b, &mut on)
}

fn push_tag(tag: &mut Vec<u8>, bytes: &[u8], part: &str) -> Result<(), ScanError> {
    if tag.len() + bytes.len() > MAX_TAG {
        return Err(ScanError::Unreadable(format!("{part}：XML 标签过长")));
    }
    tag.extend_from_slice(bytes);
    Ok(())
}

fn emit_tag(
    tag: &[u8],
    part: &str,
    b: &mut Budget,
    on: &mut impl FnMut(Event, &mut Budget) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    // Declarations, processing instructions and comments carry no text.
    if tag.first().is_some_and(|c| matches!(c, b'?' | b'!')) {
        return Ok(());
    }
    let tag = std::str::from_utf8(tag)
        .map_err(|_| ScanError::Unreadable(format!("{part}：XML 不是 UTF-8 编码")))?;
    if let Some(end) = tag.strip_prefix('/') {
        return on(Event::End { name: end.trim() }, b);
    }
    let empty = tag.ends_with('/');
    let name = tag
        .trim_end_matches('/')
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    on(Event::Start { name, tag, empty }, b)
}

/// Hand on the text held: all of it at a tag, or (mid-text) up to a point that splits neither
/// a UTF-8 character nor an entity.
fn flush_text(
    text: &mut Vec<u8>,
    all: bool,
    b: &mut Budget,
    on: &mut impl FnMut(Event, &mut Budget) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    if text.is_empty() {
        return Ok(());
    }
    let mut cut = text.len();
    if !all {
        // Keep an unfinished entity for the next piece.
        if let Some(amp) = text.iter().rposition(|c| *c == b'&')
            && !text[amp..].contains(&b';')
            && text.len() - amp < 16
        {
            cut = amp;
        }
        // Keep a split UTF-8 character.
        while cut > 0 && cut < text.len() && (text[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        if std::str::from_utf8(&text[..cut]).is_err() {
            let valid = match std::str::from_utf8(&text[..cut]) {
                Err(e) => e.valid_up_to(),
                Ok(_) => cut,
            };
            if cut - valid < 4 {
                cut = valid;
            }
        }
    }
    let piece = String::from_utf8_lossy(&text[..cut]).into_owned();
    text.drain(..cut);
    on(Event::Text(&unescape(&piece)), b)
}
