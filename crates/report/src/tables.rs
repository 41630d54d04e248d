//! Tables 二 and 三 in the official merged-cell layout: which label cells start on each row and
//! how far they span. The portal's HTML page and the DOCX and PDF files lay them out alike.

use crate::ReportData;

/// One header or label cell of the merged layout.
pub struct Cell {
    pub text: &'static str,
    pub rowspan: usize,
    pub colspan: usize,
}

/// A block of table 二 as laid out: caption, headers (text, colspan), rows (label, cells).
pub struct Block2Html {
    pub caption: &'static str,
    pub headers: Vec<(&'static str, usize)>,
    pub rows: Vec<(&'static str, Vec<(String, usize)>)>,
}

/// Spread `n` columns over the grid's three value columns: the last one takes what is left.
fn spans(n: usize) -> Vec<usize> {
    (0..n)
        .map(|i| if i + 1 == n { 3 - (n - 1).min(2) } else { 1 })
        .collect()
}

/// Table 二 as blocks of caption, headers and rows.
pub fn table2_blocks(r: &ReportData) -> Vec<Block2Html> {
    r.table2
        .blocks
        .iter()
        .map(|b| {
            let sp = spans(b.columns.len());
            Block2Html {
                caption: b.caption,
                headers: b.columns.iter().copied().zip(sp.iter().copied()).collect(),
                rows: r
                    .table2
                    .rows
                    .iter()
                    .filter(|row| row.block == b.caption)
                    .map(|row| {
                        let cells = row
                            .values
                            .iter()
                            .map(|c| c.text())
                            .zip(sp.iter().copied())
                            .collect();
                        (row.label, cells)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One row of table 三 in the merged layout: the label cells it starts, then its numbers.
pub struct HtmlRow {
    pub cells: Vec<Cell>,
    pub values: Vec<u64>,
}

/// Table 三 as rows of label cells (with their spans) and seven numbers.
pub fn table3_rows(r: &ReportData) -> Vec<HtmlRow> {
    let rows = &r.table3.rows;
    let result_rows = rows
        .iter()
        .filter(|row| !matches!(row.key, "new" | "carried_in" | "carried_out"))
        .count();
    let mut out = Vec::new();
    let mut first_result = true;
    let mut i = 0;
    while i < rows.len() {
        let row = &rows[i];
        let mut cells = Vec::new();
        match row.key {
            "new" | "carried_in" | "carried_out" => cells.push(Cell {
                text: row.label,
                rowspan: 1,
                colspan: 3,
            }),
            _ => {
                if first_result {
                    cells.push(Cell {
                        text: "三、本年度办理结果",
                        rowspan: result_rows,
                        colspan: 1,
                    });
                    first_result = false;
                }
                match row.group {
                    Some(g) => {
                        let first_in_group = i == 0 || rows[i - 1].group != Some(g);
                        if first_in_group {
                            let n = rows[i..].iter().take_while(|x| x.group == Some(g)).count();
                            cells.push(Cell {
                                text: g,
                                rowspan: n,
                                colspan: 1,
                            });
                        }
                        cells.push(Cell {
                            text: row.label,
                            rowspan: 1,
                            colspan: 1,
                        });
                    }
                    None => cells.push(Cell {
                        text: row.label,
                        rowspan: 1,
                        colspan: 2,
                    }),
                }
            }
        }
        out.push(HtmlRow {
            cells,
            values: row.values.to_vec(),
        });
        i += 1;
    }
    out
}
