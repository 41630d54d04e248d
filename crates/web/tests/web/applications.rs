//! 依申请公开 end to end: the public applies, staff handle and answer, the public reads the letter.

use super::{App, hidden, spawn_app, spawn_app_with};
use gongkai_web::WebConfig;
use reqwest::StatusCode;

/// A valid 居民身份证 number (the example of GB 11643).
pub const ID: &str = "11010519491231002X";

pub fn application_form(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("token", token.to_string()),
        ("unit_code", "py-zjj".into()),
        ("applicant_type", "natural".into()),
        ("applicant_name", "张小明".into()),
        ("id_kind", "id_card".into()),
        ("id_number", ID.into()),
        ("phone", "13800138000".into()),
        ("email", "zhang@example.com".into()),
        ("address", "广州市番禺区市桥街1号".into()),
        ("info_description", "某小区2021年建设工程规划许可证".into()),
        ("form_wanted", "email".into()),
        ("delivery", "email".into()),
    ]
}

/// Apply through the public form; returns (tracking code, password).
pub async fn apply(app: &App) -> (String, String) {
    let c = app.client();
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = hidden(&page, "token");
    let r = c
        .post(app.url("/apply"))
        .form(&application_form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    (
        between(&html, "id=\"tracking-code\">", "<"),
        between(&html, "id=\"query-password\">", "<"),
    )
}

fn between(html: &str, start: &str, end: &str) -> String {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    html[i..i + html[i..].find(end).unwrap()].to_string()
}

/// A handler of 区教育局 (py-jyj), created for the test and logged in.
async fn handler_of_another_unit(app: &App) -> reqwest::Client {
    app.store
        .create_staff(
            &gongkai_store::actor::Actor::system("test"),
            &gongkai_store::staff::StaffInput {
                username: "jyj-handler".into(),
                display_name: "教育局办理员".into(),
                unit_code: "py-jyj".into(),
                role: "handler".into(),
                password: "教育局办理员的密码123".into(),
            },
        )
        .await
        .unwrap();
    let c = app.client();
    let (_, page) = crate::text(&c, app.url("/console/login")).await;
    let r = c
        .post(app.url("/console/login"))
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("username", "jyj-handler"),
            ("password", "教育局办理员的密码123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of jyj-handler");
    c
}

async fn status_page(app: &App, code: &str, password: &str) -> (StatusCode, String) {
    crate::read(
        app.client()
            .post(app.url("/apply/status"))
            .form(&[("code", code), ("password", password)]),
    )
    .await
}

#[tokio::test]
async fn the_public_form_checks_every_field_and_keeps_the_input() {
    let app = spawn_app().await;
    let c = app.client();
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("广州市番禺区住房和城乡建设局"));
    let token = hidden(&page, "token");
    let mut form = application_form(&token);
    for (k, v) in form.iter_mut() {
        match *k {
            "id_number" => *v = "110105194912310021".into(),
            "phone" => *v = "12345".into(),
            "email" => *v = "".into(),
            "info_description" => *v = "  ".into(),
            _ => {}
        }
    }
    let r = c.post(app.url("/apply")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for (field, words) in [
        ("id_number", "校验位"),
        ("phone", "联系电话"),
        ("email", "电子邮箱"),
        ("info_description", "请填写"),
    ] {
        let err = between(&html, &format!("id=\"e-{field}\">"), "<");
        assert!(err.contains(words), "{field}: {err}");
    }
    // The summary above the form links to each field.
    assert!(html.contains(r##"<a href="#f-phone">"##), "{html}");
    assert!(html.contains("value=\"张小明\""), "input kept");
    assert!(
        app.store
            .applications(None, false)
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );

    // Markup in a field is shown as text, never as markup.
    let mut form = application_form(&token);
    form[6].1 = "<script>alert(1)</script>".into();
    let html = c
        .post(app.url("/apply"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
}

#[tokio::test]
async fn a_double_click_makes_one_application_and_status_masks_personal_data() {
    let app = spawn_app().await;
    let c = app.client();
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = hidden(&page, "token");
    let first = c
        .post(app.url("/apply"))
        .form(&application_form(&token))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let second = c
        .post(app.url("/apply"))
        .form(&application_form(&token))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = between(&first, "id=\"tracking-code\">", "<");
    assert_eq!(code, between(&second, "id=\"tracking-code\">", "<"));
    assert_eq!(
        between(&first, "id=\"query-password\">", "<"),
        between(&second, "id=\"query-password\">", "<")
    );
    assert_eq!(app.store.applications(None, false).await.unwrap().len(), 1);

    let password = between(&first, "id=\"query-password\">", "<");
    let (status, html) = status_page(&app, &code, "wrong-password").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("查询码或查询密码不正确"));
    let (status, html) = status_page(&app, &code, &password).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("待确认收到"));
    assert!(html.contains("张**") && !html.contains("张小明"));
    assert!(html.contains("138******00") && !html.contains("13800138000"));
    assert!(!html.contains(ID));
}

#[tokio::test]
async fn applications_are_rate_limited_per_address() {
    let app = spawn_app_with(WebConfig {
        applications_per_hour: 2,
        ..Default::default()
    })
    .await;
    let c = app.client();
    for i in 0..3 {
        let page = c
            .get(app.url("/apply"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = hidden(&page, "token");
        let r = c
            .post(app.url("/apply"))
            .form(&application_form(&token))
            .send()
            .await
            .unwrap();
        if i < 2 {
            assert_eq!(r.status(), StatusCode::OK);
        } else {
            assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(r.text().await.unwrap().contains("过于频繁"));
        }
    }
    assert_eq!(app.store.applications(None, false).await.unwrap().len(), 2);
}

#[tokio::test]
async fn staff_handle_and_answer_and_the_public_reads_the_letter() {
    let app = spawn_app().await;
    let (code, password) = apply(&app).await;
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (h, csrf) = app.login("zjj-handler").await;
    let act = |fields: Vec<(&'static str, String)>| {
        let mut f = fields;
        f.push(("csrf", csrf.clone()));
        let h = h.clone();
        let url = app.url(&format!("/console/applications/{id}/events"));
        async move { h.post(url).form(&f).send().await.unwrap() }
    };
    let bench = h
        .get(app.url("/console/applications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bench.contains(&code) && bench.contains("待确认"));

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let r = act(vec![
        ("action", "receive".into()),
        ("on", today.to_string()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A second confirmation is refused with a message, and nothing changes.
    let r = act(vec![
        ("action", "receive".into()),
        ("on", today.to_string()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已确认过收到申请"));
    let r = act(vec![
        ("action", "consult".into()),
        ("on", today.to_string()),
        ("party", "某开发公司".into()),
        ("third_party", "1".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = h
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("征求意见中"));
    assert!(
        page.contains("其后第 20 个工作日"),
        "the due date is explained"
    );
    let r = act(vec![
        ("action", "consult_reply".into()),
        ("on", today.to_string()),
        ("consultation", format!("{today}|某开发公司")),
        ("consents", "0".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = act(vec![
        ("action", "extend".into()),
        ("on", today.to_string()),
        ("approved_by", "".into()),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("请填写批准人"));
    let r = act(vec![
        ("action", "extend".into()),
        ("on", today.to_string()),
        ("approved_by", "办公室主任李四".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let p = app.store.progress(id, today).await.unwrap();
    assert!(p.clock.extended);
    let cal = app.store.calendar().await.unwrap();
    assert_eq!(p.due.unwrap().date, cal.add_workdays(today, 40).unwrap());

    // The answer: the editor drafts the letter from the outcome; staff issue it.
    let editor = h
        .get(app.url(&format!("/console/applications/{id}/answer?outcome=3.4")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(editor.contains("第十五条") && editor.contains("六十日内"));
    let r = h
        .post(app.url(&format!("/console/applications/{id}/answer")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("outcome", "3.4"),
            ("on", &today.to_string()),
            ("title", "政府信息公开申请答复书"),
            (
                "body",
                "张小明：\n经征求第三方意见，不予公开。\n如不服，可在六十日内申请行政复议。",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let a = app.store.application(id).await.unwrap().unwrap();
    assert_eq!(a.outcome.as_deref(), Some("3.4"));

    // The public sees the answer and its letter, as a page and as DOCX.
    let (_, html) = status_page(&app, &code, &password).await;
    assert!(html.contains("已答复") && html.contains("政府信息公开申请答复书"));
    let letter_id = app
        .store
        .letters(id)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.kind == "answer")
        .unwrap()
        .id;
    let r = app
        .client()
        .post(app.url(&format!("/apply/letters/{letter_id}")))
        .form(&[("code", code.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("经征求第三方意见，不予公开。")
    );
    let r = app
        .client()
        .post(app.url(&format!("/apply/letters/{letter_id}/docx")))
        .form(&[("code", code.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("wordprocessingml")
    );
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    let r = app
        .client()
        .post(app.url(&format!("/apply/letters/{letter_id}")))
        .form(&[("code", code.as_str()), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A reconsideration filed against the answer.
    let r = h
        .post(app.url(&format!("/console/applications/{id}/cases")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "reconsideration"),
            ("filed_on", &today.to_string()),
            ("result", "pending"),
            ("result_on", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = h
        .post(app.url(&format!("/console/applications/{id}/cases")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "reconsideration"),
            ("filed_on", &today.to_string()),
            ("result", "upheld"),
            ("result_on", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("请填写审结日期"));
    assert_eq!(app.store.cases(id).await.unwrap().len(), 1);
    // The audit ledger has the steps, without the applicant's personal data.
    let log = app
        .store
        .audit_list(Some(&format!("application:{code}")), 50, 0)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "application.answered"));
    assert!(
        log.iter()
            .all(|e| !e.after_json.contains("张小明") && !e.after_json.contains(ID))
    );
}

#[tokio::test]
async fn staff_register_paper_applications_and_fees_follow_the_rules() {
    let app = spawn_app().await;
    let (h, csrf) = app.login("zjj-handler").await;
    let mut form: Vec<(&str, String)> = application_form("");
    form.retain(|(k, _)| *k != "token");
    form.push(("csrf", csrf.clone()));
    form.push(("channel", "post".into()));
    form.push(("received_on", "2099-01-01".into()));
    let r = h
        .post(app.url("/console/applications/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不能晚于今天"));
    form.pop();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    form.push(("received_on", today.to_string()));
    let r = h
        .post(app.url("/console/applications/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let page = h
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("请将查询码") && page.contains("办理中"));
    let id: i64 = loc
        .trim_start_matches("/console/applications/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // 101 pages by the per-page brackets: 70 × 10 + 1 × 20 = 720 元.
    let r = h
        .post(app.url(&format!("/console/applications/{id}/events")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "fee_notice"),
            ("on", &today.to_string()),
            ("method", "pages"),
            ("quantity", "101"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = h
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("金额 720 元") && page.contains("待缴纳费用"));
    let r = h
        .post(app.url(&format!("/console/applications/{id}/events")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "fee_paid"),
            ("on", &today.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.application(id).await.unwrap().unwrap().fee_yuan,
        720
    );
}

#[tokio::test]
async fn other_units_and_other_roles_cannot_see_applications() {
    let app = spawn_app().await;
    let (code, _) = apply(&app).await;
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let c = handler_of_another_unit(&app).await;
    let r = c
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let bench = c
        .get(app.url("/console/applications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!bench.contains(&code));

    let (editor, _) = app.login("zjj-editor").await;
    let r = editor
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client()
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the public is sent to the login page"
    );
    // The office sees every unit's applications.
    let (office, _) = app.login("admin").await;
    let r = office
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// In real Chromium: a member of the public applies, staff answer, the public reads the letter.
#[tokio::test]
async fn browser_public_applies_staff_answer_public_reads_the_letter() {
    use fantoccini::Locator;
    let Some(browser) = super::browser("browser test: apply, answer, read the letter").await else {
        return;
    };
    let app = spawn_app().await;
    let b = &browser.client;
    b.goto(&app.url("/apply")).await.unwrap();
    for (id, value) in [
        ("f-unit_code", "py-zjj"),
        ("f-applicant_type", "natural"),
        ("f-id_kind", "id_card"),
        ("f-form_wanted", "email"),
        ("f-delivery", "email"),
    ] {
        b.find(Locator::Id(id))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }
    for (id, value) in [
        ("f-applicant_name", "王小华"),
        ("f-id_number", ID),
        ("f-phone", "13900139000"),
        ("f-email", "wang@example.com"),
        ("f-info_description", "番禺区2021年旧楼加装电梯审批材料"),
    ] {
        crate::fill(b, Locator::Id(id), value).await;
    }
    crate::click(b, Locator::Id("submit-application")).await;
    let code = b
        .wait()
        .for_element(Locator::Id("tracking-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let password = b
        .find(Locator::Id("query-password"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Staff: confirm receipt, draft the answer, issue it.
    browser.log_in(&app, "/console/login", "zjj-handler").await;
    b.goto(&app.url("/console/applications")).await.unwrap();
    crate::click(b, Locator::LinkText(&code)).await;
    b.wait()
        .for_element(Locator::Id("confirm-receipt"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Id("a-o"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    crate::click(b, Locator::Id("prepare-answer")).await;
    let body = b.wait().for_element(Locator::Id("f-body")).await.unwrap();
    assert!(
        body.prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("王小华")
    );
    crate::click(b, Locator::Id("issue-answer")).await;
    let timeline = b
        .wait()
        .for_element(Locator::Id("timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("作出答复：（一）予以公开"), "{timeline}");

    // The public looks it up and opens the letter.
    b.goto(&app.url("/apply/status")).await.unwrap();
    crate::fill(b, Locator::Id("f-code"), &code).await;
    crate::fill(b, Locator::Id("f-password"), &password).await;
    crate::click(b, Locator::Id("lookup")).await;
    let stage = b
        .wait()
        .for_element(Locator::Id("stage"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(stage, "已答复");
    crate::click(b, Locator::Css("form.inline button")).await;
    let letter = b
        .wait()
        .for_element(Locator::Css("main.letter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        letter.contains("政府信息公开申请答复书")
            && letter.contains("番禺区2021年旧楼加装电梯审批材料")
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_json_api_covers_submission_status_and_staff_actions() {
    let app = spawn_app().await;
    let c = app.client();
    let mut body = serde_json::json!({
        "unit_code": "py-zjj", "applicant_type": "natural", "applicant_name": "李四", "id_kind": "id_card",
        "id_number": ID, "phone": "13800138000", "info_description": "某路段改造工程立项批复",
        "form_wanted": "email", "delivery": "email", "email": "li@example.com", "idempotency_key": "client-42"
    });
    let r = c
        .post(app.url("/api/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: serde_json::Value = r.json().await.unwrap();
    let r = c
        .post(app.url("/api/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the same key returns the first submission"
    );
    let again: serde_json::Value = r.json().await.unwrap();
    assert_eq!(first["tracking_code"], again["tracking_code"]);
    assert_eq!(again["duplicate"], true);
    body["id_number"] = "110105194912310021".into();
    body["idempotency_key"] = "client-43".into();
    let r = c
        .post(app.url("/api/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["fields"][0]["field"], "id_number");
    let r = c
        .post(app.url("/api/v1/applications"))
        .body("not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let code = first["tracking_code"].as_str().unwrap();
    let password = first["password"].as_str().unwrap();
    let s: serde_json::Value = c
        .post(app.url("/api/v1/applications/status"))
        .json(&serde_json::json!({"code": code, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["stage"], "待确认收到");
    assert_eq!(s["applicant"], "李*");
    let r = c
        .post(app.url("/api/v1/applications/status"))
        .json(&serde_json::json!({"code": code, "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Staff by session; changes need the session's CSRF token in a header.
    let id = app
        .store
        .application_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = c
        .get(app.url("/api/v1/console/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (h, csrf) = app.login("zjj-handler").await;
    let list: serde_json::Value = h
        .get(app.url("/api/v1/console/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|i| i["tracking_code"] == code)
    );
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    let event = serde_json::json!({"kind": "received", "on": today});
    let url = app.url(&format!("/api/v1/console/applications/{id}/events"));
    let r = h.post(&url).json(&event).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF header");
    let r = h
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = h
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = h
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"kind": "teleported"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let d: serde_json::Value = h
        .get(app.url(&format!("/api/v1/console/applications/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["stage"], "办理中");
    assert!(
        d["due_explanation"][0]
            .as_str()
            .unwrap()
            .contains("收到申请")
    );
    assert_eq!(d["events"][0]["kind"], "received");

    // Another unit's staff: not found; an editor: forbidden.
    let (editor, _) = app.login("zjj-editor").await;
    let r = editor
        .get(app.url(&format!("/api/v1/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other = handler_of_another_unit(&app).await;
    let r = other
        .get(app.url(&format!("/api/v1/console/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_letter_with_personal_data_is_held_until_a_reason_is_given() {
    let app = spawn_app().await;
    let (code, _) = apply(&app).await;
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (h, csrf) = app.login("zjj-handler").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    h.post(app.url(&format!("/console/applications/{id}/events")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "receive"),
            ("on", &today),
        ])
        .send()
        .await
        .unwrap();
    let body = format!("张小明（身份证 {ID}）：\n经审查，予以公开。");
    let form = |reason: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("outcome", "1".to_string()),
            ("on", today.clone()),
            ("title", "政府信息公开申请答复书".to_string()),
            ("body", body.clone()),
            ("override_reason", reason.to_string()),
        ]
    };
    let r = h
        .post(app.url(&format!("/console/applications/{id}/answer")))
        .form(&form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("身份证号码（110***********002X）") && html.contains("确认理由"));
    assert!(
        app.store.letters(id).await.unwrap().is_empty(),
        "nothing issued"
    );
    assert!(
        app.store
            .application(id)
            .await
            .unwrap()
            .unwrap()
            .outcome
            .is_none()
    );
    let r = h
        .post(app.url(&format!("/console/applications/{id}/answer")))
        .form(&form("申请人本人要求在答复中核对其身份证号"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.letters(id).await.unwrap().len(), 1);
    let log = app
        .store
        .audit_list(Some(&format!("application:{code}")), 10, 0)
        .await
        .unwrap();
    let o = log
        .iter()
        .find(|e| e.action == "letter.scan_override")
        .unwrap();
    assert!(o.after_json.contains("申请人本人要求") && !o.before_json.contains(ID));
}

#[tokio::test]
async fn transfer_to_the_responsible_unit() {
    let app = spawn_app().await;
    let (code, password) = apply(&app).await;
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (h, csrf) = app.login("zjj-handler").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let h = h.clone();
        let url = app.url(&path);
        async move { h.post(url).form(&form).send().await.unwrap() }
    };
    post(
        format!("/console/applications/{id}/events"),
        vec![
            ("csrf", csrf.clone()),
            ("action", "receive".into()),
            ("on", today.clone()),
        ],
    )
    .await;
    let r = post(
        format!("/console/applications/{id}/transfer"),
        vec![
            ("csrf", csrf.clone()),
            ("to_unit", "py-zjj".into()),
            ("on", today.clone()),
        ],
    )
    .await;
    assert!(r.text().await.unwrap().contains("不能转送给本机关"));
    let r = post(
        format!("/console/applications/{id}/transfer"),
        vec![
            ("csrf", csrf.clone()),
            ("to_unit", "py-ghzy".into()),
            ("on", today.clone()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let old = app.store.application(id).await.unwrap().unwrap();
    assert_eq!(old.outcome.as_deref(), Some("4.1"));
    let moved: Vec<_> = app
        .store
        .applications(None, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.unit_code == "py-ghzy")
        .collect();
    assert_eq!(moved.len(), 1);
    let p = app
        .store
        .progress(
            moved[0].id,
            chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        p.received.map(|d| d.to_string()),
        Some(today.clone()),
        "received there on the transfer date"
    );
    // The applicant reads the transfer notice, with the new code, and can follow it there.
    let (_, html) = status_page(&app, &code, &password).await;
    assert!(html.contains("转送告知书"));
    let letter = &app.store.letters(id).await.unwrap()[0];
    assert!(
        letter.body.contains(&moved[0].tracking_code)
            && letter.body.contains("第三十六条第（五）项")
    );
    let new_password = letter
        .body
        .split("查询密码为 ")
        .nth(1)
        .unwrap()
        .split('，')
        .next()
        .unwrap()
        .to_string();
    let (status, html) = status_page(&app, &moved[0].tracking_code, &new_password).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("广州市规划和自然资源局番禺区分局") && html.contains("办理中"));
}

#[tokio::test]
async fn the_json_api_registers_answers_transfers_and_files_cases() {
    let app = spawn_app().await;
    let (h, csrf) = app.login("zjj-handler").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    let mut reg = serde_json::json!({
        "channel": "post", "received_on": today, "unit_code": "py-zjj", "applicant_type": "legal_service",
        "applicant_name": "广东某律师事务所", "id_kind": "other", "id_number": "律师事务所执业许可证 12345",
        "phone": "020-84636178", "info_description": "某地块征收补偿安置方案", "form_wanted": "paper", "delivery": "post",
        "address": "广州市番禺区某路1号"
    });
    let post = |path: String, body: serde_json::Value| {
        let (h, url, csrf) = (h.clone(), app.url(&path), csrf.clone());
        async move {
            h.post(url)
                .header("x-csrf-token", csrf)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let r = post("/api/v1/console/register".into(), reg.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<serde_json::Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_string();
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    reg["unit_code"] = "py-jyj".into();
    let r = post("/api/v1/console/register".into(), reg.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another unit's register");

    // Answer with the generated draft; then a case against it.
    let r = post(
        format!("/api/v1/console/applications/{id}/answer"),
        serde_json::json!({"outcome": "9.9", "on": today}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        format!("/api/v1/console/applications/{id}/answer"),
        serde_json::json!({"outcome": "3.6", "on": today}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let letters = app.store.letters(id).await.unwrap();
    assert!(letters[0].body.contains("第十六条第二款"));
    let r = post(
        format!("/api/v1/console/applications/{id}/cases"),
        serde_json::json!({"kind": "direct_lawsuit", "filed_on": today, "result": "pending"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post(
        format!("/api/v1/console/applications/{id}/cases"),
        serde_json::json!({"kind": "appeal", "filed_on": today, "result": "pending"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Transfer another one.
    reg["unit_code"] = "py-zjj".into();
    let r = post("/api/v1/console/register".into(), reg.clone()).await;
    let code2 = r.json::<serde_json::Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_string();
    let id2 = app
        .store
        .application_by_code(&code2)
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = post(
        format!("/api/v1/console/applications/{id2}/transfer"),
        serde_json::json!({"to_unit": "py-ghzy", "on": today}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["unit"], "py-ghzy");
    // Without the CSRF header nothing happens.
    let r = h
        .post(app.url(&format!("/api/v1/console/applications/{id2}/cases")))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_applicant_is_told_of_corrections_extensions_and_fees() {
    let app = spawn_app().await;
    let (code, password) = apply(&app).await;
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (h, csrf) = app.login("zjj-handler").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let by = (today + chrono::Days::new(15)).to_string();
    let t = today.to_string();
    for form in [
        vec![("action", "receive"), ("on", t.as_str())],
        vec![
            ("action", "correction"),
            ("on", t.as_str()),
            ("content", "请写明所需规划许可证的项目名称"),
            ("by", by.as_str()),
        ],
        vec![("action", "correction_received"), ("on", t.as_str())],
        vec![
            ("action", "extend"),
            ("on", t.as_str()),
            ("approved_by", "办公室主任"),
        ],
        vec![
            ("action", "fee_notice"),
            ("on", t.as_str()),
            ("method", "pages"),
            ("quantity", "150"),
        ],
    ] {
        let mut form = form;
        form.push(("csrf", csrf.as_str()));
        let r = h
            .post(app.url(&format!("/console/applications/{id}/events")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{form:?}");
    }
    let letters = app.store.letters(id).await.unwrap();
    let kinds: Vec<&str> = letters.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(kinds, vec!["correction", "extension", "fee"]);
    assert!(
        letters[0].body.contains("请写明所需规划许可证的项目名称")
            && letters[0].body.contains("第三十条")
    );
    assert!(
        letters[2].body.contains("金额1700元"),
        "{}",
        letters[2].body
    );
    let r = app
        .client()
        .post(app.url("/apply/status"))
        .form(&[("code", code.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("补正告知书")
            && html.contains("延期答复告知书")
            && html.contains("收费通知书")
    );
}

/// The apply form as multipart, with `files` attached as `attachments`.
fn multipart_form(token: &str, files: Vec<(&str, Vec<u8>)>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in application_form(token) {
        form = form.text(k, v);
    }
    for (name, bytes) in files {
        form = form.part(
            "attachments",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    form
}

#[tokio::test]
async fn attachments_are_checked_kept_and_shown_only_to_staff_of_the_unit() {
    let app = spawn_app().await;
    let c = app.client();
    let token = |html: &str| hidden(html, "token");
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("最多 5 个"));

    // A program renamed to .pdf is refused next to the field, the rest of the input kept.
    let r = c
        .post(app.url("/apply"))
        .multipart(multipart_form(
            &token(&page),
            vec![("身份证明.pdf", b"MZ\x90\x00not a pdf".to_vec())],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("身份证明.pdf") && html.contains("格式不受支持"),
        "{html}"
    );
    assert!(html.contains("张小明") && html.contains("e-attachments"));

    // More than 20 MB in all is refused with the limit named, not a 500.
    let big = [b"%PDF-1.4 ".as_slice(), &vec![b'x'; 9 * 1024 * 1024]].concat();
    let r = c
        .post(app.url("/apply"))
        .multipart(multipart_form(
            &token(&html),
            vec![
                ("a.pdf", big.clone()),
                ("b.pdf", big.clone()),
                ("c.pdf", big),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert!(html.contains("20 MB"), "{html}");

    // Two good files go in with the application.
    let pdf = b"%PDF-1.4\n% a letter of authorisation\n".to_vec();
    let jpg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3].to_vec();
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(app.url("/apply"))
        .multipart(multipart_form(
            &token(&page),
            vec![
                ("授权委托书.pdf", pdf.clone()),
                ("C:\\scans\\身份证.jpg", jpg),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let done = r.text().await.unwrap();
    let code = between(&done, "id=\"tracking-code\">", "<");
    let id = app
        .store
        .application_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    let files = app.store.attachments("application", id).await.unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["授权委托书.pdf", "身份证.jpg"]);

    // The unit's handler sees them and downloads the same bytes.
    let (staff, _) = app.login("zjj-handler").await;
    let page = staff
        .get(app.url(&format!("/console/applications/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("授权委托书.pdf") && page.contains("身份证.jpg"));
    let r = staff
        .get(app.url(&format!("/console/attachments/{}", files[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("%E6%8E%88%E6%9D%83")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // The public and another role cannot.
    let r = c
        .get(app.url(&format!("/console/attachments/{}", files[0].id)))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::OK);
    let (editor, _) = app.login("zjj-editor").await;
    let r = editor
        .get(app.url(&format!("/console/attachments/{}", files[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_takes_attachments_in_base64() {
    use base64::Engine;
    let app = spawn_app().await;
    let mut body = serde_json::json!({
        "unit_code": "py-zjj", "applicant_type": "natural", "applicant_name": "李四",
        "id_kind": "id_card", "id_number": ID, "phone": "13900139000",
        "info_description": "2021年某项目环评批复", "form_wanted": "email", "delivery": "email",
        "email": "li@example.com",
        "attachments": [{"name": "证明.pdf", "content_base64": "not base64!"}],
    });
    let c = app.client();
    let r = c
        .post(app.url("/api/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["fields"][0]["field"], "attachments");
    assert!(err["error"].as_str().unwrap().contains("证明.pdf"));

    body["attachments"][0]["content_base64"] = base64::engine::general_purpose::STANDARD
        .encode(b"%PDF-1.7 proof")
        .into();
    let r = c
        .post(app.url("/api/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: serde_json::Value = r.json().await.unwrap();
    let app_id = app
        .store
        .application_by_code(made["tracking_code"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let files = app.store.attachments("application", app_id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].size, 14);
}
