//! The official document layout as DOCX (editable in WPS and Word), shared by letters and the
//! report: A4, the title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号, as official
//! documents are set (GB/T 9704).

use docx_rs::{AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts};

/// Half-points: 二号 = 22pt, 三号 = 16pt.
pub const TITLE_SIZE: usize = 44;
pub const BODY_SIZE: usize = 32;

/// A font in the east-Asian slot, Times New Roman for Latin letters and digits.
pub fn font(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
}

/// An empty A4 document in the official layout (GB/T 9704) with `title` centred in
/// 方正小标宋简体 二号.
pub fn official(title: &str) -> Docx {
    // A4 in twentieths of a point; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right.
    Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1588)
                .right(1474),
        )
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .add_text(title)
                    .fonts(font("方正小标宋简体"))
                    .size(TITLE_SIZE),
            ),
        )
}

/// The finished document's bytes.
pub fn pack(doc: Docx) -> Result<Vec<u8>, String> {
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| format!("docx: {e}"))?;
    Ok(buf.into_inner())
}

/// A letter in the official layout: each line of `body` a paragraph.
pub fn letter(title: &str, body: &str) -> Result<Vec<u8>, String> {
    let body_font = font("仿宋_GB2312");
    let mut doc = official(title);
    for line in body.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let p = Paragraph::new().add_run(
            Run::new()
                .add_text(line)
                .fonts(body_font.clone())
                .size(BODY_SIZE),
        );
        doc = doc.add_paragraph(p);
    }
    pack(doc)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_letter_is_a_zip_with_the_text_and_fonts() {
        let bytes = super::letter("答复书", "张三：\n\n您好。").unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let text = String::from_utf8_lossy(&bytes);
        // document.xml is deflated; the part names are stored in clear.
        assert!(text.contains("word/document.xml"));
    }
}
