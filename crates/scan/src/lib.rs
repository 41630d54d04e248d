//! The personal-data and secret scan run before anything is released (publications, answer
//! letters, attachments): valid 居民身份证 numbers (checksum and birth date checked), mobile
//! numbers, bank card numbers (Luhn), and secrecy markings (绝密★ · 机密★ · 秘密★, 内部资料).
//!
//! Files are read as people really send them: DOCX (body, headers and footers, footnotes,
//! comments, document properties), XLSX (every sheet, hidden ones too — the 2023 PSNI breach was
//! a hidden sheet), PDF text, plain text.

use chrono::NaiveDate;
use gongkai_core::ids::{IdCardNumber, mask_middle};
use std::io::Read;

mod budget;
mod pdf;
mod stream;
mod xlsx;
mod xml;

use budget::{Budget, Lines};
pub use budget::{Limits, Scanned};
use xlsx::scan_xlsx;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    IdCard,
    Mobile,
    BankCard,
    SecretMarking,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::IdCard => "身份证号码",
            Kind::Mobile => "手机号码",
            Kind::BankCard => "银行卡号",
            Kind::SecretMarking => "密级标志",
        }
    }
}

/// One finding: where, what, and the value masked (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The part of the file: 正文, 批注, 文档属性, 工作表“…”（隐藏） B3, 第 2 页 …
    pub place: String,
    pub kind: Kind,
    pub masked: String,
}

/// Why a file could not be checked. Either way it is not clean: publication waits for a
/// person to look at it.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("无法读取：{0}")]
    Unreadable(String),
    /// Past one of the [`Limits`].
    #[error("超出检查限制：{0}")]
    Limit(String),
}

/// Scan a piece of text.
pub fn scan_text(text: &str, place: &str, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let found = |kind, masked: String| Finding {
        place: place.to_string(),
        kind,
        masked,
    };
    // Number-like spans: digits, with single spaces or hyphens between digit groups, and a
    // closing X for ID numbers. Each span is judged whole, then (if it has separators) as the
    // digits alone.
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            // A digit, or one separator between digits.
            let separator = (c == ' ' || c == '-')
                && j > start
                && chars[j - 1].is_ascii_digit()
                && chars.get(j + 1).is_some_and(char::is_ascii_digit);
            if !(c.is_ascii_digit() || separator) {
                break;
            }
            j += 1;
        }
        if j < chars.len()
            && matches!(chars[j], 'X' | 'x')
            && !chars.get(j + 1).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            j += 1;
        }
        let span: String = chars[start..j].iter().collect();
        for candidate in candidates(&span) {
            if let Some((kind, masked)) = classify(&candidate, today) {
                out.push(found(kind, masked));
            }
        }
        i = j.max(i + 1);
    }
    // Secrecy markings.
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for level in ["绝密", "机密", "秘密"] {
        let marked = format!("{level}★");
        let before = format!("★{level}");
        let n = compact.matches(&marked).count() + compact.matches(&before).count();
        for _ in 0..n {
            out.push(found(Kind::SecretMarking, marked.clone()));
        }
    }
    for m in ["内部资料", "内部文件，注意保存"] {
        for _ in 0..compact.matches(m).count() {
            out.push(found(Kind::SecretMarking, m.to_string()));
        }
    }
    out
}

/// A span as written, split at separators where that gives the groups of a card or a phone.
fn candidates(span: &str) -> Vec<String> {
    let has_sep = span.contains([' ', '-']);
    if !has_sep {
        return vec![span.to_string()];
    }
    let groups: Vec<&str> = span.split([' ', '-']).collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let joined: String = groups.concat();
    // 3-4-4 (phone), 4-4-4-4[-1..4] (card), 6-8-4 (ID): judge the digits together.
    let grouped = lens == [3, 4, 4]
        || (lens.len() >= 4 && lens[..4].iter().all(|l| *l == 4) && lens.len() <= 5)
        || lens == [6, 8, 4];
    if grouped {
        vec![joined]
    } else {
        groups.into_iter().map(str::to_string).collect()
    }
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn classify(s: &str, today: NaiveDate) -> Option<(Kind, String)> {
    let len = s.len();
    if len == 18 && IdCardNumber::parse(s, today).is_ok() {
        return Some((Kind::IdCard, mask_middle(s, 3, 4)));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let b = s.as_bytes();
    if len == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some((Kind::Mobile, mask_middle(s, 3, 4)));
    }
    // Bank cards: 16–19 digits passing Luhn, issued under the usual prefixes (银联 62, Visa 4,
    // Mastercard 5, …) — a Luhn-valid number alone is too common to report.
    if (16..=19).contains(&len) && matches!(b[0], b'3'..=b'6') && luhn(s) {
        return Some((Kind::BankCard, mask_middle(s, 4, 4)));
    }
    None
}

/// Scan a file's bytes within the default [`Limits`], judging its kind by its name (and its
/// first bytes).
pub fn scan_file(name: &str, bytes: &[u8], today: NaiveDate) -> Result<Scanned, ScanError> {
    scan_file_within(name, bytes, today, Limits::default())
}

/// Scan a file's bytes within `limits`: past one, [`ScanError::Limit`] (the file cannot be
/// checked), never an abort or a partial answer.
pub fn scan_file_within(
    name: &str,
    bytes: &[u8],
    today: NaiveDate,
    limits: Limits,
) -> Result<Scanned, ScanError> {
    let mut b = Budget::new(limits, today);
    let lower = name.to_ascii_lowercase();
    let zip = bytes.starts_with(b"PK\x03\x04");
    if bytes.starts_with(b"%PDF") || lower.ends_with(".pdf") {
        pdf::scan(bytes, &mut b)?;
    } else if lower.ends_with(".docx") && zip {
        scan_docx(bytes, &mut b)?;
    } else if lower.ends_with(".xlsx") && zip {
        scan_xlsx(bytes, &mut b)?;
    } else if zip || lower.ends_with(".docx") || lower.ends_with(".xlsx") {
        return Err(ScanError::Unreadable(
            "文件内容与扩展名不符，或是未知的压缩文件格式（可扫描 .docx、.xlsx、.pdf 和文本文件）"
                .into(),
        ));
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            ScanError::Unreadable("不是 UTF-8 文本，也不是 DOCX、XLSX 或 PDF".into())
        })?;
        b.unpack(text.len())?;
        for (i, line) in text.lines().enumerate() {
            b.scan_line(line, &format!("第 {} 行", i + 1))?;
        }
    }
    Ok(b.out)
}

