//! Accessibility (WCAG 2.1 AA intent, GB/T 37668): axe-core in real Chromium on the portal's
//! main pages, in both scripts; any serious or critical violation fails the test.

use crate::{browser, spawn_app};
use chrono::NaiveDate;
use gongkai_store::publishing::ImportItem;

const AXE: &str = include_str!("../axe/axe.min.js");

#[tokio::test]
async fn browser_main_portal_pages_have_no_serious_accessibility_violations() {
    let Some(browser) = browser("browser test: accessibility (axe-core)").await else {
        return;
    };
    let app = spawn_app().await;
    let unit = app.store.unit_by_code("py-zjj").await.unwrap().unwrap();
    app.store
        .apply_column_template(
            &gongkai_store::actor::Actor::system("test"),
            unit.id,
            None,
            "art20",
        )
        .await
        .unwrap();
    let item: ImportItem = serde_json::from_value(serde_json::json!({
        "index_no": "PY-ZJJ/2021-00001", "unit_code": "py-zjj", "title": "关于住房保障资格审核结果的公示",
        "body": "<p>经审核，以下家庭符合公共租赁住房保障条件，公示期为五个工作日。</p>",
        "formed_on": "2021-03-01", "published_on": "2021-03-02", "doc_number": "番建〔2021〕7号",
        "genre": "announcement", "columns": ["法规文件"],
    }))
    .unwrap();
    app.store
        .import_publications(
            &gongkai_store::actor::Actor::system("test"),
            vec![(1, item)],
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    let id = app
        .store
        .publication_by_index("PY-ZJJ/2021-00001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let column = app.store.column_tree(unit.id, false).await.unwrap()[0]
        .column
        .id;
    let pages = [
        "/".to_string(),
        "/units/py-zjj".into(),
        "/units/py-zjj/catalog".into(),
        format!("/columns/{column}"),
        format!("/publications/{id}"),
        "/search?q=%E4%BD%8F%E6%88%BF".into(),
        "/apply".into(),
        "/apply/status".into(),
        "/reports".into(),
        "/interact".into(),
        "/no-such-page".into(),
        "/hant/".into(),
        format!("/hant/publications/{id}"),
    ];
    let b = &browser.client;
    let mut found = Vec::new();
    for path in &pages {
        b.goto(&app.url(path)).await.unwrap();
        found.extend(violations(b, path).await);
    }
    assert!(
        found.is_empty(),
        "accessibility violations:\n{}",
        found.join("\n")
    );
}

/// The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page the browser
/// shows, each named with `label`.
async fn violations(b: &fantoccini::Client, label: &str) -> Vec<String> {
    b.execute(&format!("{AXE}\nreturn true;"), vec![])
        .await
        .unwrap();
    let v = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => done({passes: r.passes.length, bad: r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))}))
               .catch(e => done({passes: 0, bad: ['axe failed: ' + e]}));",
            vec![],
        )
        .await
        .unwrap();
    // axe ran and checked something (a page it could not read would pass nothing).
    assert!(
        v["passes"].as_u64().unwrap_or(0) > 5,
        "{label}: axe did not run: {v}"
    );
    v["bad"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|line| format!("{label}: {}", line.as_str().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn browser_console_pages_and_a_form_sent_back_have_no_serious_accessibility_violations() {
    use fantoccini::Locator;
    let Some(browser) = browser("browser test: console accessibility (axe-core)").await else {
        return;
    };
    let app = spawn_app().await;
    browser.log_in(&app, "/console/login", "admin").await;
    let b = &browser.client;
    let mut found = Vec::new();
    for path in [
        "/console",
        "/console/publications",
        "/console/applications",
        "/console/engagement",
        "/console/supervision",
    ] {
        b.goto(&app.url(path)).await.unwrap();
        found.extend(violations(b, path).await);
    }
    // The supervision page with the training form sent back: summary, marked field, message.
    b.goto(&app.url("/console/supervision")).await.unwrap();
    crate::fill(b, Locator::Id("t-topic"), "政府信息公开条例培训").await;
    crate::fill(b, Locator::Id("t-attendance"), "四十").await;
    crate::click(b, Locator::XPath("//button[text()='登记培训']")).await;
    b.wait()
        .for_element(Locator::Id("t-attendance-e"))
        .await
        .unwrap();
    found.extend(violations(b, "/console/supervision (sent back)").await);
    assert!(
        found.is_empty(),
        "accessibility violations:\n{}",
        found.join("\n")
    );
}
