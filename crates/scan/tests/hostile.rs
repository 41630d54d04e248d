//! Hostile files, generated here at test time: zip and XML bombs, a shared string cloned into
//! millions of cells, an inflate bomb in a PDF, text hidden behind a PDF filter, a scanned page
//! with no text, truncated and corrupt files, wrong extensions, and Word's own thumbnail. Each
//! must end in an answer (findings, or "cannot be checked" with its reason), never an abort,
//! never a silent cut, and quickly.

use chrono::NaiveDate;
use gongkai_scan::{Kind, Limits, ScanError, scan_file, scan_file_within};
use std::io::Write;
use std::time::Duration;

const ID: &str = "11010519491231002X";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// A zip of (name, bytes) parts, deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, body) in parts {
            z.start_file(*name, opts).unwrap();
            z.write_all(body).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// A zip whose `name` part is `reps` copies of `unit` (written in pieces, compressed well).
fn zip_repeating(
    other: &[(&str, &[u8])],
    name: &str,
    head: &[u8],
    unit: &[u8],
    reps: usize,
    tail: &[u8],
) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (n, body) in other {
            z.start_file(*n, opts).unwrap();
            z.write_all(body).unwrap();
        }
        z.start_file(name, opts).unwrap();
        z.write_all(head).unwrap();
        for _ in 0..reps {
            z.write_all(unit).unwrap();
        }
        z.write_all(tail).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Run the calling test again in a child process and assert its peak resident memory; `true`
/// in the parent (the child did the work), `false` in the child (go on and do it).
// The child is reaped by `wait4`, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn in_child_under_512_mb(test: &str) -> bool {
    if std::env::var_os("GONGKAI_SCAN_CHILD").is_some() {
        return false;
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env("GONGKAI_SCAN_CHILD", "1")
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with pointers to locals that outlive the call.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{test} failed in its child process (status {status})"
    );
    let peak_mb = usage.ru_maxrss / 1024;
    eprintln!("{test}: peak resident memory {peak_mb} MB");
    assert!(
        peak_mb < 512,
        "{test}: peak resident memory {peak_mb} MB (at most 512)"
    );
    true
}

/// The default limits but for time: a busy CI machine must not turn the limit under test into
/// the time limit. (The time limit itself is the same code path as every other limit.)
fn patient() -> Limits {
    Limits {
        time: Duration::from_secs(300),
        ..Limits::default()
    }
}

fn limit(r: Result<gongkai_scan::Scanned, ScanError>) -> String {
    match r {
        Err(ScanError::Limit(why)) => why,
        other => panic!("expected \"cannot be checked\" past a limit, got {other:?}"),
    }
}

#[test]
fn a_docx_saved_with_its_thumbnail_is_read() {
    // Word and python-docx save docProps/thumbnail.jpeg beside the XML properties.
    let doc = zip_of(&[
        (
            "word/document.xml",
            format!("<w:document><w:body><w:p><w:r><w:t>身份证 {ID}</w:t></w:r></w:p></w:body></w:document>").as_bytes(),
        ),
        ("docProps/core.xml", b"<cp:coreProperties><dc:creator>x</dc:creator></cp:coreProperties>"),
        ("docProps/thumbnail.jpeg", &[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x80, 0x81]),
    ]);
    let found =
        scan_file("答复书.docx", &doc, today()).expect("a DOCX with a thumbnail is readable");
    assert_eq!(found.findings.len(), 1);
    assert_eq!(found.findings[0].kind, Kind::IdCard);
}

