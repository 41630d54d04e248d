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

mod xml;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("无法读取：{0}")]
    Unreadable(String),
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

/// Scan a file's bytes, judging its kind by its name (and its first bytes).
pub fn scan_file(name: &str, bytes: &[u8], today: NaiveDate) -> Result<Vec<Finding>, ScanError> {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF") || lower.ends_with(".pdf") {
        return scan_pdf(bytes, today);
    }
    if lower.ends_with(".docx") {
        return scan_docx(bytes, today);
    }
    if lower.ends_with(".xlsx") {
        return scan_xlsx(bytes, today);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ScanError::Unreadable(
            "未知的压缩文件格式（可扫描 .docx、.xlsx、.pdf 和文本文件）".into(),
        ));
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ScanError::Unreadable("不是 UTF-8 文本，也不是 DOCX、XLSX 或 PDF".into()))?;
    Ok(scan_lines(&text, today))
}

fn scan_lines(text: &str, today: NaiveDate) -> Vec<Finding> {
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| scan_text(line, &format!("第 {} 行", i + 1), today))
        .collect()
}

fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, ScanError> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ScanError::Unreadable(format!("不是有效的 Office 文件：{e}")))
}

fn part(
    z: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ScanError> {
    let mut f = match z.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ScanError::Unreadable(format!("{name}：{e}"))),
    };
    // A part of more than 200 MB unpacked is refused rather than read (zip bombs).
    let mut s = String::new();
    f.by_ref()
        .take(200 * 1024 * 1024)
        .read_to_string(&mut s)
        .map_err(|e| ScanError::Unreadable(format!("{name}：{e}")))?;
    Ok(Some(s))
}

fn scan_docx(bytes: &[u8], today: NaiveDate) -> Result<Vec<Finding>, ScanError> {
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
    let mut out = Vec::new();
    let mut parts: Vec<(String, String)> = vec![("word/document.xml".into(), "正文".into())];
    for n in &names {
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
        parts.push((n.clone(), place.into()));
    }
    for (name, place) in parts {
        if let Some(xml) = part(&mut z, &name)? {
            let text = xml::text(&xml);
            for line in text.lines() {
                out.extend(scan_text(line, &place, today));
            }
        }
    }
    Ok(out)
}

fn scan_xlsx(bytes: &[u8], today: NaiveDate) -> Result<Vec<Finding>, ScanError> {
    let mut z = open_zip(bytes)?;
    let workbook = part(&mut z, "xl/workbook.xml")?
        .ok_or_else(|| ScanError::Unreadable("缺少 xl/workbook.xml，不是 Excel 工作簿".into()))?;
    let rels = part(&mut z, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let shared: Vec<String> = part(&mut z, "xl/sharedStrings.xml")?
        .map(|x| xml::shared_strings(&x))
        .unwrap_or_default();
    let mut out = Vec::new();
    for sheet in xml::sheets(&workbook) {
        let target = xml::relationship_target(&rels, &sheet.rel_id)
            .map(|t| {
                if let Some(abs) = t.strip_prefix('/') {
                    abs.to_string()
                } else {
                    format!("xl/{t}")
                }
            })
            .unwrap_or_default();
        let Some(data) = part(&mut z, &target)? else {
            continue;
        };
        let hidden = if sheet.hidden { "（隐藏）" } else { "" };
        for cell in xml::cells(&data, &shared) {
            let place = format!("工作表“{}”{hidden} {}", sheet.name, cell.reference);
            out.extend(scan_text(&cell.value, &place, today));
        }
    }
    for (name, place) in [
        ("docProps/core.xml", "文档属性"),
        ("docProps/app.xml", "文档属性"),
    ] {
        if let Some(x) = part(&mut z, name)? {
            out.extend(scan_text(&xml::text(&x), place, today));
        }
    }
    Ok(out)
}

fn scan_pdf(bytes: &[u8], today: NaiveDate) -> Result<Vec<Finding>, ScanError> {
    // The PDF reader can panic on malformed files: a malformed file is unreadable, not a crash.
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
        .map_err(|_| ScanError::Unreadable("PDF 文件已损坏或格式不受支持".into()))?
        .map_err(|e| ScanError::Unreadable(format!("PDF：{e}")))?;
    Ok(pages
        .iter()
        .enumerate()
        .flat_map(|(i, text)| {
            text.lines()
                .flat_map(|line| scan_text(line, &format!("第 {} 页", i + 1), today))
                .collect::<Vec<_>>()
        })
        .collect())
}

#[cfg(test)]
mod tests;
