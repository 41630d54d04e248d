//! The demo district's 2021 report in every output, against snapshots kept in
//! `tests/snapshots/` (set UPDATE_SNAPSHOTS=1 to rewrite them after an intended change), and
//! the PDF's text read back for every row label.

use gongkai_core::report::{TABLE3_COLUMNS, TABLE4_COLUMNS};
use gongkai_demo::testkit;
use gongkai_report::docs as report_docs;
use gongkai_store::Store;
use gongkai_web::report as report_view;
use std::path::PathBuf;

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {name}: run with UPDATE_SNAPSHOTS=1"));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {}\n  actual:   {}",
            line + 1,
            expected.lines().nth(line).unwrap_or(""),
            actual.lines().nth(line).unwrap_or("")
        );
    }
}

/// document.xml with the paragraph ids (a counter shared by every document the process
/// makes) made fixed.
fn document_xml(docx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("w14:paraId=\"") {
        out.push_str(&rest[..i]);
        out.push_str("w14:paraId=\"0\"");
        let after = &rest[i + "w14:paraId=\"".len()..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    // One element per line, so a difference names its place.
    out.replace("><", ">\n<")
}

#[tokio::test]
async fn the_demo_report_in_json_html_docx_and_pdf() {
    let db = testkit::fresh().await.unwrap();
    let store = Store::open_and_migrate(&db.location).await.unwrap();
    gongkai_demo::create(&store).await.unwrap();
    let built = report_view::build(&store, 2021, None).await.unwrap();
    let json = serde_json::to_string_pretty(&gongkai_report::to_json(&built.data)).unwrap();
    snapshot("report-2021.json", &json);
    let page = report_view::page(
        &built.data,
        "广州市番禺区人民政府".into(),
        &built.sections,
        "/api/v1/reports/2021".into(),
    );
    snapshot("report-2021.html", &report_view::html(&page).unwrap());
    let docx = report_docs::docx(&built.data, &built.sections).unwrap();
    let xml = document_xml(&docx);
    assert!(xml.contains("w:vMerge") && xml.contains("w:gridSpan"));
    snapshot("report-2021-document.xml", &xml);

    // The PDF's text holds every row label of tables 二, 三 and 四 and the headings.
    if !gongkai_pdf::cjk_font_available() {
        testkit::say_skipped("report PDF text", "no CJK font installed (fonts-noto-cjk)");
        return;
    }
    let pdf = report_docs::pdf(&built.data, &built.sections).unwrap();
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut labels: Vec<String> = built
        .data
        .table3
        .rows
        .iter()
        .map(|r| squeeze(r.label))
        .collect();
    labels.extend(
        built
            .data
            .table3
            .rows
            .iter()
            .filter_map(|r| r.group)
            .map(squeeze),
    );
    labels.extend(built.data.table2.rows.iter().map(|r| squeeze(r.label)));
    labels.extend(built.data.table2.rows.iter().map(|r| squeeze(r.block)));
    labels.extend(TABLE3_COLUMNS.iter().map(|c| squeeze(c)));
    labels.extend(
        TABLE4_COLUMNS
            .iter()
            .flat_map(|c| c.split('/'))
            .map(squeeze),
    );
    for h in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        labels.push(h.into());
    }
    // A long label wraps inside its cell, and text extraction can put the row's numbers
    // between its lines: a label counts as found when it starts somewhere and the rest of its
    // characters follow in order within the next 200.
    let found = |label: &str| {
        let chars: Vec<char> = label.chars().collect();
        let head: String = chars.iter().take(8).collect();
        text.match_indices(head.as_str()).any(|(i, _)| {
            let mut window = text[i..].chars().take(200);
            chars.iter().all(|c| window.any(|w| w == *c))
        })
    };
    let missing: Vec<&String> = labels.iter().filter(|l| !found(l)).collect();
    assert!(missing.is_empty(), "not in the PDF text: {missing:?}");
}
