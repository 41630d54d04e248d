use super::*;
use std::io::Write;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

const ID: &str = "11010519491231002X";

fn kinds(f: &[Finding]) -> Vec<Kind> {
    f.iter().map(|x| x.kind).collect()
}

/// A Luhn-valid 19-digit 银联 number.
fn card() -> String {
    let body = "622202123456789012";
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|c| luhn(c))
        .unwrap()
}

#[test]
fn text_detectors() {
    let f = scan_text(
        &format!("申请人身份证号{ID}，电话13800138000。"),
        "x",
        today(),
    );
    assert_eq!(kinds(&f), vec![Kind::IdCard, Kind::Mobile]);
    assert_eq!(f[0].masked, "110***********002X");
    assert_eq!(f[1].masked, "138****8000");
    assert!(!f.iter().any(|x| x.masked.contains("0013")));
    // Grouped as people write them.
    let c = card();
    let grouped = format!(
        "{} {} {} {} {}",
        &c[..4],
        &c[4..8],
        &c[8..12],
        &c[12..16],
        &c[16..]
    );
    assert_eq!(
        kinds(&scan_text(&format!("卡号：{grouped}"), "x", today())),
        vec![Kind::BankCard]
    );
    assert_eq!(
        kinds(&scan_text("手机 138-0013-8000", "x", today())),
        vec![Kind::Mobile]
    );
    // Not personal data: a wrong checksum, a longer number, a year next to a number, 国家秘密.
    assert!(scan_text("110105194912310021", "x", today()).is_empty());
    assert!(scan_text("编号 138001380001234567890", "x", today()).is_empty());
    assert!(scan_text("依法属于国家秘密的，不予公开。2021 年", "x", today()).is_empty());
    // Markings, even with spaces in between.
    assert_eq!(
        kinds(&scan_text("机密 ★ 1年", "x", today())),
        vec![Kind::SecretMarking]
    );
    assert_eq!(
        kinds(&scan_text("内部资料 注意保存", "x", today())),
        vec![Kind::SecretMarking]
    );
}

fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, body) in parts {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn docx_body_comments_and_properties() {
    let doc = zip_of(&[
        (
            "word/document.xml",
            &format!(
                "<w:document><w:body><w:p><w:r><w:t>答复：</w:t></w:r><w:r><w:t>{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>绝密&#9733;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
                &ID[..9],
                &ID[9..]
            ),
        ),
        (
            "word/comments.xml",
            "<w:comments><w:comment><w:p><w:r><w:t>经办人手机 13912345678</w:t></w:r></w:p></w:comment></w:comments>",
        ),
        (
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>张三 13700001111</dc:creator></cp:coreProperties>",
        ),
    ]);
    let f = scan_file("答复书.docx", &doc, today()).unwrap().findings;
    let got: Vec<(&str, Kind)> = f.iter().map(|x| (x.place.as_str(), x.kind)).collect();
    assert!(
        got.contains(&("正文", Kind::IdCard)),
        "an ID split across runs is still found: {got:?}"
    );
    assert!(got.contains(&("正文", Kind::SecretMarking)), "{got:?}");
    assert!(got.contains(&("批注", Kind::Mobile)), "{got:?}");
    assert!(got.contains(&("文档属性", Kind::Mobile)), "{got:?}");
}

#[test]
fn xlsx_hidden_sheets_are_scanned() {
    let book = zip_of(&[
        (
            "xl/workbook.xml",
            r#"<workbook><sheets><sheet name="公开数据" sheetId="1" r:id="rId1"/><sheet name="人员信息" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x" Target="worksheets/sheet2.xml"/></Relationships>"#,
        ),
        (
            "xl/sharedStrings.xml",
            &format!("<sst><si><t>项目</t></si><si><t>{ID}</t></si></sst>"),
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2021</v></c></row></sheetData></worksheet>"#,
        ),
        (
            "xl/worksheets/sheet2.xml",
            r#"<worksheet><cols><col min="1"/></cols><sheetData><row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3"><v>13800138000</v></c><c r="D3" t="inlineStr"><is><t>内部资料</t></is></c></row></sheetData></worksheet>"#,
        ),
    ]);
    let f = scan_file("数据.xlsx", &book, today()).unwrap().findings;
    let got: Vec<(String, Kind)> = f.iter().map(|x| (x.place.clone(), x.kind)).collect();
    assert_eq!(
        got,
        vec![
            ("工作表“人员信息”（隐藏） B3".to_string(), Kind::IdCard),
            ("工作表“人员信息”（隐藏） C3".to_string(), Kind::Mobile),
            (
                "工作表“人员信息”（隐藏） D3".to_string(),
                Kind::SecretMarking
            ),
        ]
    );
}

/// A one-page PDF with the given text in Helvetica, offsets computed.
fn pdf_with(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn pdf_text_and_broken_files() {
    let f = scan_file("letter.pdf", &pdf_with("Tel 13800138000"), today())
        .unwrap()
        .findings;
    assert_eq!(kinds(&f), vec![Kind::Mobile]);
    assert_eq!(f[0].place, "第 1 页");
    assert!(scan_file("broken.pdf", b"%PDF-1.4 garbage", today()).is_err());
    assert!(scan_file("broken.docx", b"PK\x03\x04 not really", today()).is_err());
    assert!(scan_file("binary.bin", &[0xff, 0xfe, 0x00, 0x81], today()).is_err());
    let f = scan_file(
        "notes.txt",
        format!("第一行\n身份证 {ID}\n").as_bytes(),
        today(),
    )
    .unwrap()
    .findings;
    assert_eq!(f[0].place, "第 2 行");
}