#[test]
fn a_part_past_the_unpacked_limit_cannot_be_checked_and_nothing_is_cut_silently() {
    if in_child_under_512_mb(
        "a_part_past_the_unpacked_limit_cannot_be_checked_and_nothing_is_cut_silently",
    ) {
        return;
    }
    // 300 MB of paragraphs, then an ID number: the old scan read 200 MB and called it clean.
    let para = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
    let reps = 300 * 1024 * 1024 / para.len();
    let tail = format!("<w:p><w:r><w:t>{ID}</w:t></w:r></w:p></w:body></w:document>");
    let doc = zip_repeating(
        &[],
        "word/document.xml",
        b"<w:document><w:body>",
        para,
        reps,
        tail.as_bytes(),
    );
    assert!(
        doc.len() < 4 * 1024 * 1024,
        "a bomb: {} bytes packed",
        doc.len()
    );
    let why = limit(scan_file_within("bomb.docx", &doc, today(), patient()));
    assert!(why.contains("256 MB"), "{why}");
}

#[test]
fn one_shared_string_in_millions_of_cells_is_scanned_once_and_the_cells_are_limited() {
    if in_child_under_512_mb(
        "one_shared_string_in_millions_of_cells_is_scanned_once_and_the_cells_are_limited",
    ) {
        return;
    }
    let big = format!("<sst><si><t>{}{ID}</t></si></sst>", "说明".repeat(30_000));
    let workbook =
        br#"<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = br#"<Relationships><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let book = zip_repeating(
        &[
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/sharedStrings.xml", big.as_bytes()),
        ],
        "xl/worksheets/sheet1.xml",
        b"<worksheet><sheetData><row r=\"1\">",
        b"<c r=\"A1\" t=\"s\"><v>0</v></c>",
        2_000_000,
        b"</row></sheetData></worksheet>",
    );
    let why = limit(scan_file_within("clones.xlsx", &book, today(), patient()));
    assert!(why.contains("单元格"), "{why}");

    // Under the cell limit, the string's finding is reported at each cell, listed up to the
    // limit and counted past it.
    let few = Limits {
        time: Duration::from_secs(300),
        cells: 10_000_000,
        ..Limits::default()
    };
    let found = scan_file_within("clones.xlsx", &book, today(), few).expect("within the limits");
    assert_eq!(found.findings.len(), 1_000);
    assert_eq!(found.total(), 2_000_000);
    assert_eq!(found.findings[0].place, "工作表“S” A1");
}

#[test]
fn past_the_time_limit_a_file_cannot_be_checked() {
    let doc = zip_of(&[(
        "word/document.xml",
        format!("<w:document><w:body><w:p><w:r><w:t>{ID}</w:t></w:r></w:p></w:body></w:document>")
            .as_bytes(),
    )]);
    let no_time = Limits {
        time: Duration::ZERO,
        ..Limits::default()
    };
    let why = limit(scan_file_within("slow.docx", &doc, today(), no_time));
    assert!(why.contains("秒"), "{why}");
}

#[test]
fn findings_past_the_first_thousand_are_counted_not_listed() {
    if in_child_under_512_mb("findings_past_the_first_thousand_are_counted_not_listed") {
        return;
    }
    let line = "<w:p><w:r><w:t>电话 13800138000</w:t></w:r></w:p>";
    let doc = zip_repeating(
        &[],
        "word/document.xml",
        b"<w:document><w:body>",
        line.as_bytes(),
        50_000,
        b"</w:body></w:document>",
    );
    let found = scan_file("many.docx", &doc, today()).unwrap();
    assert_eq!(found.findings.len(), 1_000);
    assert_eq!(found.more, 49_000);
}

#[test]
fn a_long_paragraph_is_scanned_in_pieces_without_missing_a_number() {
    // One paragraph of 2 MB with numbers all along it, across every piece boundary.
    let mut text = String::new();
    while text.len() < 2 * 1024 * 1024 {
        text.push_str(&format!("第{}项 {ID}；", text.len()));
    }
    let n = text.matches(ID).count() as u64;
    let doc = zip_of(&[(
        "word/document.xml",
        format!(
            "<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
        )
        .as_bytes(),
    )]);
    let few = Limits {
        time: Duration::from_secs(300),
        findings: usize::MAX,
        ..Limits::default()
    };
    let found = scan_file_within("long.docx", &doc, today(), few).unwrap();
    assert_eq!(found.total(), n);
}

