//! The `gongkai` binary as a person runs it: output, exit status, messages.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gongkai(args: &[&str]) -> Output {
    gongkai_with_stdin(args, "")
}

fn gongkai_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATA")
        .env_remove("GONGKAI_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongkai");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn workdays_add_and_count_on_the_builtin_calendar() {
    let o = gongkai(&["workdays", "add", "2021-09-28", "20"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "2021-11-01\n");
    let o = gongkai(&["workdays", "count", "2021-09-28", "2021-11-09"]);
    assert_eq!(stdout(&o), "26\n");
    // The Spring Festival of 2024 with its make-up days (2024-02-04 Sun, 2024-02-18 Sun).
    assert_eq!(
        stdout(&gongkai(&["workdays", "add", "2024-02-09", "1"])),
        "2024-02-18\n"
    );
    assert_eq!(
        stdout(&gongkai(&["workdays", "count", "2024-02-02", "2024-02-04"])),
        "1\n"
    );
}

#[test]
fn workdays_refuse_uncovered_years_and_bad_input_with_status_2() {
    for (args, needle) in [
        (vec!["workdays", "add", "2040-06-01", "20"], "2040"),
        (
            vec!["workdays", "count", "2018-01-01", "2018-03-01"],
            "2018",
        ),
        (vec!["workdays", "add", "2021-02-30", "1"], "不存在"),
        (vec!["workdays", "add", "28/09/2021", "1"], "YYYY-MM-DD"),
        (vec!["workdays", "add", "2021-09-28", "-1"], "整数"),
        (vec!["workdays", "add", "2021-09-28", "twenty"], "整数"),
        (
            vec!["workdays", "count", "2021-10-01", "2021-09-01"],
            "早于",
        ),
    ] {
        let o = gongkai(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn units_users_calendar_and_audit_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    let o = gongkai(&["migrate", "--data", data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gongkai(&[
        "unit",
        "add",
        "--data",
        data,
        "--code",
        "qz",
        "--name",
        "示例县人民政府",
        "--kind",
        "government",
        "--office-phone",
        "0571-12345678",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gongkai(&[
        "unit",
        "add",
        "--data",
        data,
        "--code",
        "qz-jyj",
        "--name",
        "示例县教育局",
        "--kind",
        "department",
        "--parent",
        "qz",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gongkai(&[
        "unit", "add", "--data", data, "--code", "bad code", "--name", "", "--kind", "ministry",
        "--parent", "qz",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("单位代码") && err.contains("单位名称") && err.contains("单位类型"),
        "{err}"
    );
    let list = stdout(&gongkai(&["unit", "list", "--data", data]));
    assert_eq!(
        list,
        "qz\tgovernment\t-\t示例县人民政府\nqz-jyj\tdepartment\tqz\t示例县教育局\n"
    );

    // The password comes from standard input, never from the command line.
    let o = gongkai_with_stdin(
        &[
            "user",
            "add",
            "--data",
            data,
            "--unit",
            "qz-jyj",
            "--role",
            "handler",
            "--username",
            "zhang",
        ],
        "教育局依申请办理2026\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gongkai_with_stdin(
        &[
            "user",
            "add",
            "--data",
            data,
            "--unit",
            "qz-jyj",
            "--role",
            "boss",
            "--username",
            "li",
        ],
        "short\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("角色") && stderr(&o).contains("密码太短"));
    assert!(stdout(&gongkai(&["user", "list", "--data", data])).contains("zhang\thandler\tqz-jyj"));

    // The office imports next year's notice; workdays with --data uses it, without does not.
    let csv = dir.path().join("2027.csv");
    std::fs::write(
        &csv,
        "date,name,kind,notice\n2027-01-01,元旦,off,n27\n2027-02-06,春节,work,n27\n\
         2027-02-07,春节,off,n27\n2027-04-03,清明节,off,n27\n2027-05-01,劳动节,off,n27\n\
         2027-06-05,端午节,off,n27\n2027-09-04,中秋节,off,n27\n2027-10-02,国庆节,off,n27\n",
    )
    .unwrap();
    let o = gongkai(&["calendar", "import", "--data", data, csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("2027"));
    assert_eq!(
        stdout(&gongkai(&[
            "workdays",
            "add",
            "--data",
            data,
            "2026-12-31",
            "1"
        ])),
        "2027-01-04\n"
    );
    assert_eq!(
        gongkai(&["workdays", "add", "2026-12-31", "1"])
            .status
            .code(),
        Some(2)
    );
    // One line for a year is not that year's notice: refused, naming what it lacks.
    let short = dir.path().join("2028.csv");
    std::fs::write(&short, "date,name,kind,notice\n2028-01-01,元旦,off,n28\n").unwrap();
    let o = gongkai(&[
        "calendar",
        "import",
        "--data",
        data,
        short.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2028 年缺少春节"), "{}", stderr(&o));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,name,kind,notice\n2028-01-01,元旦,holiday,n\n").unwrap();
    let o = gongkai(&["calendar", "import", "--data", data, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第 2 行"));
    let o = gongkai(&["calendar", "import", "--data", data, "/no/such/file.csv"]);
    assert_eq!(o.status.code(), Some(2));

    // Every change above is in the ledger, and the chain verifies.
    let o = gongkai(&["audit", "verify", "--data", data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("审计日志完整"));

    // A database with real records is never overwritten by the demo.
    let o = gongkai(&["demo", "--data", data]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("拒绝"));
    assert!(stdout(&gongkai(&["unit", "list", "--data", data])).contains("示例县人民政府"));
    let o = gongkai(&["serve", "--data", data, "--demo", "--listen", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn audit_verify_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let o = gongkai(&["demo", "--data", data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("广州市番禺区人民政府"));
    assert!(stdout(&o).contains("admin"));
    // A checkpoint key and log, kept outside the data directory.
    let key = dir.path().join("ledger.key");
    let log = dir.path().join("checkpoints.jsonl");
    let (key_s, log_s) = (key.to_str().unwrap(), log.to_str().unwrap());
    assert_eq!(gongkai(&["audit", "keygen", key_s]).status.code(), Some(0));
    let o = gongkai(&["audit", "keygen", key_s]);
    assert_eq!(o.status.code(), Some(2), "a key is never overwritten");
    let anchored = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", "--data", data, "--checkpoint-key", key_s];
        args.extend(["--checkpoint-log", log_s]);
        args.extend(extra);
        gongkai(&args)
    };
    let o = gongkai(&[
        "audit",
        "checkpoint",
        "--data",
        data,
        "--checkpoint-key",
        key_s,
        "--checkpoint-log",
        log_s,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = anchored(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查点"), "{}", stdout(&o));

    // Tamper with entry 5 behind the system's back (dropping the append-only guards first).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gongkai.db").display());
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for t in ["audit_log_no_update", "audit_log_no_delete"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {t}")))
                .execute(&mut c)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5")
            .execute(&mut c)
            .await
            .unwrap();
    });
    let o = gongkai(&["audit", "verify", "--data", data]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("第 5 条"), "{}", stderr(&o));

    // The forger recomputes every hash after the edit: the chain verifies again, the
    // checkpoint does not.
    rt.block_on(async {
        use gongkai_core::audit::{AuditFields, entry_hash};
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        type Row = (i64, String, String, String, String, String, String);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, at, actor, action, entity, before_json, after_json FROM audit_log \
             WHERE seq >= 5 ORDER BY seq",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        let (mut prev,): (String,) = sqlx::query_as("SELECT hash FROM audit_log WHERE seq = 4")
            .fetch_one(&mut c)
            .await
            .unwrap();
        for r in &rows {
            let hash = entry_hash(&AuditFields {
                seq: r.0,
                at: &r.1,
                actor: &r.2,
                action: &r.3,
                entity: &r.4,
                before: &r.5,
                after: &r.6,
                prev_hash: &prev,
            });
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                .bind(&prev)
                .bind(&hash)
                .bind(r.0)
                .execute(&mut c)
                .await
                .unwrap();
            prev = hash;
        }
    });
    let o = gongkai(&["audit", "verify", "--data", data]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the recomputed chain is a chain: {}",
        stderr(&o)
    );
    let o = anchored(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("重新计算"), "{}", stderr(&o));

    // Deleting the last 100 entries leaves a chain too; the checkpoint names the lost tail.
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 100 FROM audit_log)")
            .execute(&mut c)
            .await
            .unwrap();
    });
    assert_eq!(
        gongkai(&["audit", "verify", "--data", data]).status.code(),
        Some(0)
    );
    let o = anchored(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("末尾被删除"), "{}", stderr(&o));
    // A checkpoint line edited to match is not signed by the key.
    let text = std::fs::read_to_string(&log).unwrap();
    let mut cp: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    cp["entries"] = serde_json::json!(1);
    std::fs::write(&log, format!("{cp}\n")).unwrap();
    let o = anchored(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("签名与密钥不符"), "{}", stderr(&o));
}

#[test]
fn bad_options_exit_2_with_a_message() {
    let o = gongkai(&["serve", "--listen", "not-an-address"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("监听地址"));
    let o = gongkai(&["migrate", "--database-url", "mysql://x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("postgres://"));
    let o = gongkai(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn deadline_and_fee_commands() {
    let o = gongkai(&["deadline", "--received", "2021-09-28"]);
    assert_eq!(stdout(&o), "2021-11-01\n");
    let o = gongkai(&[
        "deadline",
        "--received",
        "2021-09-28",
        "--suspend",
        "2021-10-11..2021-10-19",
        "--explain",
    ]);
    assert_eq!(stdout(&o), "2021-11-09\n");
    assert!(stderr(&o).contains("顺延 6 个工作日"));
    let o = gongkai(&[
        "deadline",
        "--received",
        "2021-09-28",
        "--correction-received",
        "2021-10-11",
        "--extended",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "2021-12-06\n");
    for args in [
        vec![
            "deadline",
            "--received",
            "2021-09-28",
            "--correction-received",
            "2021-09-01",
        ],
        vec!["deadline", "--received", "2021-13-01"],
        vec![
            "deadline",
            "--received",
            "2021-09-28",
            "--suspend",
            "2021-10-19..2021-10-11",
        ],
        vec![
            "deadline",
            "--received",
            "2021-09-28",
            "--suspend",
            "yesterday",
        ],
        vec!["fee", "items", "-3"],
        vec!["fee", "pages", "2.5"],
    ] {
        let o = gongkai(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).contains("panicked"));
    }
    assert_eq!(stdout(&gongkai(&["fee", "items", "10"])), "0\n");
    assert_eq!(stdout(&gongkai(&["fee", "items", "35"])), "3000\n");
    assert_eq!(stdout(&gongkai(&["fee", "pages", "101"])), "720\n");
    assert_eq!(stdout(&gongkai(&["fee", "pages", "201"])), "2740\n");
}

#[test]
fn report_of_the_demo_district_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert_eq!(gongkai(&["demo", "--data", data]).status.code(), Some(0));
    let o = gongkai(&[
        "report", "--data", data, "--year", "2021", "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "2021");
    assert_eq!(v["scope"], "district");
    assert_eq!(v["unit"]["name"], "广州市番禺区人民政府");
    let f = &v["figures"];
    assert_eq!(f["applications_received"], 455);
    assert_eq!(f["applications_carried_in"], 9);
    assert_eq!(f["applications_concluded_on_time"], 451);
    assert_eq!(f["applications_carried_out"], 13);
    assert_eq!(f["reconsiderations"], 18);
    assert_eq!(f["lawsuits"], 10);
    assert_eq!(f["fees_collected_yuan"], 20560);
    assert_eq!(f["portal_items"], 41_600);
    assert_eq!(f["epidemic_column_items"], 587);
    assert_eq!(f["catalogs_published"], 43);
    assert_eq!(f["documents_adjusted"], 8);
    let t2 = v["tables"]["二"]["rows"].as_array().unwrap();
    assert_eq!(t2[0]["block"], "第二十条第（一）项");
    assert_eq!(t2[1]["label"], "行政规范性文件");
    assert!(
        t2[5]["values"][0].is_string(),
        "fees in 万元 as a decimal string"
    );
    let rows = v["tables"]["三"]["rows"].as_array().unwrap();
    // The same report as DOCX and PDF files.
    let docx = dir.path().join("r.docx");
    let o = gongkai(&[
        "report",
        "--data",
        data,
        "--year",
        "2021",
        "--format",
        "docx",
        "-o",
        docx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(&std::fs::read(&docx).unwrap()[..2], b"PK");
    let pdf = dir.path().join("r.pdf");
    let o = gongkai(&[
        "report",
        "--data",
        data,
        "--year",
        "2021",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    match o.status.code() {
        Some(0) => {
            assert_eq!(&std::fs::read(&pdf).unwrap()[..5], b"%PDF-");
            // It reads back through the report reader: the same tables, no problem.
            let o = gongkai(&["report", "check", "--format", "json", pdf.to_str().unwrap()]);
            let read: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", read["problems"]);
            assert_eq!(read["year"], 2021);
            assert_eq!(read["tables"]["三"], v["tables"]["三"]);
            assert_eq!(read["tables"]["四"]["values"], v["tables"]["四"]["values"]);
        }
        // Without a CJK font the message names the fix.
        _ => assert!(stderr(&o).contains("fonts-noto-cjk"), "{}", stderr(&o)),
    }
    let o = gongkai(&[
        "report", "--data", data, "--year", "2021", "--format", "pdf",
    ]);
    assert_eq!(o.status.code(), Some(2), "a PDF needs -o");
    assert_eq!(rows[0]["label"], "一、本年新收政府信息公开申请数量");
    assert_eq!(rows[0]["values"][6], 455);
    assert!(
        rows.iter()
            .any(|r| r["group"] == "（三）不予公开" && r["label"] == "3.危及“三安全一稳定”")
    );
    assert_eq!(v["tables"]["四"]["values"][4], 18);

    let o = gongkai(&[
        "report", "--data", data, "--year", "2020", "--format", "html",
    ]);
    let html = stdout(&o);
    assert!(html.contains("广州市番禺区人民政府2020年政府信息公开工作年度报告"));
    assert!(html.contains("（六）其他处理") && html.contains("国办公开办函〔2019〕60号"));
    let out = dir.path().join("t3.csv");
    let o = gongkai(&[
        "report",
        "--data",
        data,
        "--year",
        "2021",
        "--unit",
        "py-zjj",
        "--format",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("\u{feff}分组,项目,自然人"));
    for (args, needle) in [
        (
            vec![
                "report", "--data", data, "--year", "twenty", "--format", "json",
            ],
            "年度",
        ),
        (
            vec![
                "report", "--data", data, "--year", "2021", "--format", "odt",
            ],
            "格式",
        ),
        (
            vec![
                "report", "--data", data, "--year", "2021", "--unit", "nowhere",
            ],
            "nowhere",
        ),
        (
            vec![
                "report", "--data", data, "--year", "2021", "--format", "csv", "--table", "五",
            ],
            "表",
        ),
        (
            vec![
                "report", "--data", data, "--year", "2021", "--format", "pdf",
            ],
            "-o",
        ),
    ] {
        let o = gongkai(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }

    // A report published before gongkai ran, imported as 2020: its 结转下年度 (13) must be
    // 2021's 上年结转 (9 from the records); the 2021 report now names the mismatch.
    let published = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../web/tests/snapshots/report-2021.html"
    );
    let o = gongkai(&[
        "report", "import", "--data", data, published, "--unit", "py", "--year", "2020",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("已导入 py 2020 年报告"),
        "{}",
        stdout(&o)
    );
    let o = gongkai(&[
        "report", "--data", data, "--year", "2021", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("carry_over") && problems.contains("上年“结转下年度继续办理”为 13"),
        "{problems}"
    );
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../reader/tests/data/panyu-2021-as-found.txt"
    );
    let o = gongkai(&["report", "import", "--data", data, seed, "--unit", "py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("读不出表三"), "{}", stderr(&o));
}

/// An application acknowledged to the applicant survives `kill -9` of the server at any moment:
/// submit under load, kill the server mid-load, and find every acknowledged application.
#[test]
fn acknowledged_applications_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert_eq!(gongkai(&["demo", "--data", data]).status.code(), Some(0));
    // The server signs a ledger checkpoint as it starts.
    let key = dir.path().join("ledger.key");
    let log = dir.path().join("checkpoints.jsonl");
    assert_eq!(
        gongkai(&["audit", "keygen", key.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "serve",
            "--data",
            data,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--applications-per-hour",
            "100000000",
            "--checkpoint-key",
            key.to_str().unwrap(),
            "--checkpoint-log",
            log.to_str().unwrap(),
        ])
        .env_remove("GONGKAI_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let backup = dir.path().join("copy.db");
    let (acknowledged, before_backup): (Vec<String>, Vec<String>) = rt.block_on(async {
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let body = serde_json::json!({
            "unit_code": "py-zjj", "applicant_type": "natural", "applicant_name": "王五", "id_kind": "id_card",
            "id_number": "11010519491231002X", "phone": "13800138000", "info_description": "某项目批复",
            "form_wanted": "email", "delivery": "email", "email": "w@example.com"
        });
        let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (client, url, body) = (client.clone(), format!("{base}/api/v1/applications"), body.clone());
            let acked = acked.clone();
            tasks.push(tokio::spawn(async move {
                // Until the server dies under us.
                while let Ok(r) = client.post(&url).json(&body).send().await {
                    if r.status() == reqwest::StatusCode::CREATED
                        && let Ok(v) = r.json::<serde_json::Value>().await
                        && let Some(code) = v["tracking_code"].as_str()
                    {
                        acked.lock().unwrap().push(code.to_string());
                    }
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        // A backup taken under the load holds everything acknowledged before it began.
        let before_backup = acked.lock().unwrap().clone();
        let (data_dir, copy) = (data.to_string(), backup.clone());
        let o = tokio::task::spawn_blocking(move || {
            gongkai(&["backup", "--data", &data_dir, copy.to_str().unwrap()])
        })
        .await
        .unwrap();
        assert_eq!(o.status.code(), Some(0), "backup under load: {}", stderr(&o));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        let all = acked.lock().unwrap().clone();
        (all, before_backup)
    });
    assert!(
        acknowledged.len() > 50,
        "the load ran: {} acknowledged",
        acknowledged.len()
    );
    // Every acknowledged application is in the database after the crash.
    let codes_in = |db: std::path::PathBuf| {
        rt.block_on(async move {
            use sqlx::Connection;
            let url = format!("sqlite://{}", db.display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as::<_, (String,)>("SELECT tracking_code FROM applications")
                .fetch_all(&mut c)
                .await
                .unwrap()
                .into_iter()
                .map(|(c,)| c)
                .collect::<std::collections::HashSet<String>>()
        })
    };
    let stored = codes_in(dir.path().join("gongkai.db"));
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|c| !stored.contains(*c))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged applications lost",
        lost.len(),
        acknowledged.len()
    );
    // And the ledger is whole, and holds the checkpoint signed at the start.
    let o = gongkai(&[
        "audit",
        "verify",
        "--data",
        data,
        "--checkpoint-key",
        key.to_str().unwrap(),
        "--checkpoint-log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查点"), "{}", stdout(&o));

    // The backup restores: every application acknowledged before it began, a whole ledger.
    assert!(!before_backup.is_empty(), "the load ran before the backup");
    let restored = dir.path().join("restored");
    let restored_s = restored.to_str().unwrap();
    let backup_s = backup.to_str().unwrap();
    let o = gongkai(&["restore", backup_s, "--data", restored_s]);
    assert_eq!(o.status.code(), Some(0), "restore: {}", stderr(&o));
    let back = codes_in(restored.join("gongkai.db"));
    let missing = before_backup.iter().filter(|c| !back.contains(*c)).count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} missing from the restored backup",
        before_backup.len()
    );
    let o = gongkai(&["audit", "verify", "--data", restored_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A second restore over it is refused without --replace, and keeps the old one with it.
    let o = gongkai(&["restore", backup_s, "--data", restored_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--replace"), "{}", stderr(&o));
    let o = gongkai(&["restore", backup_s, "--data", restored_s, "--replace"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("原数据库保留为"));
    // Something that is not a backup is refused and nothing is replaced.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let o = gongkai(&[
        "restore",
        junk.to_str().unwrap(),
        "--data",
        restored_s,
        "--replace",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(codes_in(restored.join("gongkai.db")).len(), back.len());
}

#[test]
fn scan_reports_findings_masked_with_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.txt");
    std::fs::write(&clean, "番禺区2021年政府信息公开工作年度报告\n").unwrap();
    let dirty = dir.path().join("letter.txt");
    std::fs::write(
        &dirty,
        "张三：\n身份证 11010519491231002X，电话 13800138000。\n机密★1年\n",
    )
    .unwrap();
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, "%PDF-1.4 not a pdf").unwrap();

    let o = gongkai(&["scan", clean.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty());
    let o = gongkai(&["scan", clean.to_str().unwrap(), dirty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].ends_with("\t第 2 行\t身份证号码\t110***********002X"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with("\t第 2 行\t手机号码\t138****8000"));
    assert!(lines[2].contains("密级标志"));
    assert!(
        !out.contains("11010519491231002X") && !out.contains("13800138000"),
        "never the value itself"
    );
    let o = gongkai(&["scan", dirty.to_str().unwrap(), broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法读取") && !stderr(&o).contains("panicked"));
    let o = gongkai(&["scan", "/no/such/file.docx"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn import_publications_names_bad_lines_and_can_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert_eq!(gongkai(&["migrate", "--data", data]).status.code(), Some(0));
    let add = gongkai(&[
        "unit",
        "add",
        "--data",
        data,
        "--code",
        "qz",
        "--name",
        "示例县人民政府",
        "--kind",
        "government",
    ]);
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    // Columns come from the office's templates; the CLI sets them up through the store.
    let file = dir.path().join("items.jsonl");
    let good = |ix: &str| {
        format!(
            r#"{{"index_no": "{ix}", "unit_code": "qz", "title": "某项目批前公示", "formed_on": "2021-03-01", "published_on": "2021-03-03", "columns": ["法规文件"]}}"#
        )
    };
    let lines = [
        good("QZ/2021-00001"),
        r#"{"index_no": "QZ/2021-00002", "unit_code": "qz", "formed_on": "2021-03-01", "published_on": "2021-03-03", "columns": ["法规文件"]}"#.to_string(),
        "not json".to_string(),
        good("QZ/2021-00003").replace("法规文件", "没有的栏目"),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let file = file.to_str().unwrap();

    // Before the unit has columns every line is refused by its field.
    let o = gongkai(&["import", "publications", "--data", data, file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("第 1 行 columns"), "{}", stderr(&o));

    let o = gongkai(&[
        "unit",
        "columns",
        "--data",
        data,
        "--code",
        "qz",
        "--template",
        "art20",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gongkai(&["import", "publications", "--data", data, file]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("第 2 行 title"), "{err}");
    assert!(err.contains("第 3 行：不是有效的 JSON"), "{err}");
    assert!(
        err.contains("第 4 行 columns") && err.contains("没有的栏目"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("导入 1 条，已存在 0 条"),
        "{}",
        stdout(&o)
    );
    // Again: nothing is stored twice.
    let o = gongkai(&["import", "publications", "--data", data, file]);
    assert!(
        stdout(&o).contains("导入 0 条，已存在 1 条"),
        "{}",
        stdout(&o)
    );
    let o = gongkai(&[
        "import",
        "publications",
        "--data",
        data,
        "/no/such/file.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A line that is not UTF-8 is named and the others still go in; a file that is not lines
    // at all (/dev/zero) is refused at its first line's limit instead of read whole.
    let mixed = dir.path().join("mixed.jsonl");
    let mut bytes = good("QZ/2021-00007").into_bytes();
    bytes.extend_from_slice(b"\n{\"title\": \"\xff\xfe\"}\n");
    bytes.extend_from_slice(good("QZ/2021-00008").as_bytes());
    std::fs::write(&mixed, bytes).unwrap();
    let o = gongkai(&[
        "import",
        "publications",
        "--data",
        data,
        mixed.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("第 2 行：不是 UTF-8"), "{}", stderr(&o));
    assert!(stdout(&o).contains("导入 2 条"), "{}", stdout(&o));
    let o = gongkai(&["import", "publications", "--data", data, "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第 1 行超过 4 MB"), "{}", stderr(&o));

    // The search index is rebuilt from the records; a damaged one is set aside and rebuilt.
    let o = gongkai(&["reindex", "--data", data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("读取 3 条信息，其中 3 条已公开可检索"),
        "{}",
        stdout(&o)
    );
    let index = std::path::Path::new(data).join("search");
    std::fs::write(index.join("meta.json"), "{broken").unwrap();
    let o = gongkai(&["reindex", "--data", data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("无法读取"), "{}", stderr(&o));
    assert!(stdout(&o).contains("其中 3 条已公开可检索"));

    // With the index there and no server holding it, an import updates it as it stores.
    let import_line = |line: String| {
        let more = std::path::Path::new(data).join("more.jsonl");
        std::fs::write(&more, line).unwrap();
        gongkai(&[
            "import",
            "publications",
            "--data",
            data,
            more.to_str().unwrap(),
        ])
    };
    let o = import_line(good("QZ/2021-00005").replace("某项目批前公示", "旧城改造征收补偿方案"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("检索索引已同步更新"), "{}", stderr(&o));
    let (index, _) = gongkai_search::Search::open(&index).unwrap();
    let found = index
        .search(&gongkai_search::SearchQuery {
            text: "征收补偿".into(),
            page: 1,
            per_page: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].index_no, "QZ/2021-00005");
    assert_eq!(index.len(), 4);

    // While another process holds the index (a running server), the import stores the items
    // and says who will index them.
    let o = import_line(good("QZ/2021-00006"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("服务会在一分钟内收录"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("导入 1 条"), "{}", stdout(&o));
}

#[test]
fn report_check_reads_published_reports_and_names_their_problems() {
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../reader/tests/data/panyu-2021-as-found.txt"
    );
    let own = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../web/tests/snapshots/report-2021.html"
    );
    let o = gongkai(&["report", "check", own]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("未发现问题"));
    // Random bytes are no report: exit 2, said so, and no "repairs" claimed of them.
    let dir = tempfile::tempdir().unwrap();
    let noise = dir.path().join("noise.bin");
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(&noise, bytes).unwrap();
    let o = gongkai(&["report", "check", noise.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("不是政府信息公开工作年度报告"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("繁体已转为简体"), "{}", stdout(&o));
    let o = gongkai(&["report", "check", "--format", "json", data, own]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("panyu-2021-as-found.txt")
    );
    assert_eq!(lines[0]["year"], 2021);
    assert_eq!(lines[0]["figures"]["applications_received"], 455);
    assert!(
        lines[0]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "missing_table")
    );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("summary.csv");
    let o = gongkai(&[
        "report",
        "check",
        data,
        own,
        "--summary",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines().count() == 3 && text.contains("广州市番禺区人民政府,2021,2021,455"),
        "{text}"
    );
    assert!(
        std::fs::read_to_string(dir.path().join("summary.html"))
            .unwrap()
            .contains("<svg")
    );
    let o = gongkai(&["report", "check", "/no/such/report.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    // Without a subcommand, a year is still required for writing a report.
    let o = gongkai(&["report", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--year"));
}
