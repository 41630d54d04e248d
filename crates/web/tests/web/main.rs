//! The real server on a real database (SQLite, or PostgreSQL with GONGKAI_TEST_DATABASE_URL),
//! driven over HTTP as a browser or API client would; one test in real Chromium.

mod accessibility;
mod applications;
mod engagement;
mod network;
mod publishing;
mod report_outputs;
mod rules;
mod rules_random;
mod search;
mod search_index;

use gongkai_demo::DemoAccount;
use gongkai_demo::testkit::{self, TestDb};
use gongkai_store::Store;
use gongkai_web::{AppState, WebConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

pub struct App {
    pub base: String,
    pub accounts: Vec<DemoAccount>,
    pub store: Store,
    _db: TestDb,
}

impl App {
    pub fn password(&self, username: &str) -> &str {
        &self
            .accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap()
            .password
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A client logged in as `username`, and the CSRF token of its session.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let c = self.client();
        let page = c
            .get(self.url("/console/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "csrf");
        let r = c
            .post(self.url("/console/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", self.password(username)),
                ("next", "/console"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
        let dash = c
            .get(self.url("/console"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&dash, "csrf");
        (c, csrf)
    }
}

/// The status and body of a request, as the client receives them.
pub async fn read(request: reqwest::RequestBuilder) -> (reqwest::StatusCode, String) {
    let r = request.send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The status and body of a GET.
pub async fn text(c: &reqwest::Client, url: String) -> (reqwest::StatusCode, String) {
    read(c.get(url)).await
}

/// The value of the first hidden input called `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

pub async fn spawn_app() -> App {
    spawn_app_with(WebConfig::default()).await
}

pub async fn spawn_app_with(config: WebConfig) -> App {
    let db = testkit::fresh().await.unwrap();
    let store = Store::open_and_migrate(&db.location).await.unwrap();
    let accounts = gongkai_demo::create_organisation(&store).await.unwrap();
    testkit::cover_coming_years(&store).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), config);
    tokio::spawn(gongkai_web::serve(state, listener));
    App {
        base,
        accounts,
        store,
        _db: db,
    }
}

#[tokio::test]
async fn portal_shows_the_district_and_each_units_guide() {
    let app = spawn_app().await;
    let c = app.client();
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("广州市番禺区人民政府"));
    assert!(html.contains("020-84636178"));
    assert!(html.contains("href=\"/units/py-zjj\""));

    let guide = c
        .get(app.url("/units/py-zjj"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(guide.contains("广州市番禺区住房和城乡建设局政府信息公开指南"));
    assert!(guide.contains("办公时间"));

    let missing = c.get(app.url("/units/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("没有找到代码为“nowhere”的单位")
    );
    let nope = c.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(nope.status(), StatusCode::NOT_FOUND);
    assert!(nope.text().await.unwrap().contains("页面不存在"));
    // Markup in a path is never reflected.
    let xss = c
        .get(app.url("/units/%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(xss.status(), StatusCode::NOT_FOUND);
    let body = xss.text().await.unwrap();
    assert!(
        !body.contains("<script>") && body.contains("alert(1)"),
        "{body}"
    );
}

/// Check the OpenAPI document with an independent validator (openapi-spec-validator, which
/// `.ci/run` installs); say SKIPPED when it is not installed.
fn validate_openapi(spec: &serde_json::Value) {
    let have = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        testkit::say_skipped(
            "OpenAPI validation",
            "python3 with openapi-spec-validator is not installed (pip install openapi-spec-validator)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(spec).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the OpenAPI document is not valid:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The one answer to every failed login.
const LOGIN_FAILED: &str = "用户名或密码错误，或账户暂不可用";

#[tokio::test]
async fn api_health_units_workdays_and_openapi() {
    let app = spawn_app().await;
    let c = app.client();
    let h: serde_json::Value = c
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["database"], app.store.backend());

    let units: serde_json::Value = c
        .get(app.url("/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(units[0]["code"], "py");
    assert!(
        units
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["short_name"] == "区住房城乡建设局" && u["parent_code"] == "py")
    );
    let r = c.get(app.url("/api/v1/units/none")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let add: serde_json::Value = c
        .get(app.url("/api/v1/workdays/add?date=2021-09-28&n=20"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(add["result"], "2021-11-01");
    let count: serde_json::Value = c
        .get(app.url("/api/v1/workdays/count?from=2021-09-28&to=2021-11-09"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count["workdays"], 26);
    for (q, status, needle) in [
        ("/api/v1/workdays/add?date=2021-02-30&n=1", 400, "不存在"),
        ("/api/v1/workdays/add?date=2021-09-28&n=-3", 400, "整数"),
        ("/api/v1/workdays/add?n=3", 400, "date"),
        ("/api/v1/workdays/add?date=2040-06-01&n=20", 422, "2040"),
        (
            "/api/v1/workdays/count?from=2021-10-01&to=2021-09-01",
            422,
            "早于",
        ),
    ] {
        let r = c.get(app.url(q)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{q}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains(needle),
            "{q}: {body}"
        );
    }

    // The OpenAPI document describes every API route, and each one answers.
    let spec: serde_json::Value = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/workdays/add",
        "/api/v1/workdays/count",
        "/api/v1/reports/{year}",
        "/api/v1/search",
        "/api/v1/applications",
        "/api/v1/applications/status",
        "/api/v1/console/applications",
        "/api/v1/console/applications/{id}",
        "/api/v1/console/applications/{id}/events",
        "/api/v1/console/applications/{id}/answer",
        "/api/v1/console/applications/{id}/transfer",
        "/api/v1/console/applications/{id}/cases",
        "/api/v1/console/register",
        "/healthz",
    ] {
        assert!(paths.iter().any(|x| *x == p), "{p} missing from the spec");
    }
    // Every operation is filed under an area named in Chinese, and every response says what
    // it means (OpenAPI requires a description).
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or("");
            assert!(
                !tag.is_empty() && !tag.is_ascii(),
                "{method} {path}: tag {tag:?}"
            );
            for (status, r) in op["responses"].as_object().unwrap() {
                let d = r["description"].as_str().unwrap_or("");
                assert!(!d.is_empty(), "{method} {path} {status}: no description");
            }
        }
    }
    validate_openapi(&spec);
    for (p, ops) in spec["paths"].as_object().unwrap() {
        if ops.get("get").is_none() {
            continue;
        }
        let concrete = p
            .replace("{code}", "py")
            .replace("{year}", "2021")
            .replace("{id}", "1");
        let r = c.get(app.url(&concrete)).send().await.unwrap();
        assert_ne!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{p} is in the spec but not served"
        );
    }
    // A parameter that does not read is refused in JSON, like every API error.
    let r = c
        .get(app.url("/api/v1/workdays/add?date=2021-09-28&date=2021-09-29&n=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("查询参数有误"));
}

#[tokio::test]
async fn login_sessions_csrf_and_lockout() {
    // Behind a proxy the test trusts, so a stranger (203.0.113.9) and the office (the proxy's
    // own address) can be told apart.
    let app = spawn_app_with(WebConfig {
        trusted_proxies: vec![gongkai_web::limit::Cidr::parse("127.0.0.1").unwrap()],
        ..Default::default()
    })
    .await;
    const STRANGER: &str = "203.0.113.9";
    let c = app.client();
    // The console needs a login.
    let r = c.get(app.url("/console/units")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/console/login?next=/console/units"
    );

    // A login form without its CSRF cookie is refused.
    let r = app
        .client()
        .post(app.url("/console/login"))
        .form(&[
            ("csrf", "x"),
            ("username", "admin"),
            ("password", app.password("admin")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Wrong password: the page says so in Chinese and keeps the username.
    let page = c
        .get(app.url("/console/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "csrf");
    let r = c
        .post(app.url("/console/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "zjj-editor"),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap();
    assert!(body.contains(LOGIN_FAILED) && body.contains("value=\"zjj-editor\""));
    // The stranger: an unknown user gets the same answer as a wrong password.
    let attempt = |user: &'static str, password: String| {
        c.post(app.url("/console/login"))
            .header("x-forwarded-for", STRANGER)
            .form(&[
                ("csrf", csrf.clone()),
                ("username", user.to_string()),
                ("password", password),
            ])
            .send()
    };
    let r = attempt("nobody-here", "wrong".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(LOGIN_FAILED));
    for _ in 0..4 {
        attempt("zjj-editor", "wrong".into()).await.unwrap();
    }
    // Five failures lock the stranger's address out, even with the right password …
    let r = attempt("zjj-editor", app.password("zjj-editor").to_string())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let locked = r.text().await.unwrap();
    assert!(locked.contains("过于频繁") && !locked.contains("账户已锁定"));
    // … but not the account: from the office's address its owner logs in.
    let (_editor, _) = app.login("zjj-editor").await;
    // A `next` with a line break or NUL is not a place to go: the login page, not a 500.
    for next in [
        "/console%0d%0aSet-Cookie:x=1",
        "/console%00",
        "//evil.example/console",
    ] {
        let r = c
            .get(app.url(&format!("/console/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "next={next}: {}", r.status());
        assert!(!r.text().await.unwrap().contains("evil.example"));
    }

    // A real login; a form without the session's CSRF token changes nothing.
    let (admin, token) = app.login("admin").await;
    let r = admin
        .post(app.url("/console/units/py-zjj"))
        .form(&[
            ("csrf", "forged"),
            ("code", "py-zjj"),
            ("name", "被篡改"),
            ("kind", "department"),
            ("parent_code", "py"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("表单已失效"));
    assert_eq!(
        app.store
            .unit_by_code("py-zjj")
            .await
            .unwrap()
            .unwrap()
            .name,
        "广州市番禺区住房和城乡建设局"
    );

    // The office unlocks the editor.
    let r = admin
        .post(app.url("/console/staff/zjj-editor/active"))
        .form(&[("csrf", token.as_str()), ("active", "unlock")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.login("zjj-editor").await;

    // Logout ends the session.
    let r = admin
        .post(app.url("/console/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = admin.get(app.url("/console")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn office_edits_units_with_errors_shown_by_field_and_staff_see_their_own_unit() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;

    // Bad input: 422, each error next to its field, the input kept, nothing stored.
    let r = admin
        .post(app.url("/console/units/py-zjj"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "py-zjj"),
            ("name", "广州市番禺区住房和城乡建设局"),
            ("kind", "department"),
            ("parent_code", "py"),
            ("office_phone", "电话号码"),
            ("office_postcode", "5114"),
            ("office_address", "新地址一号"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("id=\"e-office_phone\""),
        "phone error next to the field"
    );
    assert!(body.contains("id=\"e-office_postcode\""));
    assert!(body.contains("value=\"新地址一号\""), "input kept");
    assert_eq!(
        app.store
            .unit_by_code("py-zjj")
            .await
            .unwrap()
            .unwrap()
            .office_address,
        "广州市番禺区清河东路319号"
    );

    // Good input is saved and shows on the portal.
    let r = admin
        .post(app.url("/console/units/py-zjj"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "py-zjj"),
            ("name", "广州市番禺区住房和城乡建设局"),
            ("short_name", "区住房城乡建设局"),
            ("kind", "department"),
            ("parent_code", "py"),
            ("office_phone", "020-84628888"),
            ("office_address", "广州市番禺区市桥街繁华路2号"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let guide = app
        .client()
        .get(app.url("/units/py-zjj"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(guide.contains("020-84628888") && guide.contains("繁华路2号"));

    // A new unit.
    let r = admin
        .post(app.url("/console/units"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "py-xfj"),
            ("name", "广州市番禺区信访局"),
            ("kind", "department"),
            ("parent_code", "py"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(app.store.unit_by_code("py-xfj").await.unwrap().is_some());

    // A unit editor sees their own unit only, and cannot change it.
    let (editor, ecsrf) = app.login("zjj-editor").await;
    let list = editor
        .get(app.url("/console/units"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("py-zjj") && !list.contains("py-jyj"));
    let r = editor
        .get(app.url("/console/units/py-jyj"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = editor
        .post(app.url("/console/units/py-zjj"))
        .form(&[
            ("csrf", ecsrf.as_str()),
            ("code", "py-zjj"),
            ("name", "改名"),
            ("kind", "department"),
            ("parent_code", "py"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let staff = editor
        .get(app.url("/console/staff"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(staff.contains("zjj-handler") && !staff.contains(">admin<"));
    let r = editor.get(app.url("/console/audit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The ledger shows the office's change with before and after, to the auditor.
    let (auditor, _) = app.login("auditor").await;
    let log = auditor
        .get(app.url("/console/audit?verify=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(log.contains("哈希链完整"));
    assert!(
        log.contains("staff:admin") && log.contains("unit.update") && log.contains("020-84628888")
    );
}

#[tokio::test]
async fn office_adds_staff_and_imports_the_calendar() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let r = admin
        .post(app.url("/console/staff"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "Bad Name"),
            ("unit_code", "py-jyj"),
            ("role", "handler"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"e-username\"") && body.contains("id=\"e-password\""));
    assert!(
        !body.contains("value=\"short\""),
        "a password is never echoed back"
    );
    let r = admin
        .post(app.url("/console/staff"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "jyj-handler"),
            ("display_name", "张老师"),
            ("unit_code", "py-jyj"),
            ("role", "handler"),
            ("password", "教育局依申请办理员2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = app
        .store
        .staff_by_username("jyj-handler")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.unit_code.as_str(), s.role.as_str()),
        ("py-jyj", "handler")
    );

    // Calendar: a broken file is refused with its line and nothing changes; a good one imports.
    let upload = |csv: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes()).file_name("2041.csv"),
            )
    };
    let r = admin
        .post(app.url("/console/calendar"))
        .multipart(upload(
            "date,name,kind,notice\n2041-01-01,元旦,off,n41\n2041-01-02,元旦,maybe,n41\n",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("第 3 行"));
    // A notice cut short is refused on the page, naming the holidays it lacks.
    let r = admin
        .post(app.url("/console/calendar"))
        .multipart(upload("date,name,kind,notice\n2041-01-01,元旦,off,n41\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("2041 年缺少春节"));
    assert!(
        !app.store
            .calendar()
            .await
            .unwrap()
            .covered_years()
            .contains(&2041)
    );
    let r = admin
        .post(app.url("/console/calendar"))
        .multipart(upload(
            "date,name,kind,notice\n2041-01-01,元旦,off,n41\n2041-01-05,元旦,work,n41\n\
             2041-02-02,春节,off,n41\n2041-04-06,清明节,off,n41\n2041-05-04,劳动节,off,n41\n\
             2041-06-01,端午节,off,n41\n2041-09-07,中秋节,off,n41\n2041-10-05,国庆节,off,n41\n",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin
        .get(app.url("/console/calendar?year=2041"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("2041-01-05") && page.contains("调休上班"));
    let r: serde_json::Value = app
        .client()
        .get(app.url("/api/v1/workdays/add?date=2040-12-31&n=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"], "2041-01-02");

    // Editors cannot import.
    let (editor, ecsrf) = app.login("zjj-editor").await;
    let form = reqwest::multipart::Form::new().text("csrf", ecsrf).part(
        "file",
        reqwest::multipart::Part::bytes(b"date,name,kind,notice\n2028-01-01,x,off,n\n".to_vec())
            .file_name("x.csv"),
    );
    let r = editor
        .post(app.url("/console/calendar"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn malformed_requests_get_4xx_not_500() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let r = admin
        .post(app.url("/console/units"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert!(r.text().await.unwrap().contains("表单内容无法识别"));
    let r = admin
        .get(app.url("/console/calendar?year=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = admin
        .post(app.url("/console/staff/admin/active"))
        .form(&[("csrf", csrf.as_str()), ("active", "off")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "one cannot disable oneself"
    );
    let r = admin
        .post(app.url("/console/calendar"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("garbage")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
}

/// A headless Chromium driven through chromedriver, or `None` (with a SKIPPED line) without one.
pub struct Browser {
    pub client: fantoccini::Client,
    _driver: Kill,
    _profile: tempfile::TempDir,
}

/// Type `text` into the element `at` finds on the page the browser shows.
pub async fn fill(b: &fantoccini::Client, at: fantoccini::Locator<'_>, text: &str) {
    b.find(at).await.unwrap().send_keys(text).await.unwrap();
}

/// Click the element `at` finds on the page the browser shows.
pub async fn click(b: &fantoccini::Client, at: fantoccini::Locator<'_>) {
    b.find(at).await.unwrap().click().await.unwrap();
}

impl Browser {
    /// Log in as `username` on the login form `path` leads to, and wait until the console
    /// shows the logout form (it exists only once logged in).
    pub async fn log_in(&self, app: &App, path: &str, username: &str) {
        use fantoccini::Locator;
        let b = &self.client;
        b.goto(&app.url(path)).await.unwrap();
        fill(b, Locator::Id("username"), username).await;
        fill(b, Locator::Id("password"), app.password(username)).await;
        click(b, Locator::Id("login")).await;
        b.wait()
            .for_element(Locator::Css("form.logout"))
            .await
            .unwrap();
    }
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn browser(what: &str) -> Option<Browser> {
    let Some(driver) = which("chromedriver") else {
        testkit::say_skipped(
            what,
            "chromedriver is not on the PATH (apt install chromium chromium-driver)",
        );
        return None;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let guard = Kill(child_take(&mut child));
    let profile = tempfile::tempdir().unwrap();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": which("chromium").map(|p| p.display().to_string()).unwrap_or_else(|| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display())]
        }
    }))
    .unwrap();
    for _ in 0..50 {
        match fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(caps.clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    _driver: guard,
                    _profile: profile,
                });
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
    panic!("chromedriver did not start a session");
}

/// Log into the console in real Chromium (headless) through chromedriver.
#[tokio::test]
async fn browser_logs_into_the_console() {
    let Some(browser) = browser("browser test: console login").await else {
        return;
    };
    let app = spawn_app().await;
    let b = &browser.client;
    use fantoccini::Locator;
    browser.log_in(&app, "/console", "admin").await;
    let h1 = b.find(Locator::Css("main h1")).await.unwrap();
    assert_eq!(h1.text().await.unwrap(), "您好，区政务公开办管理员");
    assert!(
        b.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/console")
    );
    click(b, Locator::LinkText("单位")).await;
    let caption = b
        .wait()
        .for_element(Locator::Css("table caption"))
        .await
        .unwrap();
    assert!(caption.text().await.unwrap().contains("42 个单位"));
    browser.client.clone().close().await.unwrap();
}

fn child_take(c: &mut std::process::Child) -> std::process::Child {
    std::mem::replace(c, std::process::Command::new("true").spawn().unwrap())
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

#[tokio::test]
async fn the_annual_report_page_and_its_open_data() {
    let mut app = spawn_app().await;
    // The demo's records come with new accounts (and passwords).
    app.accounts = gongkai_demo::create(&app.store).await.unwrap();
    let c = app.client();
    let list = c
        .get(app.url("/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("href=\"/reports/2021\"") && list.contains("href=\"/reports/2020\""));
    let html = c
        .get(app.url("/reports/2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("广州市番禺区人民政府2021年政府信息公开工作年度报告"));
    assert!(html.contains("2021年，全区共收到政府信息公开申请455件，上年结转9件，按时办结451件，结转下年度继续办理13件。"));
    assert!(html.contains("共收取信息处理费20560元，均为区住房城乡建设局收取。"));
    // The merged layout: the results caption spans its rows; 不予公开 spans its eight.
    assert!(html.contains("rowspan=\"8\">（三）不予公开</th>"));
    let json: serde_json::Value = c
        .get(app.url("/api/v1/reports/2021?unit=py-zjj"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["scope"], "unit");
    assert_eq!(json["figures"]["fees_collected_yuan"], 20560);
    let unit_page = c
        .get(app.url("/reports/2021/units/py-zjj"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(unit_page.contains("区住房城乡建设局共收取信息处理费20560元"));
    for bad in [
        "/reports/1999",
        "/reports/abc",
        "/reports/2099",
        "/reports/2021/units/nowhere",
    ] {
        let r = c.get(app.url(bad)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    let r = c.get(app.url("/api/v1/reports/abc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Before publication the page says it is a preview; the DOCX is made from the records.
    assert!(html.contains("尚未正式发布"));
    assert!(html.contains("全年通过政府网站主动公开政府信息41600条"));
    let docx = c.get(app.url("/reports/2021/docx")).send().await.unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    assert_eq!(&docx.bytes().await.unwrap()[..2], b"PK");

    // The office edits the prose: a placeholder that does not exist and a figure typed by hand
    // are named, and publishing is refused.
    let (office, csrf) = app.login("admin").await;
    let page = office
        .get(app.url("/console/reports?year=2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("2022-03-31") && page.contains("2022-01-31"));
    // The dashboard reminds the office of last year's reports not yet published (Art. 49).
    let dash = office
        .get(app.url("/console"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dash.contains("年度报告（条例第四十九条）"), "{dash}");
    let builder = office
        .get(app.url("/console/reports/2021?unit="))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(builder.contains("{portal_items}"));
    let sections = ["s1_1", "s1_2", "s1_3", "s1_4", "s1_5", "s5", "s6"];
    let proposal: Vec<(String, String)> = sections
        .iter()
        .map(|k| {
            let start = builder.find(&format!("name=\"{k}\"")).unwrap();
            let open = start + builder[start..].find('>').unwrap() + 1;
            let close = open + builder[open..].find("</textarea>").unwrap();
            (
                k.to_string(),
                builder[open..close]
                    .replace("&#x22;", "\"")
                    .replace("&quot;", "\""),
            )
        })
        .collect();
    let post = |edits: Vec<(String, String)>, action: &'static str, note: &'static str| {
        let mut form: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("action".into(), action.into()),
            ("note".into(), note.into()),
        ];
        form.extend(edits);
        office
            .post(app.url("/console/reports/2021?unit="))
            .form(&form)
            .send()
    };
    let mut bad = proposal.clone();
    bad[1].1 = "全年收到申请455件，另有{no_such_figure}件。".into();
    let r = post(bad, "publish", "").await.unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains("未发布") && page.contains("{no_such_figure}"),
        "{page}"
    );
    assert!(page.contains("数字 455 是手工填写的"));
    assert!(
        c.get(app.url("/reports/2021"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("尚未正式发布")
    );

    // Published: the portal shows the frozen version.
    let r = post(proposal.clone(), "publish", "").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url("/reports/2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("第 1 版") && !html.contains("尚未正式发布"));
    assert!(!html.contains("id=\"report-changes\""));
    // Records changed later show as a warning; the report itself does not change.
    app.store
        .add_training(
            &gongkai_store::actor::Actor::system("test"),
            chrono::NaiveDate::from_ymd_opt(2021, 12, 1).unwrap(),
            "district",
            "补充培训",
            40,
        )
        .await
        .unwrap();
    let html = c
        .get(app.url("/reports/2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"report-changes\"") && html.contains("trainings"));
    assert!(html.contains("组织政务公开业务培训3场"));
    // A correction needs a note and makes version 2.
    let r = post(proposal.clone(), "publish", "").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(proposal, "publish", "补录12月培训").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url("/reports/2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("第 2 版") && html.contains("补录12月培训") && html.contains("培训4场"));
    let docx = c.get(app.url("/reports/2021/docx")).send().await.unwrap();
    assert_eq!(&docx.bytes().await.unwrap()[..2], b"PK");
}

#[tokio::test]
async fn every_portal_page_exists_in_traditional_characters() {
    let app = spawn_app().await;
    let c = app.client();
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("href=\"/hant/\" lang=\"zh-Hant\">繁體</a>"),
        "{home}"
    );
    let r = c.get(app.url("/hant/apply")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-language"], "zh-Hant");
    let page = r.text().await.unwrap();
    assert!(page.contains("<html lang=\"zh-Hant\">"));
    assert!(page.contains("政府信息公開申請") && !page.contains("政府信息公开申请"));
    // Links stay in the traditional view; the stylesheet does not move; the switch goes back.
    assert!(
        page.contains("href=\"/hant/apply/status\"") && page.contains("action=\"/hant/apply\"")
    );
    assert!(page.contains("href=\"/static/site.css\""));
    assert!(page.contains("href=\"/apply\" lang=\"zh-CN\">简体</a>"));
    // A unit guide, a 404 in traditional characters, and files that are the same in both.
    let r = c.get(app.url("/hant/units/py-zjj")).send().await.unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("廣州市番禺區住房和城鄉建設局")
    );
    let r = c.get(app.url("/hant/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("頁面不存在"));
    let r = c
        .get(app.url("/hant/static/site.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    // A form posted from the traditional page works, and answers in traditional characters.
    let r = c
        .post(app.url("/hant/apply/status"))
        .form(&[("code", "x"), ("password", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("請填寫查詢碼和查詢密碼"));
}

#[tokio::test]
async fn feeds_sitemap_canonical_links_footer_and_validators() {
    let app = spawn_app_with(WebConfig {
        public_url: "https://www.panyu.gov.cn".into(),
        site_code: "4401130001".into(),
        icp_record: "粤ICP备05080356号".into(),
        police_record: "粤公网安备 44011302000001号".into(),
        ..Default::default()
    })
    .await;
    let unit = app.store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let cols = app
        .store
        .apply_column_template(
            &gongkai_store::actor::Actor::system("test"),
            unit.id,
            None,
            "portal",
        )
        .await
        .unwrap();
    let line = serde_json::json!({
        "index_no": "PY-ZJJ/2021-09001", "unit_code": "py-zjj", "title": "关于<加装电梯>的通知",
        "formed_on": "2021-03-01", "published_on": "2021-03-02", "columns": ["工作动态"],
    });
    let item = serde_json::from_value(line).unwrap();
    app.store
        .import_publications(
            &gongkai_store::actor::Actor::system("test"),
            vec![(1, item)],
            chrono::NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
        )
        .await
        .unwrap();
    let c = app.client();
    let r = c
        .get(app.url(&format!("/columns/{}/rss", cols[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    let rss = r.text().await.unwrap();
    assert!(
        rss.contains("<title>关于&lt;加装电梯&gt;的通知</title>"),
        "{rss}"
    );
    assert!(rss.contains("<link>https://www.panyu.gov.cn/publications/"));
    let map = c
        .get(app.url("/sitemap.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(map.contains("<loc>https://www.panyu.gov.cn/units/py-zjj/catalog</loc>"));
    assert!(map.contains("<lastmod>2021-03-02</lastmod>"));
    // Every page names its canonical address and the other script's; the footer is configured.
    let r = c.get(app.url("/apply")).send().await.unwrap();
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let page = r.text().await.unwrap();
    assert!(page.contains("<link rel=\"canonical\" href=\"https://www.panyu.gov.cn/apply\">"));
    assert!(page.contains("hreflang=\"zh-Hant\" href=\"https://www.panyu.gov.cn/hant/apply\""));
    assert!(page.contains("网站标识码：4401130001") && page.contains("粤ICP备05080356号"));
    assert!(!tag.is_empty());
    // The home page shows the government's columns with their newest items, and its topics.
    let root = app.store.unit_by_code("py").await.unwrap().unwrap();
    for t in ["portal", "epidemic"] {
        app.store
            .apply_column_template(
                &gongkai_store::actor::Actor::system("test"),
                root.id,
                None,
                t,
            )
            .await
            .unwrap();
    }
    let line = serde_json::json!({
        "index_no": "PY/2021-00001", "unit_code": "py", "title": "区政府常务会议召开",
        "formed_on": "2021-03-01", "published_on": "2021-03-03", "columns": ["工作动态"],
    });
    app.store
        .import_publications(
            &gongkai_store::actor::Actor::system("test"),
            vec![(1, serde_json::from_value(line).unwrap())],
            chrono::NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
        )
        .await
        .unwrap();
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("公开栏目") && home.contains("区政府常务会议召开"));
    assert!(home.contains("疫情防控专栏</a>（0条）"), "{home}");
    // A page that has not changed answers 304 to its validator.
    let r = c.get(app.url("/reports")).send().await.unwrap();
    let tag = r.headers()["etag"].clone();
    let r = c
        .get(app.url("/reports"))
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
}
