//! The annual report as documents: one list of blocks (headings, paragraphs, the three tables
//! with the official merged cells) from the same model as the HTML page, laid out as PDF
//! (typst, CJK font embedded) and as DOCX (editable in WPS and Word; A4; 方正小标宋简体 title,
//! 黑体 headings, 仿宋_GB2312 body; merged cells as in the format).

use crate::docx::{BODY_SIZE, font, official, pack};
use crate::{ReportData, table2_blocks, table3_rows};
use docx_rs::{AlignmentType, Paragraph, Run, Table, TableCell, TableRow, VMergeType, WidthType};
use gongkai_core::report::TABLE3_NOTE;
use gongkai_pdf::{Block, Cell};

fn cell(text: impl Into<String>, colspan: usize, rowspan: usize, header: bool) -> Cell {
    Cell {
        text: text.into(),
        colspan,
        rowspan,
        header,
    }
}

fn heads(list: &[(&str, usize, usize)]) -> Vec<Cell> {
    list.iter()
        .map(|(t, c, r)| cell(*t, *c, *r, true))
        .collect()
}

/// Table 二 as a 4-column grid.
fn table2(r: &ReportData) -> Block {
    let mut cells = Vec::new();
    for b in table2_blocks(r) {
        cells.push(cell(b.caption, 4, 1, true));
        cells.push(cell("信息内容", 1, 1, true));
        for (h, span) in &b.headers {
            cells.push(cell(*h, *span, 1, true));
        }
        for (label, values) in &b.rows {
            cells.push(cell(*label, 1, 1, true));
            for (v, span) in values {
                cells.push(cell(v.clone(), *span, 1, false));
            }
        }
    }
    Block::Table { columns: 4, cells }
}

/// Table 三 as a 10-column grid (three label columns, seven numbers).
fn table3(r: &ReportData) -> Block {
    let mut cells = heads(&[
        (TABLE3_NOTE, 3, 3),
        ("申请人情况", 7, 1),
        ("自然人", 1, 2),
        ("法人或其他组织", 5, 1),
        ("总计", 1, 2),
        ("商业企业", 1, 1),
        ("科研机构", 1, 1),
        ("社会公益组织", 1, 1),
        ("法律服务机构", 1, 1),
        ("其他", 1, 1),
    ]);
    for row in table3_rows(r) {
        for c in &row.cells {
            cells.push(cell(c.text, c.colspan, c.rowspan, true));
        }
        for v in &row.values {
            cells.push(cell(v.to_string(), 1, 1, false));
        }
    }
    Block::Table { columns: 10, cells }
}

