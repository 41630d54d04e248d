//! PDF files. First every stream is decoded within the budget (Flate, LZW, ASCIIHex, ASCII85 and
//! RunLength; image codecs are left encoded), so an inflate bomb is refused before any reader
//! holds it and a stream that will not decode makes the file "cannot be checked", not clean.
//! Then the text is read twice: by pdf-extract page by page (fonts, ToUnicode maps), and
//! straight from the content streams' text operators (what a simple font shows, whatever
//! pdf-extract makes of it). A PDF with no text at all — a scanned 红头文件 — cannot be
//! checked by machine and says so.

use crate::budget::Budget;
use crate::{Kind, ScanError};
use std::collections::HashSet;
use std::io::Read;

pub(crate) fn scan(bytes: &[u8], b: &mut Budget) -> Result<(), ScanError> {
    let contents = decoded_streams(bytes, b)?;
    // The PDF reader can panic on malformed files: a malformed file is unreadable, not a crash.
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
        .map_err(|_| ScanError::Unreadable("PDF 文件已损坏或格式不受支持".into()))?
        .map_err(|e| ScanError::Unreadable(format!("PDF：{e}")))?;
    b.tick()?;
    let mut seen: HashSet<(Kind, String)> = HashSet::new();
    let mut any_text = false;
    for (i, text) in pages.iter().enumerate() {
        any_text |= !text.trim().is_empty();
        let mark = b.out.findings.len();
        for line in text.lines() {
            b.scan_line(line, &format!("第 {} 页", i + 1))?;
        }
        seen.extend(
            b.out.findings[mark..]
                .iter()
                .map(|f| (f.kind, f.masked.clone())),
        );
    }
    // The content streams' own text: what pdf-extract missed is added, not repeated.
    for text in contents.iter().map(|c| shown_text(c)) {
        any_text |= !text.trim().is_empty();
        let mark = b.out.findings.len();
        for line in text.lines() {
            b.scan_line(line, "PDF 文字")?;
        }
        let mut i = mark;
        while i < b.out.findings.len() {
            let key = (b.out.findings[i].kind, b.out.findings[i].masked.clone());
            if seen.contains(&key) {
                b.out.findings.remove(i);
            } else {
                seen.insert(key);
                i += 1;
            }
        }
    }
    if !any_text {
        return Err(ScanError::Unreadable(
            "PDF 中没有可提取的文字（可能是扫描件或图片），无法自动检查，请人工核对".into(),
        ));
    }
    Ok(())
}

/// Every stream of the file decoded (within the budget); those that show text are returned.
pub(crate) fn decoded_streams(bytes: &[u8], b: &mut Budget) -> Result<Vec<Vec<u8>>, ScanError> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut n = 0;
    while let Some(k) = find(&bytes[at..], b"stream") {
        let key = at + k;
        at = key + 6;
        // `endstream` also contains the word; a stream keyword ends a dictionary.
        if key >= 3 && &bytes[key - 3..key] == b"end" {
            continue;
        }
        let mut start = key + 6;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) != Some(&b'\n') {
            continue;
        }
        start += 1;
        let Some(len) = find(&bytes[start..], b"endstream") else {
            return Err(ScanError::Unreadable(
                "PDF 数据流没有结束标记，文件不完整".into(),
            ));
        };
        let data = &bytes[start..start + len];
        let dict_from = key.saturating_sub(4096);
        let dict = &bytes[dict_from..key];
        let dict = match rfind(dict, b"obj") {
            Some(i) => &dict[i..],
            None => dict,
        };
        n += 1;
        let decoded = decode(data, &filters(dict), n, b)?;
        if let Some(d) = decoded
            && find(&d, b"BT").is_some()
        {
            out.push(d);
        }
        at = start + len + 9;
        b.tick()?;
    }
    Ok(out)
}

/// The filter names of a stream's dictionary, in order.
fn filters(dict: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(dict);
    let Some(i) = text.rfind("/Filter") else {
        return Vec::new();
    };
    let rest = text[i + 7..].trim_start();
    let list: &str = if let Some(r) = rest.strip_prefix('[') {
        r.split(']').next().unwrap_or("")
    } else if let Some(r) = rest.strip_prefix('/') {
        let end = r
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '[' | '<'))
            .unwrap_or(r.len());
        &rest[..end + 1]
    } else {
        ""
    };
    list.split('/')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

/// Decode stream number `n` (`data`) through `filters`: `Some(bytes)`, or `None` for an image
/// codec (left alone). A stream that does not decode is unreadable; past the budget, a limit.
fn decode(
    data: &[u8],
    filters: &[String],
    n: usize,
    b: &mut Budget,
) -> Result<Option<Vec<u8>>, ScanError> {
    let broken = |e: String| ScanError::Unreadable(format!("PDF 第 {n} 个数据流无法解码：{e}"));
    let mut cur = data.to_vec();
    for f in filters {
        let room = b.room();
        let next = match f.as_str() {
            "FlateDecode" | "Fl" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(&cur[..])
                    .take(room + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| broken(format!("Flate：{e}")))?;
                out
            }
            "LZWDecode" | "LZW" => lzw(&cur, room).map_err(broken)?,
            "ASCIIHexDecode" | "AHx" => ascii_hex(&cur).map_err(broken)?,
            "ASCII85Decode" | "A85" => ascii85(&cur).map_err(broken)?,
            "RunLengthDecode" | "RL" => run_length(&cur, room).map_err(broken)?,
            // Images: nothing a text scan reads.
            _ => return Ok(None),
        };
        b.unpack(next.len())?;
        cur = next;
    }
    if filters.is_empty() {
        b.unpack(cur.len())?;
    }
    Ok(Some(cur))
}

