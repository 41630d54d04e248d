//! The portal's search as the public uses it: the page, the 繁體 view, the JSON API, and
//! whatever odd input arrives.

use crate::spawn_app;
use chrono::NaiveDate;
use gongkai_store::publishing::ImportItem;
use reqwest::StatusCode;

async fn with_items(app: &crate::App) {
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
    let items: Vec<(usize, ImportItem)> = (0..25)
        .map(|i| {
            let it = serde_json::from_value(serde_json::json!({
                "index_no": format!("PY-ZJJ/2021-{i:05}"), "unit_code": "py-zjj",
                "title": format!("第{i}批住房保障资格审核公示"),
                "body": format!("<p>经审核，以下家庭符合公共租赁住房保障条件，公示期为五个工作日。编号{i}</p>"),
                "formed_on": "2021-03-01", "published_on": format!("2021-03-{:02}", i % 28 + 1),
                "genre": "announcement", "columns": ["法规文件"],
            }))
            .unwrap();
            (i, it)
        })
        .collect();
    let s = app
        .store
        .import_publications(
            &gongkai_store::actor::Actor::system("test"),
            items,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(s.inserted, 25);
}

async fn get(app: &crate::App, path: &str, q: &[(&str, &str)]) -> (StatusCode, String) {
    crate::read(app.client().get(app.url(path)).query(q)).await
}

#[tokio::test]
async fn the_public_searches_pages_and_filters() {
    let app = spawn_app().await;
    with_items(&app).await;
    // The box is on every page.
    let (_, home) = get(&app, "/", &[]).await;
    assert!(home.contains("action=\"/search\""));

    let (status, page) = get(&app, "/search", &[("q", "工作日")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("共找到 25 条信息"), "{page}");
    assert!(page.contains("<mark>工作日</mark>"));
    assert!(page.contains("第 1 / 3 页") && page.contains("rel=\"next\""));
    // Facets name the unit and link to a filtered search.
    assert!(page.contains("广州市番禺区住房和城乡建设局"));
    assert!(page.contains("/search?q=%E5%B7%A5%E4%BD%9C%E6%97%A5&#38;year=2021"));
    let (_, page3) = get(&app, "/search", &[("q", "工作日"), ("page", "3")]).await;
    assert_eq!(page3.matches("<li>\n      <h3>").count(), 5, "{page3}");

    // In traditional characters: the same items, the page in 繁體.
    let (status, hant) = get(&app, "/hant/search", &[("q", "住房保障資格")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(hant.contains("共找到 25 條信息"), "{hant}");

    // Newest first on request.
    let (_, by_date) = get(&app, "/search", &[("q", "公示"), ("sort", "date")]).await;
    let first = by_date.find("<h3><a href=\"/publications/").unwrap();
    let title_at = first + by_date[first..].find("\">").unwrap() + 2;
    assert!(by_date[title_at..].starts_with("第24批"), "newest first");
}

#[tokio::test]
async fn odd_input_gets_a_normal_page_never_markup_or_a_500() {
    let app = spawn_app().await;
    with_items(&app).await;
    let long = "a".repeat(10_000);
    for (q, extra) in [
        ("<script>alert(1)</script>", ""),
        ("\"(*:[]^~ AND OR", ""),
        ("", ""),
        (long.as_str(), "检索词过长"),
        ("工作日", ""),
    ] {
        let (status, page) = get(&app, "/search", &[("q", q), ("page", "x"), ("year", "")]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            q.chars().take(20).collect::<String>()
        );
        assert!(!page.contains("<script>alert"));
        assert!(page.contains(extra));
    }
    let (status, page) = get(&app, "/search", &[("q", "工作日"), ("year", "去年")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("年份“去年”无法识别"));
    // A malformed query string is read as far as it goes.
    let r = app
        .client()
        .get(app.url("/search?q=%FF%FE&year"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // The API: JSON, a 400 naming the parameter.
    let (status, body) = get(&app, "/api/v1/search", &[("q", "工作日"), ("year", "abc")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("年份"));
    let (status, body) = get(
        &app,
        "/api/v1/search",
        &[
            ("q", "工作日"),
            ("per_page", "5"),
            ("page", "2"),
            ("unit", "py-zjj"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 25);
    assert_eq!(v["hits"].as_array().unwrap().len(), 5);
    assert_eq!(v["hits"][0]["unit"], "广州市番禺区住房和城乡建设局");
    assert_eq!(v["facets"]["year"][0]["value"], "2021");
    assert_eq!(v["facets"]["type"][0]["count"], 25);
    assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<mark>"));
}

#[tokio::test]
async fn public_pages_are_kept_briefly_and_forgotten_on_any_change() {
    let app = crate::spawn_app_with(gongkai_web::WebConfig {
        page_cache_seconds: 60,
        ..Default::default()
    })
    .await;
    with_items(&app).await;
    let unit = app.store.unit_by_code("py-zjj").await.unwrap().unwrap();
    let column = app.store.column_tree(unit.id, false).await.unwrap()[0]
        .column
        .id;
    let listing = format!("/columns/{column}");
    let (_, first) = get(&app, &listing, &[]).await;
    assert!(first.contains("共 25 条"));
    // A browser that has it is told so by the cache, in both scripts.
    for path in [listing.clone(), format!("/hant{listing}")] {
        let r = app.client().get(app.url(&path)).send().await.unwrap();
        let tag = r.headers()["etag"].clone();
        let again = app
            .client()
            .get(app.url(&path))
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // A change behind the server's back (another process) shows once the page expires …
    let editor = app
        .store
        .staff_by_username("zjj-editor")
        .await
        .unwrap()
        .unwrap();
    let id = app
        .store
        .publication_by_index("PY-ZJJ/2021-00003")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.store
        .withdraw_publication(&editor, id, "内容有误")
        .await
        .unwrap();
    let (_, cached) = get(&app, &listing, &[]).await;
    assert!(cached.contains("共 25 条"), "kept for its 60 s");
    // … but any change made through this server (here a refused one) empties it at once.
    let (c, csrf) = app.login("zjj-editor").await;
    c.post(app.url(&format!("/console/publications/{id}/withdraw")))
        .form(&[("csrf", csrf.as_str()), ("reason", "再次撤回")])
        .send()
        .await
        .unwrap();
    let (_, fresh) = get(&app, &listing, &[]).await;
    assert!(fresh.contains("共 24 条"));
}