/// Table 四 as a 15-column grid.
fn table4(r: &ReportData) -> Block {
    let mut cells = heads(&[("行政复议", 5, 1), ("行政诉讼", 10, 1)]);
    for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] {
        cells.push(cell(h, 1, 2, true));
    }
    cells.extend(heads(&[("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)]));
    for _ in 0..2 {
        for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] {
            cells.push(cell(h, 1, 1, true));
        }
    }
    for v in r.table4.values {
        cells.push(cell(v.to_string(), 1, 1, false));
    }
    Block::Table { columns: 15, cells }
}

/// The title of a report.
pub fn title(r: &ReportData) -> String {
    format!("{}{}年政府信息公开工作年度报告", r.unit_name, r.year)
}

fn paragraphs(text: &str, out: &mut Vec<Block>) {
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        out.push(Block::Paragraph(line.to_string()));
    }
}

/// The whole report as blocks, in the order of the national format.
pub fn blocks(r: &ReportData, sections: &[(String, String)]) -> Vec<Block> {
    let mut out = vec![Block::Heading("一、总体情况".into())];
    for (t, text) in sections.iter().take(5) {
        out.push(Block::Subheading(
            t.trim_start_matches("一、总体情况 ").to_string(),
        ));
        paragraphs(text, &mut out);
    }
    out.push(Block::Heading("二、主动公开政府信息情况".into()));
    out.push(table2(r));
    out.push(Block::Heading("三、收到和处理政府信息公开申请情况".into()));
    out.push(table3(r));
    out.push(Block::Heading(
        "四、政府信息公开行政复议、行政诉讼情况".into(),
    ));
    out.push(table4(r));
    for (i, heading) in [
        (5, "五、存在的主要问题及改进情况"),
        (6, "六、其他需要报告的事项"),
    ] {
        out.push(Block::Heading(heading.into()));
        if let Some((_, text)) = sections.get(i) {
            paragraphs(text, &mut out);
        }
    }
    out
}

/// The report as PDF.
pub fn pdf(
    r: &ReportData,
    sections: &[(String, String)],
) -> Result<Vec<u8>, gongkai_pdf::PdfError> {
    gongkai_pdf::document(&title(r), &blocks(r, sections))
}

/// Half-points: 9pt for table text.
const TABLE_SIZE: usize = 18;

/// A grid laid out as HTML gives it (covered cells left out), with the cells a DOCX table needs
/// where a cell above spans down: (cell, continues a vertical merge).
fn expand(columns: usize, cells: &[Cell]) -> Vec<Vec<(Cell, bool)>> {
    let mut rows = Vec::new();
    let mut pending: Vec<Option<(usize, usize)>> = vec![None; columns];
    let mut it = cells.iter().peekable();
    while it.peek().is_some() || pending.iter().any(Option::is_some) {
        let mut row = Vec::new();
        let mut col = 0;
        while col < columns {
            if let Some((left, span)) = pending[col] {
                row.push((cell("", span, 1, false), true));
                pending[col] = (left > 1).then_some((left - 1, span));
                col += span.max(1);
                continue;
            }
            let Some(c) = it.next() else { break };
            if c.rowspan > 1 {
                pending[col] = Some((c.rowspan - 1, c.colspan.max(1)));
            }
            col += c.colspan.max(1);
            row.push((c.clone(), false));
        }
        if row.is_empty() {
            break;
        }
        rows.push(row);
    }
    rows
}

/// The report as DOCX.
pub fn docx(r: &ReportData, sections: &[(String, String)]) -> Result<Vec<u8>, String> {
    let heading_font = font("黑体");
    let body_font = font("仿宋_GB2312");
    let mut doc = official(&title(r));
    for b in blocks(r, sections) {
        match b {
            Block::Heading(h) => {
                doc = doc.add_paragraph(
                    Paragraph::new().add_run(
                        Run::new()
                            .add_text(h)
                            .fonts(heading_font.clone())
                            .size(BODY_SIZE),
                    ),
                )
            }
            Block::Subheading(h) | Block::Paragraph(h) | Block::Note(h) => {
                doc = doc.add_paragraph(
                    Paragraph::new().add_run(
                        Run::new()
                            .add_text(h)
                            .fonts(body_font.clone())
                            .size(BODY_SIZE),
                    ),
                )
            }
            Block::Table { columns, cells } => {
                let width = 8844 / columns;
                let rows = expand(columns, &cells)
                    .into_iter()
                    .map(|row| {
                        TableRow::new(
                            row.into_iter()
                                .map(|(c, continues)| {
                                    let mut run = Run::new()
                                        .add_text(&c.text)
                                        .fonts(body_font.clone())
                                        .size(TABLE_SIZE);
                                    if c.header {
                                        run = run.bold();
                                    }
                                    let mut tc = TableCell::new()
                                        .add_paragraph(
                                            Paragraph::new()
                                                .align(AlignmentType::Center)
                                                .add_run(run),
                                        )
                                        .width(width * c.colspan.max(1), WidthType::Dxa);
                                    if c.colspan > 1 {
                                        tc = tc.grid_span(c.colspan);
                                    }
                                    if continues {
                                        tc = tc.vertical_merge(VMergeType::Continue);
                                    } else if c.rowspan > 1 {
                                        tc = tc.vertical_merge(VMergeType::Restart);
                                    }
                                    tc
                                })
                                .collect(),
                        )
                    })
                    .collect();
                doc = doc.add_table(Table::new(rows).set_grid(vec![width; columns]));
            }
        }
    }
    pack(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_fills_the_cells_a_rowspan_covers() {
        // Table 四's header: the five 复议 columns span two rows.
        let cells = vec![
            cell("a", 2, 2, true),
            cell("b", 1, 1, true),
            cell("c", 1, 1, true),
            cell("1", 1, 1, false),
            cell("2", 1, 1, false),
            cell("3", 1, 1, false),
        ];
        let rows = expand(3, &cells);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].len(), 2);
        // Row 2: the continuation of "a" (2 columns wide), then "c".
        assert!(rows[1][0].1 && rows[1][0].0.colspan == 2);
        assert_eq!(rows[1][1].0.text, "c");
        assert_eq!(rows[2].len(), 3);
    }
}