fn lzw(data: &[u8], room: u64) -> Result<Vec<u8>, String> {
    let mut d = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut input = data;
    loop {
        let r = d.decode_bytes(input, &mut buf);
        out.extend_from_slice(&buf[..r.consumed_out]);
        input = &input[r.consumed_in..];
        if out.len() as u64 > room {
            return Ok(out);
        }
        match r.status {
            Ok(weezl::LzwStatus::Done) => return Ok(out),
            Ok(weezl::LzwStatus::NoProgress) if input.is_empty() => return Ok(out),
            Ok(weezl::LzwStatus::NoProgress) => return Err("LZW 数据不完整".into()),
            Ok(weezl::LzwStatus::Ok) => {}
            Err(e) => return Err(format!("LZW：{e}")),
        }
    }
}

fn ascii_hex(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut digits = Vec::new();
    for &c in data {
        match c {
            b'>' => break,
            c if c.is_ascii_whitespace() => {}
            c if c.is_ascii_hexdigit() => digits.push((c as char).to_digit(16).unwrap_or(0) as u8),
            _ => return Err("ASCIIHex 数据中有非十六进制字符".into()),
        }
    }
    if digits.len() % 2 == 1 {
        digits.push(0);
    }
    Ok(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

fn ascii85(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut group = Vec::with_capacity(5);
    let body = match find(data, b"~>") {
        Some(i) => &data[..i],
        None => data,
    };
    let body = body.strip_prefix(b"<~").unwrap_or(body);
    for &c in body {
        match c {
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push(c - b'!');
                if group.len() == 5 {
                    let v = group.iter().fold(0u64, |a, d| a * 85 + *d as u64);
                    if v > u32::MAX as u64 {
                        return Err("ASCII85 数据越界".into());
                    }
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    group.clear();
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => return Err("ASCII85 数据中有无效字符".into()),
        }
    }
    if !group.is_empty() {
        let n = group.len();
        group.resize(5, 84);
        let v = group.iter().fold(0u64, |a, d| a * 85 + *d as u64);
        out.extend_from_slice(&(v.min(u32::MAX as u64) as u32).to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

fn run_length(data: &[u8], room: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && (out.len() as u64) <= room {
        let n = data[i] as usize;
        i += 1;
        match n {
            128 => break,
            0..=127 => {
                let end = (i + n + 1).min(data.len());
                out.extend_from_slice(&data[i..end]);
                i = end;
            }
            _ => {
                let Some(&byte) = data.get(i) else {
                    return Err("RunLength 数据不完整".into());
                };
                out.extend(std::iter::repeat_n(byte, 257 - n));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The strings a content stream shows (Tj, TJ, ' and "), each text object a line; bytes read
/// as Latin-1, which is what simple fonts' digits and letters are.
fn shown_text(content: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                let mut depth = 1;
                i += 1;
                while i < content.len() && depth > 0 {
                    match content[i] {
                        b'\\' => {
                            i += 1;
                            if let Some(&c) = content.get(i) {
                                match c {
                                    b'n' | b'r' | b't' => out.push(' '),
                                    b'0'..=b'7' => {
                                        let mut v = 0u32;
                                        let mut k = 0;
                                        while k < 3 && matches!(content.get(i), Some(b'0'..=b'7')) {
                                            v = v * 8 + (content[i] - b'0') as u32;
                                            i += 1;
                                            k += 1;
                                        }
                                        i -= 1;
                                        out.push(char::from_u32(v & 0xff).unwrap_or(' '));
                                    }
                                    c => out.push(c as char),
                                }
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push('(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                out.push(')');
                            }
                        }
                        c => out.push(c as char),
                    }
                    i += 1;
                }
            }
            b'<' if content.get(i + 1) != Some(&b'<') => {
                let end = content[i..].iter().position(|c| *c == b'>').map(|p| i + p);
                if let Some(end) = end {
                    if let Ok(bytes) = ascii_hex(&content[i + 1..end]) {
                        out.extend(bytes.iter().map(|b| *b as char));
                    }
                    i = end + 1;
                } else {
                    i += 1;
                }
            }
            b'T' if content.get(i + 1) == Some(&b'j') => {
                out.push(' ');
                i += 2;
            }
            b'E' if content.get(i + 1) == Some(&b'T') => {
                out.push('\n');
                i += 2;
            }
            _ => i += 1,
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
