//! The limits a scan works within, and the running account against them. A file is untrusted:
//! it may unpack to gigabytes, reference one string millions of times, or hold millions of
//! numbers. Past a limit the scan stops and says the file cannot be checked (never a silent
//! cut, never an abort); findings past the first thousand are counted, not listed. Text is
//! scanned in pieces of bounded size, so memory stays small whatever one paragraph holds.

use crate::{Finding, ScanError, scan_text};
use chrono::NaiveDate;
use std::time::{Duration, Instant};

/// What one file may cost. The defaults are stated in the README's security section.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes unpacked from a file's parts and streams, all together.
    pub unpacked_bytes: u64,
    /// Spreadsheet cells read.
    pub cells: u64,
    /// Findings listed; the rest are counted.
    pub findings: usize,
    /// Time spent on one file.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            unpacked_bytes: 256 * 1024 * 1024,
            cells: 1_000_000,
            findings: 1_000,
            time: Duration::from_secs(10),
        }
    }
}

/// What a scan found: the first findings, and how many more there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// Findings past [`Limits::findings`], counted only.
    pub more: u64,
}

impl Scanned {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.more == 0
    }

    /// Every finding, listed or counted.
    pub fn total(&self) -> u64 {
        self.findings.len() as u64 + self.more
    }
}

/// Text is scanned in pieces of about this many bytes, cut where no number or marking spans.
const PIECE: usize = 64 * 1024;

/// The running account of one file's scan.
pub(crate) struct Budget {
    limits: Limits,
    today: NaiveDate,
    started: Instant,
    unpacked: u64,
    cells: u64,
    pub(crate) out: Scanned,
}

impl Budget {
    pub(crate) fn new(limits: Limits, today: NaiveDate) -> Budget {
        Budget {
            limits,
            today,
            started: Instant::now(),
            unpacked: 0,
            cells: 0,
            out: Scanned::default(),
        }
    }

    /// Account for `n` more unpacked bytes.
    pub(crate) fn unpack(&mut self, n: usize) -> Result<(), ScanError> {
        self.unpacked += n as u64;
        if self.unpacked > self.limits.unpacked_bytes {
            return Err(ScanError::Limit(format!(
                "解压后超过 {} MB",
                self.limits.unpacked_bytes / (1024 * 1024)
            )));
        }
        self.tick()
    }

    /// The bytes still allowed.
    pub(crate) fn room(&self) -> u64 {
        self.limits.unpacked_bytes.saturating_sub(self.unpacked)
    }

    /// Account for one more spreadsheet cell.
    pub(crate) fn cell(&mut self) -> Result<(), ScanError> {
        self.cells += 1;
        if self.cells > self.limits.cells {
            return Err(ScanError::Limit(format!(
                "单元格超过 {} 个",
                self.limits.cells
            )));
        }
        if self.cells.is_multiple_of(4096) {
            self.tick()?;
        }
        Ok(())
    }

    /// Refuse to go on past the time limit.
    pub(crate) fn tick(&self) -> Result<(), ScanError> {
        if self.started.elapsed() > self.limits.time {
            return Err(ScanError::Limit(format!(
                "检查用时超过 {} 秒",
                self.limits.time.as_secs()
            )));
        }
        Ok(())
    }

    /// Record findings: listed up to the limit, counted past it.
    pub(crate) fn found(&mut self, findings: Vec<Finding>) {
        for f in findings {
            if self.out.findings.len() < self.limits.findings {
                self.out.findings.push(f);
            } else {
                self.out.more += 1;
            }
        }
    }

    /// Scan one line of text (of any length) found at `place`.
    pub(crate) fn scan_line(&mut self, text: &str, place: &str) -> Result<(), ScanError> {
        let mut rest = text;
        while rest.len() > PIECE {
            let cut = safe_cut(rest, PIECE);
            let found = scan_text(&rest[..cut], place, self.today);
            self.found(found);
            self.tick()?;
            rest = &rest[cut..];
        }
        let found = scan_text(rest, place, self.today);
        self.found(found);
        Ok(())
    }
}

/// Text arriving in pieces for one place, scanned a line at a time (a long line in pieces).
pub(crate) struct Lines {
    buf: String,
    pub(crate) place: String,
}

impl Lines {
    pub(crate) fn new(place: &str) -> Lines {
        Lines {
            buf: String::new(),
            place: place.to_string(),
        }
    }

    pub(crate) fn push(&mut self, text: &str, b: &mut Budget) -> Result<(), ScanError> {
        self.buf.push_str(text);
        if self.buf.len() > 2 * PIECE {
            let cut = safe_cut(&self.buf, PIECE);
            b.scan_line(&self.buf[..cut], &self.place)?;
            self.buf.drain(..cut);
        }
        Ok(())
    }

    pub(crate) fn push_char(&mut self, c: char) {
        self.buf.push(c);
    }

    /// End the line: scan what is held.
    pub(crate) fn end(&mut self, b: &mut Budget) -> Result<(), ScanError> {
        if !self.buf.trim().is_empty() {
            b.scan_line(&self.buf, &self.place)?;
        }
        self.buf.clear();
        Ok(())
    }
}

/// A byte position at or before `near` (on a char boundary) where text may be cut without
/// splitting a number or a secrecy marking: after a character that can be part of neither.
/// Without one nearby, the char boundary at `near` (a run that long is no number).
fn safe_cut(s: &str, near: usize) -> usize {
    let mut end = near.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let window = end.saturating_sub(256);
    let part = &s[..end];
    part.char_indices()
        .rev()
        .take_while(|(i, _)| *i >= window)
        .find(|(_, c)| breakable(*c))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|i| *i > 0)
        .unwrap_or(end.max(1).min(s.len()))
}

fn breakable(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || c.is_whitespace()
        || matches!(
            c,
            '-' | '★' | '*' | '绝' | '机' | '秘' | '密' | '内' | '部' | '资' | '料'
        ))
}