/// A one-page PDF whose content stream is `stream` with `filter`.
fn pdf(stream: &[u8], filter: &str) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
    ];
    let mut s = format!("<< /Length {}{filter} >>\nstream\n", stream.len()).into_bytes();
    s.extend_from_slice(stream);
    s.extend_from_slice(b"\nendstream");
    objects.push(s);
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
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

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_pdf_inflate_bomb_cannot_be_checked() {
    if in_child_under_512_mb("a_pdf_inflate_bomb_cannot_be_checked") {
        return;
    }
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..400 {
        e.write_all(&zeros).unwrap();
    }
    let bomb = e.finish().unwrap();
    let file = pdf(&bomb, " /Filter /FlateDecode");
    assert!(file.len() < 1024 * 1024);
    let why = limit(scan_file_within("bomb.pdf", &file, today(), patient()));
    assert!(why.contains("256 MB"), "{why}");
}

#[test]
fn an_id_number_behind_each_pdf_filter_is_found() {
    let content = format!("BT /F1 12 Tf 72 720 Td (ID {ID}) Tj ET");
    let hex: String = content
        .bytes()
        .map(|b| format!("{b:02X}"))
        .collect::<String>()
        + ">";
    for (name, data, filter) in [
        ("plain", content.clone().into_bytes(), ""),
        (
            "flate",
            deflate(content.as_bytes()),
            " /Filter /FlateDecode",
        ),
        ("hex", hex.into_bytes(), " /Filter /ASCIIHexDecode"),
        (
            "hex+flate",
            {
                let d = deflate(content.as_bytes());
                (d.iter().map(|b| format!("{b:02X}")).collect::<String>() + ">").into_bytes()
            },
            " /Filter [/ASCIIHexDecode /FlateDecode]",
        ),
    ] {
        let found = scan_file("page.pdf", &pdf(&data, filter), today())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            found.findings.iter().any(|f| f.kind == Kind::IdCard),
            "{name}: the ID number is not found: {found:?}"
        );
    }
}

#[test]
fn a_pdf_with_no_text_is_not_clean() {
    // As a scanned page is to a text reader: marks on the page, no text operator.
    let file = pdf(b"q 2 w 72 72 m 540 720 l S Q", "");
    match scan_file("红头文件.pdf", &file, today()) {
        Err(ScanError::Unreadable(why)) => assert!(why.contains("没有可提取的文字"), "{why}"),
        other => panic!("a PDF without text must not be clean: {other:?}"),
    }
}

#[test]
fn a_pdf_stream_that_does_not_decode_is_not_clean() {
    let file = pdf(b"this is not zlib data at all", " /Filter /FlateDecode");
    assert!(matches!(
        scan_file("broken.pdf", &file, today()),
        Err(ScanError::Unreadable(_))
    ));
}

#[test]
fn truncated_corrupt_and_misnamed_files_are_refused_with_a_reason() {
    let doc = zip_of(&[(
        "word/document.xml",
        format!("<w:document><w:body><w:p><w:r><w:t>{ID}</w:t></w:r></w:p></w:body></w:document>")
            .as_bytes(),
    )]);
    for (name, bytes) in [
        ("half.docx", doc[..doc.len() / 2].to_vec()),
        ("png.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("zip.docx", zip_of(&[("a.txt", b"hello")])),
        ("book.xlsx", doc.clone()),
        (
            "half.pdf",
            pdf(format!("BT ({ID}) Tj ET").as_bytes(), "")[..200].to_vec(),
        ),
        (
            "random.pdf",
            (0..5000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ] {
        match scan_file(name, &bytes, today()) {
            Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
            Ok(found) => panic!("{name}: a broken or misnamed file was called readable: {found:?}"),
        }
    }
}
