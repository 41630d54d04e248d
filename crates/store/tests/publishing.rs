//! Proactive disclosure against a real database: columns from templates, the review workflow
//! and its rules, withdrawal, Art. 26, normative documents, and the import's error paths.

use chrono::NaiveDate;
use gongkai_core::publishing::Status;
use gongkai_demo::testkit::{self, TestDb};
use gongkai_store::actor::Actor;
use gongkai_store::publishing::{ImportItem, PublicationFilter, PublicationInput, ReviewInput};
use gongkai_store::staff::Staff;
use gongkai_store::{Store, StoreError};

async fn demo_org() -> (TestDb, Store) {
    let db = testkit::fresh().await.expect("a fresh test database");
    let store = Store::open_and_migrate(&db.location)
        .await
        .expect("migrate");
    gongkai_demo::create_organisation(&store).await.unwrap();
    (db, store)
}

async fn staff(store: &Store, username: &str) -> Staff {
    store.staff_by_username(username).await.unwrap().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TICKED: [&str; 3] = ["text", "facts", "format"];

fn pass() -> ReviewInput {
    ReviewInput {
        passed: true,
        ticked: TICKED.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn refused(e: StoreError) -> String {
    match e {
        StoreError::Refused(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The unit py-zjj with the Art. 20 columns; returns (unit id, the first column's id).
async fn zjj_with_columns(store: &Store) -> (i64, i64) {
    let unit = store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let made = store
        .apply_column_template(&Actor::system("test"), unit.id, None, "art20")
        .await
        .unwrap();
    assert_eq!(made.len(), 15);
    // Applying a template again adds nothing.
    assert!(
        store
            .apply_column_template(&Actor::system("test"), unit.id, None, "art20")
            .await
            .unwrap()
            .is_empty()
    );
    (unit.id, made[0].id)
}

fn input(column: i64) -> PublicationInput {
    PublicationInput {
        title: "关于印发番禺区老旧小区改造工作方案的通知".into(),
        summary: "老旧小区改造工作方案".into(),
        formed_on: "2021-09-24".into(),
        doc_number: "番建〔2021〕12号".into(),
        genre: "notice".into(),
        body: "<p>正文</p><script>alert(1)</script><p onclick=\"x()\">第二段</p>".into(),
        column_ids: vec![column],
        ..Default::default()
    }
}

/// An item whose body holds an ID number split by an empty tag: the scan reads the body as the
/// portal and the index do, so it finds the number.
fn input_with_id_number(column: i64) -> PublicationInput {
    let mut i = input(column);
    i.body
        .push_str("<p>联系人身份证号码：1101051949<b></b>1231002X</p>");
    i
}

#[tokio::test]
async fn three_reviews_by_other_people_then_secrecy_then_published() {
    let (_db, store) = demo_org().await;
    let (unit, column) = zjj_with_columns(&store).await;
    let today = day(2021, 10, 8);
    let editor = staff(&store, "zjj-editor").await;
    let p = store
        .create_publication(&editor, unit, &input_with_id_number(column), today)
        .await
        .unwrap();
    assert_eq!(p.index_no, "PY-ZJJ/2021-00001");
    assert!(!p.body.contains("script") && !p.body.contains("onclick"));
    assert!(p.body.contains("第二段"));
    let p2 = store
        .create_publication(&editor, unit, &input(column), today)
        .await
        .unwrap();
    assert_eq!(p2.index_no, "PY-ZJJ/2021-00002");

    // Reviewing before it is submitted is refused.
    let r1 = staff(&store, "zjj-reviewer").await;
    let e = store
        .review_publication(&r1, p.id, &pass(), today)
        .await
        .unwrap_err();
    assert!(refused(e).contains("草稿"));
    store.submit_publication(&editor, p.id).await.unwrap();

    // The editor cannot review; a handler has no reviewing role.
    let e = store
        .review_publication(&editor, p.id, &pass(), today)
        .await
        .unwrap_err();
    assert!(refused(e).contains("审核"));
    // 三校 must be ticked in full.
    let partial = ReviewInput {
        ticked: vec!["text".into()],
        ..pass()
    };
    let e = store
        .review_publication(&r1, p.id, &partial, today)
        .await
        .unwrap_err();
    assert!(refused(e).contains("内容校对"));

    let p = store
        .review_publication(&r1, p.id, &pass(), today)
        .await
        .unwrap();
    assert_eq!(p.status(), Status::SecondReview);
    // The same person cannot also do the 复审.
    let e = store
        .review_publication(&r1, p.id, &pass(), today)
        .await
        .unwrap_err();
    assert!(refused(e).contains("两级审核"));
    let r2 = staff(&store, "zjj-reviewer2").await;
    let leader = staff(&store, "zjj-leader").await;
    // Findings at a content review are noted, not overridden: only the secrecy review decides.
    store
        .review_publication(&r2, p.id, &pass(), today)
        .await
        .unwrap();
    let p = store
        .review_publication(&leader, p.id, &pass(), today)
        .await
        .unwrap();
    assert_eq!(p.status(), Status::SecrecyReview);

    // The command's own scan holds the release until a reason is given.
    let secrecy = ReviewInput {
        passed: true,
        ticked: vec!["secrets".into(), "privacy".into()],
        ..Default::default()
    };
    let e = store
        .review_publication(&r1, p.id, &secrecy, today)
        .await
        .unwrap_err();
    let message = refused(e);
    assert!(
        message.contains("不能发布") && message.contains("002X"),
        "{message}"
    );
    let with_reason = ReviewInput {
        override_reason: "为公示的法定代表人信息，依法应予公开".into(),
        ..secrecy
    };
    let p = store
        .review_publication(&r1, p.id, &with_reason, today)
        .await
        .unwrap();
    assert_eq!(p.status(), Status::Published);
    assert_eq!(p.published_on, Some(today));

    // The ledger names every step and its reviewer; the override is in the audit ledger.
    let ledger = store.publication_reviews(p.id).await.unwrap();
    let steps: Vec<&str> = ledger.iter().map(|r| r.step.as_str()).collect();
    assert_eq!(steps, ["submit", "first", "second", "final", "secrecy"]);
    assert!(ledger[4].note.contains("依法应予公开"));
    assert!(ledger[2].reviewer_name.contains("办公室主任"));
    let audit = store
        .audit_list(Some("publication:"), 500, 0)
        .await
        .unwrap();
    let overrides: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "publication.scan_override")
        .collect();
    assert_eq!(overrides.len(), 1, "one override, the secrecy review's");
    assert!(overrides[0].after_json.contains("依法应予公开"));
    assert!(
        audit
            .iter()
            .filter(|e| e.action == "publication.review.pass")
            .count()
            >= 4
    );

    // Published: no more edits until withdrawn (with a reason); then the reviews start over.
    let e = store
        .update_publication(&editor, p.id, &input(column), today)
        .await
        .unwrap_err();
    assert!(refused(e).contains("先撤回"));
    let e = store
        .withdraw_publication(&editor, p.id, " ")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    let p = store
        .withdraw_publication(&editor, p.id, "附件版本有误")
        .await
        .unwrap();
    assert_eq!(p.status(), Status::Withdrawn);
    let mut changed = input(column);
    changed.title = "关于印发番禺区老旧小区改造工作方案（修订）的通知".into();
    store
        .update_publication(&editor, p.id, &changed, today)
        .await
        .unwrap();
    store.submit_publication(&editor, p.id).await.unwrap();
    // r1 may do 初审 again: the earlier reviews were of the earlier version.
    let p = store
        .review_publication(&r1, p.id, &pass(), today)
        .await
        .unwrap();
    assert_eq!(p.status(), Status::SecondReview);

    // A returned item goes back to its author with the reason.
    let e = store
        .review_publication(
            &r2,
            p.id,
            &ReviewInput {
                passed: false,
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "a return needs a note");
    let p = store
        .review_publication(
            &r2,
            p.id,
            &ReviewInput {
                passed: false,
                note: "标题与正文不一致".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    assert_eq!(p.status(), Status::Draft);
}

#[tokio::test]
async fn drafts_are_checked_by_field_and_columns_belong_to_the_unit() {
    let (_db, store) = demo_org().await;
    let (unit, column) = zjj_with_columns(&store).await;
    let other = store.unit_by_code("py-jyj").await.unwrap().unwrap();
    let theirs = store
        .apply_column_template(&Actor::system("test"), other.id, None, "portal")
        .await
        .unwrap();
    let editor = staff(&store, "zjj-editor").await;
    let bad = PublicationInput {
        title: String::new(),
        formed_on: "2021/09/24".into(),
        genre: "poem".into(),
        column_ids: vec![theirs[0].id],
        interprets: "NO-SUCH/2021-00001".into(),
        ..Default::default()
    };
    let e = store
        .create_publication(&editor, unit, &bad, day(2021, 10, 1))
        .await
        .unwrap_err();
    let StoreError::Invalid(errs) = e else {
        panic!("{e:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
    for f in ["title", "formed_on", "genre", "column_ids", "interprets"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    // An editor of one unit cannot draft for another.
    let e = store
        .create_publication(&editor, other.id, &input(theirs[0].id), day(2021, 10, 1))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)));
    // A retired column takes no new items but keeps its history.
    store
        .change_column(
            &Actor::system("test"),
            column,
            None,
            None,
            Some(day(2021, 9, 30)),
        )
        .await
        .unwrap();
    let e = store
        .create_publication(&editor, unit, &input(column), day(2021, 10, 1))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    assert!(
        store
            .column_tree(unit, true)
            .await
            .unwrap()
            .iter()
            .any(|n| n.column.id == column)
    );
    // A column cannot move under itself.
    let tree = store.column_tree(unit, false).await.unwrap();
    let a = tree[0].column.id;
    let b = tree[1].column.id;
    store
        .change_column(&Actor::system("test"), b, None, Some(Some(a)), None)
        .await
        .unwrap();
    let e = store
        .change_column(&Actor::system("test"), a, None, Some(Some(b)), None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
}

fn line(index_no: &str, columns: &[&str]) -> ImportItem {
    serde_json::from_value(serde_json::json!({
        "index_no": index_no, "unit_code": "py-zjj", "title": "某项目规划许可批前公示",
        "formed_on": "2021-03-01", "published_on": "2021-03-05", "columns": columns,
    }))
    .unwrap()
}

#[tokio::test]
async fn import_is_idempotent_and_names_line_and_field() {
    let (_db, store) = demo_org().await;
    zjj_with_columns(&store).await;
    let today = day(2021, 12, 31);
    let mut bad_date = line("X/2021-3", &["法规文件"]);
    bad_date.published_on = "2021-02-30".into();
    let lines = vec![
        (1, line("X/2021-1", &["法规文件"])),
        (2, line("X/2021-2", &["没有这个栏目"])),
        (3, bad_date),
        (4, line("X/2021-1", &["法规文件"])),
    ];
    let s = store
        .import_publications(&Actor::system("test"), lines, today)
        .await
        .unwrap();
    assert_eq!(s.inserted, 1);
    let err = |l: usize| s.errors.iter().find(|e| e.line == l).unwrap();
    assert_eq!(err(2).field, "columns");
    assert!(err(2).message.contains("没有这个栏目"));
    assert_eq!(err(3).field, "published_on");
    assert_eq!(err(4).field, "index_no");
    // Run again: nothing new, the first line counted as present.
    let again = store
        .import_publications(
            &Actor::system("test"),
            vec![(1, line("X/2021-1", &["法规文件"]))],
            today,
        )
        .await
        .unwrap();
    assert_eq!((again.inserted, again.already_present), (0, 1));
    let (total, rows) = store
        .publications(&PublicationFilter {
            status: Some(Status::Published),
            year: Some(2021),
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].index_no, "X/2021-1");
}

#[tokio::test]
async fn art26_shows_late_and_overdue_items_per_unit() {
    let (_db, store) = demo_org().await;
    let (unit, _) = zjj_with_columns(&store).await;
    // Formed 2021-03-01; 20 working days later is 2021-03-29.
    let mut late = line("L/1", &["法规文件"]);
    late.published_on = "2021-04-15".into();
    let on_time = line("L/2", &["法规文件"]);
    store
        .import_publications(
            &Actor::system("test"),
            vec![(1, late), (2, on_time)],
            day(2021, 12, 31),
        )
        .await
        .unwrap();
    let editor = staff(&store, "zjj-editor").await;
    let column = store.column_tree(unit, false).await.unwrap()[0].column.id;
    let mut draft = input(column);
    draft.formed_on = "2021-06-01".into();
    store
        .create_publication(&editor, unit, &draft, day(2021, 6, 2))
        .await
        .unwrap();
    let cal = gongkai_core::Calendar::builtin();
    let rows = store.timeliness(cal, 2021, day(2021, 12, 1)).await.unwrap();
    let zjj = rows.iter().find(|r| r.unit_id == unit).unwrap();
    assert_eq!(zjj.published, 2);
    assert_eq!(zjj.late.len(), 1);
    assert_eq!(zjj.late[0].index_no, "L/1");
    assert_eq!(zjj.late[0].due, day(2021, 3, 29));
    assert_eq!(zjj.overdue.len(), 1, "the draft formed in June is overdue");
}

/// A column's page lists its newest items first with the column's total, whether the column
/// is small (its items are sorted) or large (the published items are walked by date).
#[tokio::test]
async fn a_column_lists_its_newest_items_first_small_or_large() {
    let (_db, store) = demo_org().await;
    let (_, first) = zjj_with_columns(&store).await;
    let tree = store.column_tree(
        store.unit_by_code("py-zjj").await.unwrap().unwrap().id,
        false,
    );
    let tree = tree.await.unwrap();
    let other = tree.iter().find(|n| n.column.id != first).unwrap();
    let dated = |ix: String, column: &str, d: NaiveDate| {
        let mut it = line(&ix, &[column]);
        it.formed_on = d.to_string();
        it.published_on = d.to_string();
        it
    };
    let first_name = tree
        .iter()
        .find(|n| n.column.id == first)
        .unwrap()
        .path
        .clone();
    // 3 items in the first column; 2,100 in the other (over the small-column bound).
    let mut lines = Vec::new();
    for (i, d) in [day(2021, 1, 5), day(2021, 6, 1), day(2021, 3, 9)]
        .into_iter()
        .enumerate()
    {
        lines.push((i, dated(format!("S/{i}"), &first_name, d)));
    }
    for i in 0..2_100 {
        let d = day(2020, 1, 1) + chrono::Duration::days(i % 600);
        lines.push((10 + i as usize, dated(format!("L/{i}"), &other.path, d)));
    }
    let s = store
        .import_publications(&Actor::system("test"), lines, day(2021, 12, 31))
        .await
        .unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let page = |column_id: i64, page: i64| PublicationFilter {
        column_id: Some(column_id),
        status: Some(Status::Published),
        per_page: 2,
        page,
        ..Default::default()
    };
    let (total, rows) = store.publications(&page(first, 0)).await.unwrap();
    assert_eq!(total, 3);
    let dates: Vec<_> = rows.iter().map(|r| r.published_on).collect();
    assert_eq!(dates, [Some(day(2021, 6, 1)), Some(day(2021, 3, 9))]);
    let (_, rows) = store.publications(&page(first, 1)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].published_on, Some(day(2021, 1, 5)));
    let (total, rows) = store.publications(&page(other.column.id, 0)).await.unwrap();
    assert_eq!(total, 2_100);
    let newest = day(2020, 1, 1) + chrono::Duration::days(599);
    assert!(
        rows.iter().all(|r| r.published_on == Some(newest)),
        "{rows:?}"
    );
}
