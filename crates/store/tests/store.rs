//! The store against a real database: SQLite by default, PostgreSQL when
//! GONGKAI_TEST_DATABASE_URL is set (and then also the schema-parity check).

use gongkai_core::calendar::parse_csv;
use gongkai_demo::testkit::{self, TestDb};
use gongkai_store::actor::Actor;
use gongkai_store::audit::describe_tamper;
use gongkai_store::auth::LoginError;
use gongkai_store::staff::StaffInput;
use gongkai_store::units::UnitInput;
use gongkai_store::{Location, Store, StoreError};

async fn fresh() -> (TestDb, Store) {
    let db = testkit::fresh().await.expect("a fresh test database");
    let store = Store::open_and_migrate(&db.location)
        .await
        .expect("migrate");
    (db, store)
}

fn gov() -> UnitInput {
    UnitInput {
        code: "py".into(),
        name: "广州市番禺区人民政府".into(),
        kind: "government".into(),
        ..Default::default()
    }
}

fn dept(code: &str, name: &str) -> UnitInput {
    UnitInput {
        code: code.into(),
        name: name.into(),
        kind: "department".into(),
        parent_code: "py".into(),
        ..Default::default()
    }
}

fn field_errors(e: StoreError) -> Vec<&'static str> {
    match e {
        StoreError::Invalid(errs) => errs.into_iter().map(|e| e.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn schemas_of_both_dialects_match() {
    let Some(url) = testkit::pg_url() else {
        testkit::say_skipped(
            "schema parity SQLite ↔ PostgreSQL",
            "set GONGKAI_TEST_DATABASE_URL=postgres://… to run it",
        );
        return;
    };
    let lite = testkit::fresh_sqlite();
    let sqlite = Store::open_and_migrate(&lite.location).await.unwrap();
    let pg_db = testkit::fresh_postgres(&url).await.unwrap();
    let pg = Store::open_and_migrate(&pg_db.location).await.unwrap();
    let a = sqlite.schema_columns().await.unwrap();
    let b = pg.schema_columns().await.unwrap();
    assert!(a.len() > 20, "the schema has its tables: {a:?}");
    assert_eq!(a, b, "SQLite and PostgreSQL schemas differ");
}

#[tokio::test]
async fn units_form_a_tree_and_bad_input_is_refused_by_field() {
    let (_db, store) = fresh().await;
    // The first unit must be the government.
    let errs = field_errors(
        store
            .create_unit(&Actor::system("t"), &dept("py-zjj", "住建局"))
            .await
            .unwrap_err(),
    );
    assert!(
        errs.contains(&"kind") && errs.contains(&"parent_code"),
        "{errs:?}"
    );
    store
        .create_unit(&Actor::system("t"), &gov())
        .await
        .unwrap();
    let zjj = store
        .create_unit(
            &Actor::system("t"),
            &dept("py-zjj", "广州市番禺区住房和城乡建设局"),
        )
        .await
        .unwrap();
    assert_eq!(
        zjj.parent_id,
        Some(store.root_unit().await.unwrap().unwrap().id)
    );

    // Everything wrong at once is reported at once, and nothing is stored.
    let bad = UnitInput {
        code: "住建".into(),
        name: "".into(),
        kind: "ministry".into(),
        parent_code: "nowhere".into(),
        office_postcode: "51140".into(),
        office_phone: "call me".into(),
        ..Default::default()
    };
    let errs = field_errors(
        store
            .create_unit(&Actor::system("t"), &bad)
            .await
            .unwrap_err(),
    );
    for f in [
        "code",
        "name",
        "kind",
        "parent_code",
        "office_postcode",
        "office_phone",
    ] {
        assert!(errs.contains(&f), "{f} missing in {errs:?}");
    }
    assert_eq!(store.units().await.unwrap().len(), 2);

    // Duplicate codes and cycles are refused.
    let errs = field_errors(
        store
            .create_unit(&Actor::system("t"), &dept("py-zjj", "重复"))
            .await
            .unwrap_err(),
    );
    assert_eq!(errs, vec!["code"]);
    let mut as_child = gov();
    as_child.parent_code = "py-zjj".into();
    let errs = field_errors(
        store
            .update_unit(&Actor::system("t"), "py", &as_child)
            .await
            .unwrap_err(),
    );
    assert!(errs.contains(&"parent_code"));

    // A change is stored and audited with before and after.
    let mut edit = UnitInput::from_unit(&zjj, Some("py"));
    edit.office_phone = "020-84628888".into();
    edit.short_name = "区住房城乡建设局".into();
    let after = store
        .update_unit(&Actor::system("office"), "py-zjj", &edit)
        .await
        .unwrap();
    assert_eq!(after.office_phone, "020-84628888");
    let log = store.audit_list(Some("unit:py-zjj"), 10, 0).await.unwrap();
    assert_eq!(log[0].action, "unit.update");
    assert_eq!(log[0].actor, "office");
    assert!(log[0].before_json.contains("\"office_phone\":\"\""));
    assert!(log[0].after_json.contains("020-84628888"));
    // The guide keeps its versions: what it said before the change, and now.
    let versions = store.guide_versions(after.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[0].summary().contains("电话：020-84628888"));
    assert!(!versions[1].summary().contains("020-84628888"));
}

#[tokio::test]
async fn audit_chain_verifies_and_finds_the_first_tampered_entry() {
    let (db, store) = fresh().await;
    store
        .create_unit(&Actor::system("t"), &gov())
        .await
        .unwrap();
    for i in 0..5 {
        store
            .create_unit(
                &Actor::system("t"),
                &dept(&format!("d{i}"), &format!("部门{i}")),
            )
            .await
            .unwrap();
    }
    let ok = store.audit_verify().await.unwrap();
    assert_eq!(ok.first_bad, None);
    assert_eq!(ok.entries, store.audit_count().await.unwrap());
    assert!(ok.entries >= 7, "calendar load + 6 units: {}", ok.entries);

    // The ledger refuses edits through SQL too.
    assert!(
        tamper(
            &store,
            &db,
            false,
            "UPDATE audit_log SET actor = 'x' WHERE seq = 3"
        )
        .await
        .is_err()
    );
    // Someone with the database file drops the guard and edits entry 4.
    tamper(
        &store,
        &db,
        true,
        "UPDATE audit_log SET after_json = '{}' WHERE seq = 4",
    )
    .await
    .unwrap();
    let bad = store.audit_verify().await.unwrap();
    let (seq, why) = bad.first_bad.clone().unwrap();
    assert_eq!(seq, 4);
    assert!(describe_tamper(seq, &why).contains("第 4 条"));
    assert_eq!(bad.entries, 3);
}

/// Run raw SQL against the test database (optionally after dropping the append-only triggers).
async fn tamper(store: &Store, db: &TestDb, drop_guard: bool, sql: &str) -> Result<(), String> {
    let _ = store;
    match &db.location {
        Location::Dir(dir) => {
            use sqlx::Connection;
            let url = format!("sqlite://{}", dir.join("gongkai.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url)
                .await
                .map_err(|e| e.to_string())?;
            if drop_guard {
                sqlx::query("DROP TRIGGER audit_log_no_update")
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Location::Url(url) => {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            if drop_guard {
                sqlx::query("DROP TRIGGER audit_log_no_update ON audit_log")
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }
}

#[tokio::test]
async fn calendar_import_replaces_only_its_years() {
    let (_db, store) = fresh().await;
    let cal = store.calendar().await.unwrap();
    assert_eq!(cal.covered_years().len(), 8);
    let d = |s| gongkai_core::calendar::parse_date(s).unwrap();
    assert!(cal.add_workdays(d("2026-12-25"), 10).is_err());
    let csv = "date,name,kind,notice\n2027-01-01,元旦,off,n27\n2027-02-06,春节,work,n27\n2027-02-08,春节,off,n27\n\
               2027-04-03,清明节,off,n27\n2027-05-01,劳动节,off,n27\n2027-06-05,端午节,off,n27\n\
               2027-09-04,中秋节,off,n27\n2027-10-02,国庆节,off,n27\n";
    // A notice cut short (元旦 alone) is refused, naming what it lacks, and changes nothing.
    let short = "date,name,kind,notice\n2027-01-01,元旦,off,n27\n";
    let refused = store
        .import_calendar(&Actor::system("office"), parse_csv(short).unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("2027 年缺少春节、清明节"), "{refused}");
    assert_eq!(store.calendar().await.unwrap().covered_years().len(), 8);
    let replaced = store
        .import_calendar(&Actor::system("office"), parse_csv(csv).unwrap())
        .await
        .unwrap();
    assert_eq!(replaced.into_iter().collect::<Vec<_>>(), vec![2027]);
    let cal = store.calendar().await.unwrap();
    assert_eq!(cal.covered_years().len(), 9);
    // 2026-12-31 (Thu) → 2027-01-01 off → 01-04 (Mon) is the 1st working day.
    assert_eq!(
        cal.add_workdays(d("2026-12-31"), 1).unwrap(),
        d("2027-01-04")
    );
    assert!(cal.is_workday(d("2027-02-06")).unwrap());
    // 2021 is untouched.
    assert!(!cal.is_workday(d("2021-10-01")).unwrap());
    let log = store.audit_list(Some("calendar"), 1, 0).await.unwrap();
    assert_eq!(log[0].action, "calendar.import");
}

#[tokio::test]
async fn login_locks_after_repeated_failures() {
    let (_db, store) = fresh().await;
    store
        .create_unit(&Actor::system("t"), &gov())
        .await
        .unwrap();
    let input = StaffInput {
        username: "li.ming".into(),
        display_name: "李明".into(),
        unit_code: "py".into(),
        role: "editor".into(),
        password: "一个足够长的密码abc".into(),
    };
    store
        .create_staff(&Actor::system("t"), &input)
        .await
        .unwrap();
    // Duplicate and malformed accounts are refused by field.
    let errs = field_errors(
        store
            .create_staff(&Actor::system("t"), &input)
            .await
            .unwrap_err(),
    );
    assert_eq!(errs, vec!["username"]);
    let bad = StaffInput {
        username: "X".into(),
        unit_code: "nope".into(),
        role: "boss".into(),
        password: "short".into(),
        ..Default::default()
    };
    let errs = field_errors(
        store
            .create_staff(&Actor::system("t"), &bad)
            .await
            .unwrap_err(),
    );
    for f in ["username", "role", "password", "unit_code"] {
        assert!(errs.contains(&f), "{f} in {errs:?}");
    }

    let s = store
        .login("li.ming", "一个足够长的密码abc")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .session(&s.token)
            .await
            .unwrap()
            .unwrap()
            .staff
            .display_name,
        "李明"
    );
    assert_eq!(
        store.login("nobody", "x").await.unwrap().unwrap_err(),
        LoginError::BadCredentials
    );
    for _ in 0..gongkai_store::auth::MAX_FAILED_LOGINS - 1 {
        assert_eq!(
            store.login("li.ming", "wrong").await.unwrap().unwrap_err(),
            LoginError::BadCredentials
        );
    }
    assert!(matches!(
        store.login("li.ming", "wrong").await.unwrap(),
        Err(LoginError::Locked(_))
    ));
    // Locked: even the right password is refused now.
    assert!(matches!(
        store.login("li.ming", "一个足够长的密码abc").await.unwrap(),
        Err(LoginError::Locked(_))
    ));
    // The office unlocks the account (it also ends its sessions when disabling).
    store
        .set_staff_active(&Actor::system("admin"), "li.ming", false)
        .await
        .unwrap();
    assert!(store.session(&s.token).await.unwrap().is_none());
    assert_eq!(
        store
            .login("li.ming", "一个足够长的密码abc")
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::Inactive
    );
    store
        .set_staff_active(&Actor::system("admin"), "li.ming", true)
        .await
        .unwrap();
    let s2 = store
        .login("li.ming", "一个足够长的密码abc")
        .await
        .unwrap()
        .unwrap();
    store.logout(&s2.token).await.unwrap();
    assert!(store.session(&s2.token).await.unwrap().is_none());
}

#[tokio::test]
async fn demo_district_and_refusal_to_overwrite() {
    let (_db, store) = fresh().await;
    let accounts = gongkai_demo::create(&store).await.unwrap();
    assert!(accounts.iter().any(|a| a.username == "admin"));
    let units = store.units().await.unwrap();
    assert_eq!(units[0].name, "广州市番禺区人民政府");
    assert!(units.iter().any(|u| u.short_name == "区住房城乡建设局"));
    assert!(units.iter().any(|u| u.kind == "town") && units.iter().any(|u| u.kind == "street"));
    let admin = accounts.iter().find(|a| a.username == "admin").unwrap();
    assert!(store.login("admin", &admin.password).await.unwrap().is_ok());
    // Re-creating the demo replaces it (new passwords).
    let again = gongkai_demo::create(&store).await.unwrap();
    assert_eq!(again.len(), accounts.len());
    assert!(
        store
            .login("admin", &admin.password)
            .await
            .unwrap()
            .is_err()
    );
    assert!(store.audit_verify().await.unwrap().first_bad.is_none());

    // A database with real records is never overwritten.
    let (_db2, real) = fresh().await;
    real.create_unit(&Actor::system("t"), &gov()).await.unwrap();
    assert!(matches!(
        gongkai_demo::create(&real).await,
        Err(StoreError::Refused(_))
    ));
    assert_eq!(real.units().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_demo_reproduces_the_seed_reports_application_figures() {
    let (_db, store) = fresh().await;
    gongkai_demo::create(&store).await.unwrap();
    let r = store.report_data(2021, None).await.unwrap();
    assert_eq!(r.format.as_str(), "2021");
    let f = &r.figures;
    assert_eq!(
        (
            f.applications_received,
            f.applications_carried_in,
            f.applications_concluded_on_time,
            f.applications_carried_out
        ),
        (455, 9, 451, 13)
    );
    assert_eq!(
        f.applications_concluded, 451,
        "every application concluded in 2021 was on time"
    );
    assert_eq!((f.reconsiderations, f.lawsuits), (18, 10));
    assert_eq!(&r.table4.values[..5], &[15, 0, 2, 1, 18]);
    let lawsuits: Vec<u64> = (0..5)
        .map(|i| r.table4.values[5 + i] + r.table4.values[10 + i])
        .collect();
    assert_eq!(lawsuits, vec![3, 0, 4, 3, 10]);
    assert_eq!(f.fees_collected_yuan, 20560);
    assert_eq!(f.fees_by_unit.len(), 1);
    assert_eq!(f.fees_by_unit["区住房城乡建设局"], 20560);
    // Section 一（一） from publications, catalogs and the evaluation campaign: exact counts
    // that round as the seed printed them (4.16万, 超3.3万, 150多).
    let d = &r.disclosure;
    assert!(
        (41_550..=41_649).contains(&d.portal_items),
        "{}",
        d.portal_items
    );
    assert!((33_001..=33_999).contains(&d.major_catalog_items));
    assert_eq!(d.epidemic_column_items, 587);
    assert!((151..=159).contains(&d.stability_column_items));
    assert_eq!(d.pilot_catalog_items, 2446);
    assert_eq!(d.catalogs_published, 43);
    assert_eq!((d.documents_evaluated, d.documents_adjusted), (88, 8));
    assert_eq!(d.documents_evaluated_by_unit["区政府办公室"], 58);
    // Table 二 from the normative documents and the decisions entered.
    let norm = r
        .table2
        .rows
        .iter()
        .find(|r| r.label == "行政规范性文件")
        .unwrap();
    assert_eq!(
        norm.values[1],
        gongkai_core::report::Cell::Count(5),
        "five repealed in 2021"
    );
    assert!(r.table2.missing().is_empty());
    // Sections 一（一）、（三）、（四）、（五） from engagement and supervision records.
    let e = &r.engagement;
    assert_eq!((e.interpretations, e.video_interpretations), (57, 5));
    assert_eq!(
        (e.hot_responses, e.consultations, e.interviews),
        (57, 60, 14)
    );
    assert_eq!(e.new_media_accounts, 7);
    assert_eq!(e.new_media_posts["番禺网"], 849);
    assert!((4_700..=4_799).contains(&e.new_media_posts["广州番禺发布"]));
    assert_eq!((e.inspection_notices, e.problems_rectified), (4, 85));
    assert_eq!((e.trainings, e.city_trainings), (3, 1));
    assert!((290..=299).contains(&e.training_attendance));
    assert_eq!(
        (e.service_items, e.service_items_one_visit),
        (Some(1473), Some(1473))
    );
    assert_eq!(
        (e.public_service_items, e.service_items_online),
        (Some(1995), Some(1995))
    );
    // Every identity holds, and every outcome row is used.
    assert!(
        r.problems.iter().all(|p| p.kind == "missing_records"),
        "{:?}",
        r.problems
    );
    assert!(
        r.table3
            .rows
            .iter()
            .filter(|row| row.key.contains('.'))
            .all(|row| row.values[6] > 0)
    );

    // 2020 uses the 2019 format, and its carry-over is 2021's carry-in.
    let r20 = store.report_data(2020, None).await.unwrap();
    assert_eq!(r20.format.as_str(), "2019");
    assert_eq!(r20.table3.total("carried_out"), 9);
    assert_eq!(r20.table3.row("6").unwrap().label, "（六）其他处理");
    assert!(
        r20.problems.iter().all(|p| p.kind == "missing_records"),
        "{:?}",
        r20.problems
    );

    // A unit's report counts that unit's records only.
    let zjj = store.report_data(2021, Some("py-zjj")).await.unwrap();
    assert!(zjj.figures.applications_received < 455 && zjj.figures.applications_received > 50);
    assert_eq!(zjj.figures.fees_collected_yuan, 20560);
    assert!(matches!(
        store.report_data(2021, Some("nope")).await,
        Err(StoreError::NotFound(_))
    ));
}

/// The report reads each application's receipt and whether its timeline is plain from the
/// application itself: both must follow the events as they are recorded. Two applications
/// received the same day and answered the same day, 35 working days later: the one whose
/// deadline was extended is on time, the other is not.
#[tokio::test]
async fn an_extension_recorded_later_counts_in_the_on_time_figure() {
    use chrono::NaiveDate;
    use gongkai_core::application::{Channel, Event};
    use gongkai_store::applications::ApplicationInput;
    let (_db, store) = fresh().await;
    testkit::cover_coming_years(&store).await.unwrap();
    store
        .create_unit(&Actor::system("t"), &gov())
        .await
        .unwrap();
    let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
    let input = |n: u32| ApplicationInput {
        unit_code: "py".into(),
        applicant_type: "natural".into(),
        applicant_name: format!("申请人{n}"),
        id_kind: "other".into(),
        id_number: format!("TEST{n}"),
        phone: "13900000000".into(),
        email: "a@example.com".into(),
        info_description: "请提供某项政府信息".into(),
        form_wanted: "email".into(),
        delivery: "email".into(),
        ..Default::default()
    };
    let mut ids = Vec::new();
    for n in 0..2 {
        let s = store
            .submit_application(
                &Actor::system("t"),
                Channel::InPerson,
                &input(n),
                Some(d(3, 1)),
                None,
                d(3, 1),
            )
            .await
            .unwrap();
        ids.push(s.application.id);
    }
    let t = gongkai_store::actor::Actor::system("t");
    store
        .record_event(
            &t,
            ids[0],
            Event::Extended {
                on: d(3, 20),
                approved_by: "负责人".into(),
            },
            d(3, 20),
        )
        .await
        .unwrap();
    for id in &ids {
        store
            .record_event(
                &t,
                *id,
                Event::Answered {
                    on: d(4, 20),
                    outcome: "1".into(),
                },
                d(4, 20),
            )
            .await
            .unwrap();
    }
    let r = store.report_data(2023, None).await.unwrap();
    assert_eq!(r.figures.applications_received, 2);
    assert_eq!(r.figures.applications_concluded, 2);
    assert_eq!(r.figures.applications_concluded_on_time, 1);
    assert_eq!(r.figures.applications_carried_out, 0);
}

/// A stored value that does not read is an error naming its table and row, never a default: an
/// event that does not decode is not dropped (the due date would move silently), and a command
/// on that application is refused rather than checked against part of its record.
#[tokio::test]
async fn stored_values_that_do_not_read_are_errors_naming_the_row() {
    use gongkai_core::application::{Channel, Event};
    use gongkai_store::actor::Actor;
    use gongkai_store::applications::ApplicationInput;
    let db = testkit::fresh().await.unwrap();
    let store = Store::open_and_migrate(&db.location).await.unwrap();
    gongkai_demo::create_organisation(&store).await.unwrap();
    let today = gongkai_core::clock::today();
    let input = ApplicationInput {
        unit_code: "py-zjj".into(),
        applicant_type: "natural".into(),
        applicant_name: "赵六".into(),
        id_kind: "other".into(),
        id_number: "STRICT-1".into(),
        phone: "13800138000".into(),
        email: "z@example.com".into(),
        info_description: "某文件".into(),
        form_wanted: "email".into(),
        delivery: "email".into(),
        ..Default::default()
    };
    let id = store
        .submit_application(
            &Actor::system("t"),
            Channel::Post,
            &input,
            Some(today),
            None,
            today,
        )
        .await
        .unwrap()
        .application
        .id;
    tamper(
        &store,
        &db,
        false,
        &format!(
            "UPDATE application_events SET detail = '{{\"kind\": \"teleported\", \"on\": \"2021-01-01\"}}' \
             WHERE application_id = {id}"
        ),
    )
    .await
    .unwrap();
    let e = store.events(id).await.unwrap_err().to_string();
    assert!(e.contains("application_events 第"), "{e}");
    let e = store
        .record_event(
            &Actor::system("t"),
            id,
            Event::Extended {
                on: today,
                approved_by: "主任".into(),
            },
            today,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("application_events 第"), "{e}");
    assert!(store.progress(id, today).await.is_err());
}

/// Who may run engagement is decided by the commands themselves: a handler is refused whatever
/// way in it comes by, the office is not.
#[tokio::test]
async fn engagement_commands_check_who_acts() {
    use gongkai_store::actor::Actor;
    let (_db, store) = fresh().await;
    gongkai_demo::create_organisation(&store).await.unwrap();
    let unit = store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let input = gongkai_store::engagement::InterviewInput {
        title: "老旧小区改造政策解读访谈".into(),
        scheduled_on: "2021-06-01".into(),
        ..Default::default()
    };
    let v = store
        .create_interview(&Actor::system("t"), unit.id, &input, None)
        .await
        .unwrap();
    let handler = store
        .staff_by_username("zjj-handler")
        .await
        .unwrap()
        .unwrap();
    let e = store
        .record_interview(&Actor::staff(&handler), v.id, "实录", "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    let office = store.staff_by_username("admin").await.unwrap().unwrap();
    store
        .record_interview(&Actor::staff(&office), v.id, "实录", "")
        .await
        .unwrap();
}

/// Who may act is asked of `gongkai_core::access` by the commands themselves, below every way
/// in: the office's own work refuses a unit's editor and the auditor, an editor runs
/// engagement and writes the report for its own unit only, a handler runs no engagement; a
/// refusal leaves no trace in the ledger.
#[tokio::test]
async fn commands_ask_core_who_may_act() {
    use gongkai_store::engagement::ConsultationInput;
    let (_db, store) = fresh().await;
    gongkai_demo::create_organisation(&store).await.unwrap();
    let who =
        async |name: &str| Actor::staff(&store.staff_by_username(name).await.unwrap().unwrap());
    let (office, auditor) = (who("admin").await, who("auditor").await);
    let (editor, handler) = (who("zjj-editor").await, who("zjj-handler").await);
    let zjj = store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let root = store.root_unit().await.unwrap().unwrap();
    let units = store.units().await.unwrap();
    let other = units
        .iter()
        .find(|u| u.id != zjj.id && u.id != root.id)
        .unwrap();
    let today = gongkai_core::clock::today();
    let forbidden = |what: &str, r: Result<(), StoreError>| {
        assert!(matches!(r, Err(StoreError::Forbidden(_))), "{what}: {r:?}");
    };
    let ledger = store.audit_count().await.unwrap();

    forbidden(
        "an editor creates a unit",
        store
            .create_unit(&editor, &dept("py-new", "某局"))
            .await
            .map(drop),
    );
    forbidden(
        "an editor replaces the calendar",
        store.import_calendar(&editor, vec![]).await.map(drop),
    );
    forbidden(
        "an editor adds a column",
        store
            .add_column(&editor, zjj.id, None, "栏目", "portal", "as_needed")
            .await
            .map(drop),
    );
    forbidden(
        "an editor runs an inspection",
        store.run_inspection(&editor, today).await.map(drop),
    );
    forbidden(
        "the auditor deactivates staff",
        store.set_staff_active(&auditor, "zjj-editor", false).await,
    );
    let c = ConsultationInput {
        title: "关于老旧小区改造的意见征集".into(),
        draft: "征求意见稿正文".into(),
        explanation: String::new(),
        opens_on: "2021-05-01".into(),
        closes_on: "2021-05-31".into(),
    };
    forbidden(
        "an editor consults for another unit",
        store
            .create_consultation(&editor, other.id, &c, None)
            .await
            .map(drop),
    );
    forbidden(
        "a handler consults",
        store
            .create_consultation(&handler, zjj.id, &c, None)
            .await
            .map(drop),
    );
    let prose = gongkai_core::narrative::Prose::new();
    forbidden(
        "an editor writes the district's report",
        store
            .save_report_prose(&editor, root.id, 2021, &prose)
            .await,
    );
    assert_eq!(
        store.audit_count().await.unwrap(),
        ledger,
        "a refusal was written"
    );

    // What each may do, it does.
    store
        .create_consultation(&editor, zjj.id, &c, None)
        .await
        .unwrap();
    store
        .save_report_prose(&editor, zjj.id, 2021, &prose)
        .await
        .unwrap();
    store.run_inspection(&office, today).await.unwrap();
    store
        .set_staff_active(&office, "zjj-editor", false)
        .await
        .unwrap();
}
