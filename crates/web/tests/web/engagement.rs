//! Engagement and supervision end to end: a consultation from opening to published feedback
//! (over HTTP and in Chromium), moderation that keeps contacts private, and an inspection with
//! its notice and rectification.

use super::{App, hidden, spawn_app, text};
use reqwest::StatusCode;

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// An editor of py-zjj opens a consultation from today to today; returns its id.
async fn open_consultation(app: &App) -> String {
    let (editor, csrf) = app.login("zjj-editor").await;
    let day = today().to_string();
    let r = editor
        .post(app.url("/console/consultations"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("title", "关于公开征求《番禺区加装电梯补贴办法》意见的公告"),
            ("draft", "<p>第一条 为规范……</p>"),
            ("explanation", "起草说明"),
            ("opens_on", day.as_str()),
            ("closes_on", day.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    // Not public until its announcement has been through the reviews.
    let public = app.client();
    let r = public
        .get(app.url(&format!("/consultations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, page) = text(&editor, app.url(&format!("/console/consultations/{id}"))).await;
    assert!(page.contains("公告经审核发布后"));
    let announcement = app
        .store
        .consultation(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .publication_id
        .unwrap();
    publish(app, announcement).await;
    id
}

/// Take a publication through submission, the three reviews and the secrecy review.
async fn publish(app: &App, id: i64) {
    use gongkai_store::publishing::ReviewInput;
    let staff =
        |u: &'static str| async move { app.store.staff_by_username(u).await.unwrap().unwrap() };
    app.store
        .submit_publication(&staff("zjj-editor").await, id)
        .await
        .unwrap();
    let three = ["text", "facts", "format"].map(String::from).to_vec();
    for (who, ticked) in [
        ("zjj-reviewer", three.clone()),
        ("zjj-reviewer2", three.clone()),
        ("zjj-leader", three),
        ("zjj-reviewer", vec!["secrets".into(), "privacy".into()]),
    ] {
        let r = ReviewInput {
            passed: true,
            ticked,
            ..Default::default()
        };
        app.store
            .review_publication(&staff(who).await, id, &r, today())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn consultation_opinions_are_moderated_and_feedback_ends_it() {
    let app = spawn_app().await;
    let id = open_consultation(&app).await;
    let public = app.client();
    let url = app.url(&format!("/consultations/{id}"));
    let (status, page) = text(&public, url.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("征集中"));

    // A bad contact is named beside its field, the opinion kept.
    let token = hidden(&page, "token");
    let r = public
        .post(&url)
        .form(&[
            ("token", token.as_str()),
            ("content", "建议补贴标准按楼层分档。"),
            ("contact", "12345"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("e-contact") && page.contains("建议补贴标准按楼层分档。"));

    // Sent twice with the same token: one opinion.
    let token = hidden(&page, "token");
    for _ in 0..2 {
        let r = public
            .post(&url)
            .form(&[
                ("token", token.as_str()),
                ("content", "建议补贴标准按楼层分档。"),
                ("name", "陈大文"),
                ("contact", "13800138000"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("审核后公开"));
    }
    let opinions = app
        .store
        .contributions("opinion", Some(id.parse().unwrap()), None, false)
        .await
        .unwrap();
    assert_eq!(opinions.len(), 1);
    // Not shown before moderation.
    assert!(!text(&public, url.clone()).await.1.contains("按楼层分档"));

    // The editor sees the contact; publishing shows the opinion under a masked name only.
    let (editor, csrf) = app.login("zjj-editor").await;
    let (_, page) = text(&editor, app.url(&format!("/console/consultations/{id}"))).await;
    assert!(page.contains("13800138000"));
    let r = editor
        .post(app.url(&format!("/console/contributions/{}", opinions[0].id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "approve"),
            ("reply", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(&public, url.clone()).await;
    assert!(page.contains("按楼层分档") && page.contains("陈**"));
    assert!(!page.contains("13800138000") && !page.contains("陈大文"));

    // A reply over 5,000 characters comes back on the consultation's page, beside its item,
    // with what was typed; the published reply is left as it was.
    let long = format!("感谢您的意见，{}", "已转交有关部门研究。".repeat(500));
    let page = approval_sent_back(&app, &editor, &csrf, opinions[0].id, &long).await;
    let item = opinions[0].id;
    assert!(page.contains(&format!(r#"id="reply-{item}-e""#)), "{page}");
    assert!(
        page.contains(&format!(r##"href="#reply-{item}""##)),
        "{page}"
    );
    assert!(page.contains("5000"), "{page}");
    assert!(page.contains(&long), "the reply as typed is kept");
    assert!(page.contains("收到的意见"), "the consultation's own page");
    let kept = app.store.contribution(item).await.unwrap().unwrap();
    assert_eq!(
        (kept.status.as_str(), kept.reply.as_str()),
        ("approved", "")
    );

    // Another unit's editor cannot moderate it.
    let (handler, hcsrf) = app.login("zjj-handler").await;
    let r = handler
        .post(app.url(&format!("/console/contributions/{}", opinions[0].id)))
        .form(&[("csrf", hcsrf.as_str()), ("decision", "reject")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Empty feedback comes back with the message beside the field, the consultation open.
    let page = sent_back(
        &editor,
        app.url(&format!("/console/consultations/{id}/feedback")),
        &[("csrf", csrf.as_str()), ("feedback", "  ")],
    )
    .await;
    assert!(page.contains(r#"id="fb-feedback-e""#), "{page}");
    // On the closing day the feedback is published; the consultation then takes no opinions.
    let r = editor
        .post(app.url(&format!("/console/consultations/{id}/feedback")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("feedback", "共收到意见1条，已采纳。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(&public, url.clone()).await;
    assert!(page.contains("已反馈") && page.contains("共收到意见1条，已采纳。"));
    assert!(!page.contains("id=\"send-opinion\""));
    let r = public
        .post(&url)
        .form(&[("token", "x"), ("content", "迟到的意见")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

/// Post a form that has mistakes: the page comes back (422); its text.
async fn sent_back(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> String {
    let r = client.post(url).form(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    r.text().await.unwrap()
}

/// An approval of contribution `item` with `reply`, which must come back with its mistakes.
async fn approval_sent_back(
    app: &App,
    editor: &reqwest::Client,
    csrf: &str,
    item: i64,
    reply: &str,
) -> String {
    sent_back(
        editor,
        app.url(&format!("/console/contributions/{item}")),
        &[("csrf", csrf), ("decision", "approve"), ("reply", reply)],
    )
    .await
}

#[tokio::test]
async fn a_consultation_or_interview_with_mistakes_comes_back_with_them_beside_the_fields() {
    let app = spawn_app().await;
    let (editor, csrf) = app.login("zjj-editor").await;
    let drafts_before = app.store.consultations(None).await.unwrap().len();
    let page = sent_back(
        &editor,
        app.url("/console/consultations"),
        &[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("title", ""),
            ("draft", "<p>第一条 为规范加装电梯……</p>"),
            ("opens_on", "2026-05-10"),
            ("closes_on", "2026-05-01"),
        ],
    )
    .await;
    // Each mistake beside its field, the summary linking to it, what was typed kept.
    assert!(page.contains(r#"id="c-title-e""#), "{page}");
    assert!(
        page.contains(r#"id="c-closes_on-e">截止日期不能早于开始日期"#),
        "{page}"
    );
    assert!(page.contains(r##"href="#c-closes_on""##), "{page}");
    assert!(page.contains("第一条 为规范加装电梯"), "{page}");
    assert!(page.contains(r#"value="2026-05-10""#), "{page}");
    // Nothing stored, no announcement drafted.
    assert_eq!(
        app.store.consultations(None).await.unwrap().len(),
        drafts_before
    );

    let page = sent_back(
        &editor,
        app.url("/console/interviews"),
        &[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("title", "优化营商环境在线访谈"),
            ("scheduled_on", "下周三"),
            ("guests", "区发改局局长"),
        ],
    )
    .await;
    assert!(
        page.contains(r#"id="v-scheduled_on-e">访谈日期应为"#),
        "{page}"
    );
    assert!(page.contains(r#"value="优化营商环境在线访谈""#), "{page}");
    assert!(page.contains(r#"value="区发改局局长""#), "{page}");
    assert!(!page.contains(r#"id="c-title-e""#), "{page}");

    // A record whose video address is not one comes back with the transcript as typed.
    let r = editor
        .post(app.url("/console/interviews"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("title", "优化营商环境在线访谈"),
            ("scheduled_on", "2026-05-06"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let interview = r.headers()["location"].to_str().unwrap().to_string();
    let page = sent_back(
        &editor,
        app.url(&interview),
        &[
            ("csrf", csrf.as_str()),
            ("transcript", "主持人：各位网友大家好……"),
            ("video_url", "ftp://video.example/1.mp4"),
        ],
    )
    .await;
    assert!(
        page.contains(r#"id="tr-video_url-e">视频地址：链接应以 https://"#),
        "{page}"
    );
    assert!(page.contains("主持人：各位网友大家好……"), "{page}");
    // A scheme-relative address would leave the site: refused the same way.
    let page = sent_back(
        &editor,
        app.url(&interview),
        &[
            ("csrf", csrf.as_str()),
            ("transcript", "主持人：各位网友大家好……"),
            ("video_url", "//evil.example/v.mp4"),
        ],
    )
    .await;
    assert!(page.contains(r#"id="tr-video_url-e">视频地址："#), "{page}");
}

#[tokio::test]
async fn a_reply_too_long_comes_back_in_the_message_box_or_on_the_interview() {
    let app = spawn_app().await;
    let unit = app.store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let input = gongkai_store::engagement::ContributionInput {
        subject: "加装电梯补贴".into(),
        content: "请问补贴何时发放？".into(),
        name: "市民".into(),
        ..Default::default()
    };
    let m = app
        .store
        .contribute("message", 0, unit.id, &input, today())
        .await
        .unwrap();
    let (editor, csrf) = app.login("zjj-editor").await;
    let long = "补贴将于本月内发放。".repeat(600);
    let page = approval_sent_back(&app, &editor, &csrf, m.id, &long).await;
    assert!(
        page.contains("<h1>咨询建言</h1>"),
        "the message box: {page}"
    );
    assert!(
        page.contains(&format!(r#"id="reply-{}-e""#, m.id)),
        "{page}"
    );
    assert!(page.contains(&long), "the reply as typed is kept");
    let kept = app.store.contribution(m.id).await.unwrap().unwrap();
    assert_eq!(kept.reply, "");
    assert_ne!(kept.status, "approved");

    // A question to an interview comes back on the interview's page.
    let interview = gongkai_store::engagement::InterviewInput {
        title: "加装电梯政策在线访谈".into(),
        scheduled_on: today().to_string(),
        ..Default::default()
    };
    let v = app
        .store
        .create_interview(
            &gongkai_store::actor::Actor::system("test"),
            unit.id,
            &interview,
            None,
        )
        .await
        .unwrap();
    let q = app
        .store
        .contribute("question", v.id, unit.id, &input, today())
        .await
        .unwrap();
    // The command itself refuses a question after the interview, whoever calls it.
    let late = app
        .store
        .contribute(
            "question",
            v.id,
            unit.id,
            &input,
            today() + chrono::Days::new(1),
        )
        .await
        .unwrap_err();
    assert!(late.to_string().contains("访谈已经举行"), "{late}");
    let page = approval_sent_back(&app, &editor, &csrf, q.id, &long).await;
    assert!(page.contains("<h1>加装电梯政策在线访谈</h1>"), "{page}");
    assert!(
        page.contains(&format!(r#"id="reply-{}-e""#, q.id)),
        "{page}"
    );
    assert!(page.contains(&long));
}

#[tokio::test]
async fn a_supervision_form_with_mistakes_comes_back_with_them_beside_its_fields() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("admin").await;
    let accounts_before = app.store.media_accounts().await.unwrap().len();
    let page = sent_back(
        &office,
        app.url("/console/supervision"),
        &[
            ("csrf", csrf.as_str()),
            ("action", "open_account"),
            ("unit", "py-zjj"),
            ("platform", "微博"),
            ("name", "番禺住建"),
            ("purpose", "发布住房保障政策"),
            ("on", "三月一日"),
        ],
    )
    .await;
    assert!(page.contains(r#"id="a-on-e">开设日期应为"#), "{page}");
    assert!(page.contains(r#"value="发布住房保障政策""#), "{page}");
    assert!(page.contains("<option selected>微博</option>"), "{page}");
    // The other forms stay as they were: empty, without messages.
    assert!(!page.contains(r#"id="t-attendance-e""#), "{page}");
    assert_eq!(
        app.store.media_accounts().await.unwrap().len(),
        accounts_before
    );

    let page = sent_back(
        &office,
        app.url("/console/supervision"),
        &[
            ("csrf", csrf.as_str()),
            ("action", "training"),
            ("held_on", "2026-03-01"),
            ("level", "city"),
            ("topic", "政府信息公开条例培训"),
            ("attendance", "四十"),
        ],
    )
    .await;
    assert!(
        page.contains(r#"id="t-attendance-e">参训人次应为整数"#),
        "{page}"
    );
    assert!(page.contains(r##"href="#t-attendance""##), "{page}");
    assert!(
        page.contains(r#"<option value="city" selected>市级</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"value="政府信息公开条例培训""#), "{page}");
}

#[tokio::test]
async fn inspection_notice_and_rectification() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("admin").await;
    // A unit with an empty column, and a silent new-media account.
    let r = office
        .post(app.url("/console/columns"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "py-zjj"),
            ("action", "add"),
            ("name", "专项工作"),
            ("catalog", "portal"),
            ("update_rule", "as_needed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let day = today().to_string();
    let r = office
        .post(app.url("/console/supervision"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "open_account"),
            ("unit", "py-zjj"),
            ("platform", "微信公众号"),
            ("name", "番禺住建"),
            ("on", day.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // An editor may not run inspections.
    let (editor, ecsrf) = app.login("zjj-editor").await;
    let r = editor
        .post(app.url("/console/supervision"))
        .form(&[
            ("csrf", ecsrf.as_str()),
            ("action", "inspect"),
            ("as_of", day.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = office
        .post(app.url("/console/supervision"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "inspect"),
            ("as_of", day.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let run_url = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = text(&office, app.url(&run_url)).await;
    assert!(page.contains("空白栏目：专项工作"), "{page}");
    assert!(page.contains("政务新媒体两周未更新：番禺住建"));
    assert!(page.contains("首页两周未更新"));
    let run_id: i64 = run_url.rsplit('/').next().unwrap().parse().unwrap();
    let finding = app
        .store
        .inspection_findings(run_id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.subject == "专项工作")
        .unwrap();
    let fid = finding.id.to_string();
    // A deadline that is not a date: the page comes back with it marked, the finding still
    // chosen and the title as typed; no notice is issued.
    let page = sent_back(
        &office,
        app.url(&run_url),
        &[
            ("csrf", csrf.as_str()),
            ("finding", fid.as_str()),
            ("title", "第一季度检查通报"),
            ("deadline", "月底前"),
        ],
    )
    .await;
    assert!(page.contains(r#"id="n-deadline-e">整改期限应为"#), "{page}");
    assert!(
        page.contains(&format!(r#"value="{fid}" checked"#)),
        "{page}"
    );
    assert!(page.contains(r#"value="第一季度检查通报""#), "{page}");
    assert!(app.store.notices().await.unwrap().is_empty());
    let r = office
        .post(app.url(&run_url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("finding", fid.as_str()),
            ("title", "第一季度检查通报"),
            ("deadline", day.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let task = &app.store.rectifications(None, None).await.unwrap()[0];
    assert!(task.problem.contains("专项工作"));

    // The office cannot close before the unit reports; the unit reports; the office closes.
    let close = [("csrf", csrf.as_str()), ("action", "close")];
    let r = office
        .post(app.url(&format!("/console/rectifications/{}", task.id)))
        .form(&close)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Blank evidence comes back on the supervision page, marked at this task.
    let page = sent_back(
        &editor,
        app.url(&format!("/console/rectifications/{}", task.id)),
        &[
            ("csrf", ecsrf.as_str()),
            ("action", "submit"),
            ("evidence", "   "),
        ],
    )
    .await;
    assert!(
        page.contains(&format!(r#"id="ev-{}-e" role="alert">"#, task.id)),
        "{page}"
    );
    let r = editor
        .post(app.url(&format!("/console/rectifications/{}", task.id)))
        .form(&[
            ("csrf", ecsrf.as_str()),
            ("action", "submit"),
            ("evidence", "已发布栏目信息"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = office
        .post(app.url(&format!("/console/rectifications/{}", task.id)))
        .form(&close)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(&office, app.url("/console/supervision")).await;
    assert!(page.contains("已销号") && page.contains("已发布栏目信息"));
}

/// A consultation from opening to published feedback, as people use it in Chromium.
#[tokio::test]
async fn browser_consultation_from_opening_to_feedback() {
    use fantoccini::Locator;
    let Some(browser) = super::browser("browser test: consultation to feedback").await else {
        return;
    };
    let app = spawn_app().await;
    let id = open_consultation(&app).await;
    let b = &browser.client;
    b.goto(&app.url("/interact")).await.unwrap();
    crate::click(b, Locator::Css(&format!("a[href='/consultations/{id}']"))).await;
    b.wait()
        .for_element(Locator::Id("f-content"))
        .await
        .unwrap()
        .send_keys("建议简化申请材料。")
        .await
        .unwrap();
    crate::fill(b, Locator::Id("f-name"), "林小姐").await;
    crate::click(b, Locator::Id("send-opinion")).await;
    b.wait().for_element(Locator::Id("thanks")).await.unwrap();

    // Staff approve it and publish the feedback in the console.
    browser.log_in(&app, "/console/login", "zjj-editor").await;
    b.goto(&app.url(&format!("/console/consultations/{id}")))
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("button[value='approve']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Wait for the page after the approval (the old page's form would go stale).
    b.wait()
        .for_element(Locator::XPath("//td[text()='已公开']"))
        .await
        .unwrap();
    crate::fill(b, Locator::Id("fb-feedback"), "采纳：申请材料减为两项。").await;
    crate::click(b, Locator::Id("publish-feedback")).await;
    // Wait for the page after publishing (it says when the feedback went out).
    b.wait()
        .for_element(Locator::XPath("//p[starts-with(text(), '已于')]"))
        .await
        .unwrap();

    // The public sees the opinion under a masked name and the feedback.
    b.goto(&app.url(&format!("/consultations/{id}")))
        .await
        .unwrap();
    let feedback = b
        .wait()
        .for_element(Locator::Id("feedback"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(feedback.contains("申请材料减为两项"));
    let opinions = b
        .find(Locator::Id("opinions"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(opinions.contains("建议简化申请材料") && opinions.contains("林**"));
    assert!(b.find(Locator::Id("send-opinion")).await.is_err());
}
