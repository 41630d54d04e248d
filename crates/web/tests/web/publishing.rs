//! 主动公开 end to end: the office sets up columns, an editor drafts with an attachment, three
//! reviewers and the secrecy review pass it, the public reads it; withdrawal takes it down.

use super::{App, hidden, spawn_app, text};
use reqwest::StatusCode;

/// A valid 居民身份证 number (the example of GB 11643).
const ID: &str = "11010519491231002X";

/// Post a review decision as `username`.
async fn review(
    app: &App,
    username: &str,
    id: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (c, csrf) = app.login(username).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = c
        .post(app.url(&format!("/console/publications/{id}/review")))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap_or_default())
}

const PASS: [(&str, &str); 4] = [
    ("decision", "pass"),
    ("checklist", "text"),
    ("checklist", "facts"),
    ("checklist", "format"),
];

#[tokio::test]
async fn draft_review_publish_read_and_withdraw() {
    let app = spawn_app().await;

    // The office sets up the unit's Art. 20 columns from the template.
    let (office, csrf) = app.login("admin").await;
    let r = office
        .post(app.url("/console/columns"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("action", "template"),
            ("template", "art20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(&office, app.url("/console/columns?unit=py-zjj")).await;
    assert!(page.contains("行政许可和其他对外管理服务事项"));
    let column = app
        .store
        .column_tree(
            app.store.unit_by_code("py-zjj").await.unwrap().unwrap().id,
            false,
        )
        .await
        .unwrap()[0]
        .column
        .id;

    // The office publishes the unit's basic catalog: one item per column unless listed.
    let r = office
        .post(app.url("/console/catalogs"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("year", "二〇二一"),
            ("entries", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = office
        .post(app.url("/console/catalogs"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("year", "2021"),
            ("entries", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let catalog_url = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = text(&app.client(), app.url(&catalog_url)).await;
    assert!(page.contains("主动公开基本目录（2021年版）") && page.contains("财政预算决算"));
    let r = office
        .post(app.url("/console/catalogs"))
        .form(&[("csrf", csrf.as_str()), ("unit", "py-zjj"), ("year", "2022"), ("title", "住建局重点工作目录"), ("entries", "建筑工地扬尘治理|《大气污染防治法》|每月|建管科\n房屋安全鉴定|条例第二十条|20个工作日|房管科")])
        .send()
        .await
        .unwrap();
    let (_, page) = text(
        &app.client(),
        app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    assert!(page.contains("建筑工地扬尘治理") && page.contains("房管科"));

    // An editor drafts; a missing column is named next to the field, the input kept.
    let (editor, csrf) = app.login("zjj-editor").await;
    let form = |with_column: bool| {
        let mut f = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("title", "关于某小区旧楼加装电梯的公示")
            .text("summary", "加装电梯项目公示")
            .text("formed_on", "2021-09-24")
            .text("doc_number", "番建〔2021〕7号")
            .text("genre", "announcement")
            .text(
                "body",
                format!("<p>申请人身份证号 {ID}，特此公示。</p><script>alert(1)</script>"),
            );
        if with_column {
            f = f.text("column_ids", column.to_string());
        }
        f.part(
            "attachments",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 plan".to_vec()).file_name("设计图.pdf"),
        )
    };
    let r = editor
        .post(app.url("/console/publications/new?unit=py-zjj"))
        .multipart(form(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请至少选择一个发布栏目") && html.contains("加装电梯项目公示"));
    let r = editor
        .post(app.url("/console/publications/new?unit=py-zjj"))
        .multipart(form(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location.rsplit('/').next().unwrap().to_string();

    // The draft page shows the scan's finding, masked; the draft is not on the portal.
    let (_, page) = text(&editor, app.url(&location)).await;
    let findings = &page[page.find("id=\"scan-findings\"").expect("findings shown")..];
    let findings = &findings[..findings.find("</div>").unwrap()];
    assert!(findings.contains("身份证"), "{findings}");
    assert!(!findings.contains(ID), "a finding shows the number masked");
    assert!(!page.contains("<script>alert"));
    let anon = app.client();
    assert_eq!(
        text(&anon, app.url(&format!("/publications/{id}"))).await.0,
        StatusCode::NOT_FOUND
    );

    let r = editor
        .post(app.url(&format!("/console/publications/{id}/submit")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The editor cannot review; the first reviewer passes 初审 and cannot pass 复审 too.
    let (status, _) = review(&app, "zjj-editor", &id, &PASS).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = review(&app, "zjj-reviewer", &id, &PASS).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = review(&app, "zjj-reviewer", &id, &PASS).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("两级审核"));
    assert_eq!(
        review(&app, "zjj-reviewer2", &id, &PASS).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        review(&app, "zjj-leader", &id, &PASS).await.0,
        StatusCode::SEE_OTHER
    );

    // The secrecy review is held by the finding until a reason is given.
    let secrecy = [
        ("decision", "pass"),
        ("checklist", "secrets"),
        ("checklist", "privacy"),
    ];
    let (status, page) = review(&app, "zjj-reviewer", &id, &secrecy).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("不能发布") && page.contains("身份证"));
    let mut with_reason = secrecy.to_vec();
    with_reason.push(("override_reason", "公示须列明申请人，已征得本人同意"));
    assert_eq!(
        review(&app, "zjj-reviewer", &id, &with_reason).await.0,
        StatusCode::SEE_OTHER
    );

    // The public reads it: the index box, the sanitised body, the attachment.
    let (status, page) = text(&anon, app.url(&format!("/publications/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("PY-ZJJ/2021-00001") && page.contains("番建〔2021〕7号"));
    assert!(!page.contains("<script>alert"));
    let file_id = app
        .store
        .attachments("publication", id.parse().unwrap())
        .await
        .unwrap()[0]
        .id;
    let r = anon
        .get(app.url(&format!("/files/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 plan");
    let (_, listing) = text(&anon, app.url(&format!("/columns/{column}"))).await;
    assert!(listing.contains("关于某小区旧楼加装电梯的公示"));
    let (_, home) = text(&anon, app.url("/")).await;
    assert!(home.contains("关于某小区旧楼加装电梯的公示"));
    // Search finds it at once, by its words and by its 文号 typed with other brackets.
    let (_, found) = text(
        &anon,
        app.url("/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF"),
    )
    .await;
    assert!(
        found.contains("共找到 1 条信息") && found.contains("<mark>加装电梯</mark>"),
        "{found}"
    );
    let api: serde_json::Value = anon
        .get(app.url("/api/v1/search"))
        .query(&[("q", "番建[2021]7号")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["hits"][0]["title"], "关于某小区旧楼加装电梯的公示");
    assert_eq!(api["hits"][0]["exact"], true);
    assert_eq!(api["hits"][0]["url"], format!("/publications/{id}"));

    // The office sees who approved it, step by step.
    let (_, page) = text(&office, app.url(&format!("/console/publications/{id}"))).await;
    for who in [
        "区住房城乡建设局信息审核",
        "办公室主任（复审）",
        "分管领导（终审）",
    ] {
        assert!(page.contains(who), "{who}");
    }
    assert!(page.contains("已征得本人同意"));

    // Withdrawn with a reason: gone from the portal, attachment too.
    let (editor, csrf) = app.login("zjj-editor").await;
    let r = editor
        .post(app.url(&format!("/console/publications/{id}/withdraw")))
        .form(&[("csrf", csrf.as_str()), ("reason", "公示期满")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        text(&anon, app.url(&format!("/publications/{id}"))).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        text(&anon, app.url(&format!("/files/{file_id}"))).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, found) = text(
        &anon,
        app.url("/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF"),
    )
    .await;
    assert!(found.contains("共找到 0 条信息"), "{found}");
}

#[tokio::test]
async fn other_units_and_handlers_cannot_reach_publishing_and_bad_paths_are_404() {
    let app = spawn_app().await;
    let (handler, _) = app.login("zjj-handler").await;
    assert_eq!(
        text(&handler, app.url("/console/publications")).await.0,
        StatusCode::FORBIDDEN
    );
    let (editor, _) = app.login("zjj-editor").await;
    // An editor sees only their own unit.
    assert_eq!(
        text(&editor, app.url("/console/columns?unit=py-jyj"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let anon = app.client();
    for path in [
        "/publications/abc",
        "/publications/99999",
        "/columns/-1",
        "/files/1",
        "/catalogs/x",
    ] {
        let (status, page) = text(&anon, app.url(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("没有找到"), "{path}");
    }
    assert_eq!(
        text(&anon, app.url("/console/publications")).await.0,
        StatusCode::SEE_OTHER
    );
    let _ = hidden;
}

/// A draft's flagged attachment is scanned once when it arrives, shown with the draft, and can
/// be removed (to be replaced) through the page; the removal is in the ledger, and only the
/// unit's editors may do it, only while the item can be edited.
#[tokio::test]
async fn a_flagged_attachment_can_be_removed_from_a_draft() {
    let app = spawn_app().await;
    let unit = app.store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let column = app
        .store
        .apply_column_template(
            &gongkai_store::actor::Actor::system("test"),
            unit.id,
            None,
            "art20",
        )
        .await
        .unwrap()[0]
        .id;
    let (editor, csrf) = app.login("zjj-editor").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("title", "关于某路段施工的公告")
        .text("summary", "施工公告")
        .text("formed_on", "2021-09-24")
        .text("genre", "announcement")
        .text("body", "<p>特此公告。</p>")
        .text("column_ids", column.to_string())
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 not really".to_vec())
                .file_name("施工图.pdf"),
        );
    let r = editor
        .post(app.url("/console/publications/new?unit=py-zjj"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    // A file whose text cannot be read is never called clean.
    let (_, page) = text(&editor, app.url(&location)).await;
    assert!(page.contains("附件“施工图.pdf”无法检查"), "{page}");
    let file = app.store.attachments("publication", id).await.unwrap()[0].id;
    let remove = app.url(&format!("/console/publication-attachments/{file}/remove"));

    // A handler may not touch it.
    let (handler, handler_csrf) = app.login("zjj-handler").await;
    let r = handler
        .post(&remove)
        .form(&[("csrf", handler_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = editor
        .post(&remove)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        app.store
            .attachments("publication", id)
            .await
            .unwrap()
            .is_empty()
    );
    let (_, page) = text(&editor, app.url(&location)).await;
    assert!(!page.contains("施工图.pdf"));
    let ledger = app
        .store
        .audit_list(Some("publication:"), 20, 0)
        .await
        .unwrap();
    assert!(ledger.iter().any(
        |e| e.action == "publication.attachment.remove" && e.before_json.contains("施工图.pdf")
    ));

    // Once submitted, the files are fixed until it is returned or withdrawn.
    app.store
        .add_publication_attachments(
            &app.store
                .staff_by_username("zjj-editor")
                .await
                .unwrap()
                .unwrap(),
            id,
            gongkai_store::files::NewAttachment::check_all(
                vec![("说明.pdf".into(), b"%PDF-1.4 x".to_vec())],
                gongkai_core::files::PUBLICATION_LIMITS,
            )
            .unwrap(),
            gongkai_core::clock::today(),
        )
        .await
        .unwrap();
    let r = editor
        .post(app.url(&format!("/console/publications/{id}/submit")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = app.store.attachments("publication", id).await.unwrap()[0].id;
    let r = editor
        .post(app.url(&format!("/console/publication-attachments/{second}/remove")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.store
            .attachments("publication", id)
            .await
            .unwrap()
            .len(),
        1
    );
}
