//! The statute's rules hold whichever way a person comes in: each refusal here is tried through
//! the JSON API (422 with the field named) and through the console's page (the form comes back
//! with the message), and nothing is recorded by either.

use super::applications::apply;
use super::{App, read, spawn_app};
use gongkai_store::applications::ApplicationInput;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> chrono::NaiveDate {
    gongkai_core::clock::today()
}

fn days_ago(n: u64) -> chrono::NaiveDate {
    today() - chrono::Days::new(n)
}

/// The text of the textarea called `name`, as the browser would send it.
fn textarea(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in page"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</textarea>").unwrap();
    html[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The id of an application by its tracking code.
async fn id_of(app: &App, code: &str) -> i64 {
    app.store
        .application_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Post an event through the API as `user`; the status and the JSON answer (if any).
async fn api_event(app: &App, user: &str, id: i64, event: Value) -> (StatusCode, Value) {
    let (c, csrf) = app.login(user).await;
    let r = c
        .post(app.url(&format!("/api/v1/console/applications/{id}/events")))
        .header("x-csrf-token", &csrf)
        .json(&event)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Post an event form through the console's page as `user`; the status and the page.
async fn page_event(app: &App, user: &str, id: i64, form: &[(&str, &str)]) -> (StatusCode, String) {
    let (c, csrf) = app.login(user).await;
    let mut form = form.to_vec();
    form.push(("csrf", csrf.as_str()));
    read(
        c.post(app.url(&format!("/console/applications/{id}/events")))
            .form(&form),
    )
    .await
}

pub(crate) async fn events_of(app: &App, id: i64) -> Vec<gongkai_core::application::Event> {
    app.store
        .events(id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect()
}

/// Register an application received by post `days` days ago, as a handler of 区住房城乡建设局.
async fn received_by_post(app: &App, days: u64, id_number: &str) -> i64 {
    let input = ApplicationInput {
        unit_code: "py-zjj".into(),
        applicant_type: "natural".into(),
        applicant_name: "王五".into(),
        id_kind: "other".into(),
        id_number: id_number.into(),
        phone: "13800138000".into(),
        email: "w@example.com".into(),
        info_description: "某项目的环境影响评价批复。".into(),
        form_wanted: "email".into(),
        delivery: "email".into(),
        ..Default::default()
    };
    app.store
        .submit_application(
            &gongkai_store::actor::Actor::staff(
                &app.store
                    .staff_by_username("zjj-handler")
                    .await
                    .unwrap()
                    .unwrap(),
            ),
            gongkai_core::application::Channel::Post,
            &input,
            Some(days_ago(days)),
            None,
            today(),
        )
        .await
        .unwrap()
        .application
        .id
}

#[tokio::test]
async fn art31_receipt_cannot_predate_an_online_submission() {
    let app = spawn_app().await;
    let (code, _) = apply(&app).await;
    let id = id_of(&app, &code).await;
    let early = days_ago(30).to_string();
    let (status, body) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "received", "on": early}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "on");
    assert!(body["error"].as_str().unwrap().contains("第三十一条"));
    let (status, page) = page_event(
        &app,
        "zjj-handler",
        id,
        &[("action", "receive"), ("on", &early)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不能早于申请提交之日"), "the form comes back");
    assert!(events_of(&app, id).await.is_empty(), "nothing recorded");
    // Today is right, and recorded once.
    let (status, _) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "received", "on": today().to_string()}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(events_of(&app, id).await.len(), 1);
}

#[tokio::test]
async fn only_the_office_corrects_a_receipt_date_with_a_reason_and_the_ledger_keeps_it() {
    let app = spawn_app().await;
    let id = received_by_post(&app, 3, "RC-1").await;
    let was = app.store.progress(id, today()).await.unwrap();
    let fix = json!({"kind": "receipt_corrected", "on": days_ago(1).to_string(), "reason": "签收日期登记错误，以邮件签收单为准"});
    let (status, body) = api_event(&app, "zjj-handler", id, fix.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("政务公开办"));
    let (status, page) = page_event(
        &app,
        "admin",
        id,
        &[
            ("action", "correct_receipt"),
            ("on", &days_ago(1).to_string()),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请写明更正收到申请之日的理由"));
    let (status, _) = api_event(&app, "admin", id, fix).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let now = app.store.progress(id, today()).await.unwrap();
    assert_eq!(now.received, Some(days_ago(1)));
    assert!(
        now.due.unwrap().date > was.due.unwrap().date,
        "the due date follows"
    );
    let ledger = app.store.audit_list(None, 50, 0).await.unwrap();
    let entry = ledger
        .iter()
        .find(|e| e.action == "application.receipt_corrected")
        .expect("a ledger entry");
    assert_eq!(entry.actor, "staff:admin");
    assert!(entry.after_json.contains("签收日期登记错误"));
}

#[tokio::test]
async fn art33_an_extension_after_the_period_ran_out_is_refused() {
    let app = spawn_app().await;
    let id = received_by_post(&app, 60, "EXT-1").await;
    let (status, body) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "extended", "on": today().to_string(), "approved_by": "办公室主任"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "on");
    assert!(body["error"].as_str().unwrap().contains("第三十三条"));
    let (status, page) = page_event(
        &app,
        "zjj-handler",
        id,
        &[
            ("action", "extend"),
            ("on", &today().to_string()),
            ("approved_by", "办公室主任"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("届满"));
    assert_eq!(events_of(&app, id).await.len(), 1, "only the receipt");
}

#[tokio::test]
async fn fee_notices_carry_the_computed_amount_never_a_typed_one() {
    let app = spawn_app().await;
    let id = received_by_post(&app, 1, "FEE-1").await;
    let on = today().to_string();
    let (status, body) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "fee_notice", "on": on, "method": "pages", "quantity": 200, "amount_yuan": 3700}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "amount_yuan");
    assert!(body["error"].as_str().unwrap().contains("应为 2700 元"));
    // 按件: the applicant's first application this month is free, whatever is typed.
    let (status, body) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "fee_notice", "on": on, "method": "items", "quantity": 40, "amount_yuan": 200}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "quantity");
    let (status, page) = page_event(
        &app,
        "zjj-handler",
        id,
        &[("action", "fee_notice"), ("on", &on), ("method", "items")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不应收费"));
    assert_eq!(events_of(&app, id).await.len(), 1, "only the receipt");
    // Left to the records, the amount is the brackets' and the notice says it.
    let (status, _) = api_event(
        &app,
        "zjj-handler",
        id,
        json!({"kind": "fee_notice", "on": on, "method": "pages", "quantity": 200}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let letters = app.store.letters(id).await.unwrap();
    assert!(letters.iter().any(|l| l.body.contains("金额2700元")));
}

#[tokio::test]
async fn an_answer_with_something_left_to_fill_is_never_issued() {
    let app = spawn_app().await;
    let id = received_by_post(&app, 2, "ANS-1").await;
    let (c, csrf) = app.login("zjj-handler").await;
    let url = app.url(&format!("/api/v1/console/applications/{id}/answer"));
    let r = c
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"outcome": "2", "on": today().to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "body");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("［请写明不予公开的内容及理由］")
    );
    // The page's editor refuses the same letter sent unfilled.
    let (_, editor) = super::text(
        &c,
        app.url(&format!("/console/applications/{id}/answer?outcome=2")),
    )
    .await;
    let draft = textarea(&editor, "body");
    let (status, page) = read(
        c.post(app.url(&format!("/console/applications/{id}/answer")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("outcome", "2"),
                ("on", &today().to_string()),
                ("title", "答复书"),
                ("body", &draft),
            ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("尚有待填写的内容"));
    assert!(app.store.letters(id).await.unwrap().is_empty());
    assert_eq!(
        app.store.application(id).await.unwrap().unwrap().outcome,
        None
    );
    // An outcome whose draft needs nothing goes out as drafted: no table label, its article.
    let r = c
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"outcome": "1", "on": today().to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let letter = &app.store.letters(id).await.unwrap()[0];
    assert!(letter.body.contains("第三十六条第（二）项"));
    assert!(!letter.body.contains("办理结果"));
    assert!(letter.body.contains("“某项目的环境影响评价批复”。"));
    assert!(gongkai_core::letters::problems(&letter.body).is_empty());
}