/// Whether a PDF's streams all decode within `limits` (an inflate bomb does not): for other
/// readers of untrusted PDFs (the report reader) to ask before they decode it whole.
pub fn pdf_within(bytes: &[u8], limits: Limits) -> Result<(), ScanError> {
    let mut b = Budget::new(limits, NaiveDate::default());
    pdf::decoded_streams(bytes, &mut b).map(|_| ())
}

/// Most parts an Office file may have.
const MAX_PARTS: usize = 10_000;

fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, ScanError> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ScanError::Unreadable(format!("不是有效的 Office 文件：{e}")))?;
    if z.len() > MAX_PARTS {
        return Err(ScanError::Limit(format!("压缩包内超过 {MAX_PARTS} 个部件")));
    }
    Ok(z)
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// Part `name` of the archive, or `None` when it has none.
fn entry<'z, 'a>(
    z: &'z mut Zip<'a>,
    name: &str,
) -> Result<Option<zip::read::ZipFile<'z, std::io::Cursor<&'a [u8]>>>, ScanError> {
    match z.by_name(name) {
        Ok(f) => Ok(Some(f)),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(e) => Err(ScanError::Unreadable(format!("{name}：{e}"))),
    }
}

/// Stream part `name` (if present) through `on`.
fn stream_part(
    z: &mut Zip,
    name: &str,
    b: &mut Budget,
    on: impl FnMut(stream::Event, &mut Budget) -> Result<(), ScanError>,
) -> Result<bool, ScanError> {
    let Some(f) = entry(z, name)? else {
        return Ok(false);
    };
    stream::read(f, name, b, on)?;
    Ok(true)
}

/// A small part (a workbook's sheet list, its relationships) read whole, within the budget.
fn small_part(z: &mut Zip, name: &str, b: &mut Budget) -> Result<Option<String>, ScanError> {
    let Some(f) = entry(z, name)? else {
        return Ok(None);
    };
    let mut s = String::new();
    f.take(b.room() + 1)
        .read_to_string(&mut s)
        .map_err(|e| ScanError::Unreadable(format!("{name}：{e}")))?;
    b.unpack(s.len())?;
    Ok(Some(s))
}

/// Scan the text of an XML part (if present) as a reader sees it: a line per paragraph, row or
/// shared string, a tab between table cells, a space between other elements.
fn scan_text_part(z: &mut Zip, name: &str, place: &str, b: &mut Budget) -> Result<(), ScanError> {
    let mut lines = Lines::new(place);
    stream_part(z, name, b, |e, b| match e {
        stream::Event::Text(t) => lines.push(t, b),
        stream::Event::End { name } => match name {
            "w:p" | "a:p" | "si" | "row" => lines.end(b),
            "w:tc" => {
                lines.push_char('\t');
                Ok(())
            }
            // Runs and text pieces join into words; anything else ends one.
            "w:t" | "w:r" | "t" | "r" => Ok(()),
            _ => {
                lines.push_char(' ');
                Ok(())
            }
        },
        stream::Event::Start { name, .. } => {
            if matches!(name, "w:br" | "w:tab" | "w:cr") {
                lines.push_char(' ');
            }
            Ok(())
        }
    })?;
    lines.end(b)
}

fn scan_docx(bytes: &[u8], b: &mut Budget) -> Result<(), ScanError> {
    let mut z = open_zip(bytes)?;
    let names: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if !names.iter().any(|n| n == "word/document.xml") {
        return Err(ScanError::Unreadable(
            "缺少 word/document.xml，不是 Word 文档".into(),
        ));
    }
    let mut parts: Vec<(String, &str)> = vec![("word/document.xml".into(), "正文")];
    // Only the XML parts: beside the properties Word and python-docx save a thumbnail.
    for n in names.iter().filter(|n| n.ends_with(".xml")) {
        let place = if n.starts_with("word/header") {
            "页眉"
        } else if n.starts_with("word/footer") {
            "页脚"
        } else if n == "word/footnotes.xml" || n == "word/endnotes.xml" {
            "脚注"
        } else if n.starts_with("word/comments") {
            "批注"
        } else if n.starts_with("docProps/") {
            "文档属性"
        } else {
            continue;
        };
        parts.push((n.clone(), place));
    }
    for (name, place) in parts {
        scan_text_part(&mut z, &name, place, b)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
