//! Workbooks: every sheet, hidden ones too, cell by cell. A shared string is scanned once, not
//! once per cell that points at it (a 100 KB string referenced by millions of cells costs one
//! scan), and its findings are reported at each cell that shows it, as the reader sees them.

use crate::budget::{Budget, Lines};
use crate::{Kind, ScanError, scan_text_part, small_part, stream, stream_part, xml};
use std::collections::HashMap;

/// Findings kept for the shared strings (value positions), beyond which the file is refused.
const MAX_SHARED_FINDINGS: usize = 1_000_000;
/// A cell's `<v>` longer than this is not a number or an index; only its start is kept.
const MAX_VALUE: usize = 4096;

pub(crate) fn scan_xlsx(bytes: &[u8], b: &mut Budget) -> Result<(), ScanError> {
    let mut z = crate::open_zip(bytes)?;
    let workbook = small_part(&mut z, "xl/workbook.xml", b)?
        .ok_or_else(|| ScanError::Unreadable("缺少 xl/workbook.xml，不是 Excel 工作簿".into()))?;
    let rels = small_part(&mut z, "xl/_rels/workbook.xml.rels", b)?.unwrap_or_default();
    let shared = shared_findings(&mut z, b)?;
    for sheet in xml::sheets(&workbook) {
        let target = xml::relationship_target(&rels, &sheet.rel_id)
            .map(|t| match t.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{t}"),
            })
            .unwrap_or_default();
        let hidden = if sheet.hidden { "（隐藏）" } else { "" };
        let label = format!("工作表“{}”{hidden}", sheet.name);
        let mut cell = CellState::default();
        stream_part(&mut z, &target, b, |e, b| cell.event(e, b, &label, &shared))?;
    }
    for name in [
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
    ] {
        scan_text_part(&mut z, name, "文档属性", b)?;
    }
    Ok(())
}

/// The findings of each shared string that has any, by index.
fn shared_findings(
    z: &mut crate::Zip,
    b: &mut Budget,
) -> Result<HashMap<usize, Vec<(Kind, String)>>, ScanError> {
    let mut found: HashMap<usize, Vec<(Kind, String)>> = HashMap::new();
    let mut kept = 0usize;
    let mut index = 0usize;
    let mut in_t = false;
    let mut lines = Lines::new("");
    stream_part(z, "xl/sharedStrings.xml", b, |e, b| {
        match e {
            stream::Event::Start {
                name: "t", empty, ..
            } => in_t = !empty,
            stream::Event::End { name: "t" } => in_t = false,
            stream::Event::Text(t) if in_t => {
                // Scanned into a scratch account: these findings belong to the cells.
                lines.push(t, b)?;
            }
            stream::Event::End { name: "si" } => {
                let mark = b.out.findings.len();
                lines.end(b)?;
                let new: Vec<(Kind, String)> = b
                    .out
                    .findings
                    .drain(mark..)
                    .map(|f| (f.kind, f.masked))
                    .collect();
                if !new.is_empty() {
                    kept += new.len();
                    if kept > MAX_SHARED_FINDINGS {
                        return Err(ScanError::Limit(format!(
                            "共享字符串中的发现超过 {MAX_SHARED_FINDINGS} 处"
                        )));
                    }
                    found.insert(index, new);
                }
                index += 1;
                b.cell()?;
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(found)
}

/// One cell as it streams past: its reference, type and value.
#[derive(Default)]
struct CellState {
    reference: String,
    kind: String,
    value: String,
    in_v: bool,
    in_inline: bool,
    inline: Option<Lines>,
}

impl CellState {
    fn event(
        &mut self,
        e: stream::Event,
        b: &mut Budget,
        label: &str,
        shared: &HashMap<usize, Vec<(Kind, String)>>,
    ) -> Result<(), ScanError> {
        match e {
            stream::Event::Start {
                name: "c",
                tag,
                empty,
            } => {
                self.reference = xml::attr(tag, "r").unwrap_or_default().to_string();
                self.kind = xml::attr(tag, "t").unwrap_or_default().to_string();
                self.value.clear();
                if empty {
                    b.cell()?;
                }
            }
            stream::Event::Start {
                name: "v", empty, ..
            } => self.in_v = !empty,
            stream::Event::End { name: "v" } => self.in_v = false,
            stream::Event::Start { name: "is", .. } => {
                self.in_inline = true;
                self.inline = Some(Lines::new(&format!("{label} {}", self.reference)));
            }
            stream::Event::End { name: "is" } => {
                self.in_inline = false;
                if let Some(mut l) = self.inline.take() {
                    l.end(b)?;
                }
            }
            stream::Event::Text(t) if self.in_inline => {
                if let Some(l) = self.inline.as_mut() {
                    l.push(t, b)?;
                }
            }
            stream::Event::Text(t) if self.in_v && self.value.len() < MAX_VALUE => {
                self.value.push_str(t);
            }
            stream::Event::End { name: "c" } => {
                b.cell()?;
                let place = || format!("{label} {}", self.reference);
                if self.kind == "s" {
                    let found = self
                        .value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| shared.get(&i));
                    if let Some(found) = found {
                        let place = place();
                        b.found(
                            found
                                .iter()
                                .map(|(kind, masked)| crate::Finding {
                                    place: place.clone(),
                                    kind: *kind,
                                    masked: masked.clone(),
                                })
                                .collect(),
                        );
                    }
                } else if self.kind != "inlineStr" && !self.value.is_empty() {
                    let value = std::mem::take(&mut self.value);
                    b.scan_line(&value, &place())?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
