//! The search index against a real store (SQLite, or PostgreSQL with
//! GONGKAI_TEST_DATABASE_URL), read through `StoreSource` as the server reads it: what a person
//! typing into the portal's search box would notice.

use chrono::NaiveDate;
use gongkai_demo::testkit::{self, TestDb};
use gongkai_search::{Opened, Search, SearchQuery};
use gongkai_store::Store;
use gongkai_store::actor::Actor;
use gongkai_store::publishing::ImportItem;
use gongkai_web::site_search::StoreSource;

async fn district() -> (TestDb, Store) {
    let db = testkit::fresh().await.expect("a fresh test database");
    let store = Store::open_and_migrate(&db.location)
        .await
        .expect("migrate");
    gongkai_demo::create_organisation(&store).await.unwrap();
    let unit = store.unit_by_code("py-zjj").await.unwrap().unwrap();
    store
        .apply_column_template(&Actor::system("test"), unit.id, None, "art20")
        .await
        .unwrap();
    (db, store)
}

fn item(index_no: &str, title: &str, body: &str, published: &str, doc_number: &str) -> ImportItem {
    serde_json::from_value(serde_json::json!({
        "index_no": index_no, "unit_code": "py-zjj", "title": title, "body": body,
        "formed_on": published, "published_on": published, "doc_number": doc_number,
        "genre": "notice", "columns": ["法规文件"],
    }))
    .unwrap()
}

async fn import(store: &Store, items: Vec<ImportItem>) {
    let lines = items.into_iter().enumerate().collect();
    let s = store
        .import_publications(
            &Actor::system("test"),
            lines,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        page: 1,
        per_page: 10,
        ..Default::default()
    }
}

/// The year facet as (year, count), in the order shown.
fn year_counts(r: &gongkai_search::Results) -> Vec<(String, u64)> {
    r.facets
        .year
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect()
}

fn titles(s: &Search, q: &SearchQuery) -> Vec<String> {
    s.search(q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect()
}

async fn sample(store: &Store) {
    import(
        store,
        vec![
            item(
                "A/1",
                "关于办理期限的通知",
                "<p>申请人补正后，本机关在五个工作日内办结。</p>",
                "2021-03-01",
                "",
            ),
            item(
                "A/2",
                "工作日安排",
                "<p>按照国务院办公厅通知，工作日调整如下。</p>",
                "2020-05-01",
                "番府〔2021〕12号",
            ),
            item(
                "A/3",
                "关于加强食品安全监管的意见",
                "<p>食品安全是民生大事。</p>",
                "2021-06-01",
                "番府办〔2021〕3号",
            ),
            item(
                "A/4",
                "住房保障资格审核公示",
                "<p>现将名单公示如下。</p>",
                "2021-07-01",
                "",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn finds_every_item_that_contains_the_words_however_jieba_cuts_them() {
    let (_db, store) = district().await;
    sample(&store).await;
    let s = Search::in_memory().unwrap();
    let read = s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    assert_eq!(read, 4);
    let found = titles(&s, &query("工作日"));
    assert_eq!(found.len(), 2, "{found:?}");
    // The item whose title is the word ranks first.
    assert_eq!(found[0], "工作日安排");
    // A one-character query and a query in traditional characters.
    assert_eq!(titles(&s, &query("办")).len(), 2);
    assert_eq!(
        titles(&s, &query("食品安全")),
        ["关于加强食品安全监管的意见"]
    );
    assert_eq!(
        titles(&s, &query("食品安全")),
        titles(&s, &query("食品安全"))
    );
    assert_eq!(titles(&s, &query("住房保障資格")), ["住房保障资格审核公示"]);
    // Two terms: both must occur.
    assert_eq!(titles(&s, &query("工作日 办结")), ["关于办理期限的通知"]);
    assert!(titles(&s, &query("不存在的内容")).is_empty());
}

#[tokio::test]
async fn a_document_number_or_index_number_finds_its_item_first() {
    let (_db, store) = district().await;
    sample(&store).await;
    let s = Search::in_memory().unwrap();
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    let r = s.search(&query("番府〔2021〕12号")).unwrap();
    assert_eq!(r.hits[0].title, "工作日安排");
    assert!(r.hits[0].exact);
    // Typed with other brackets.
    let r = s.search(&query("番府[2021]12号")).unwrap();
    assert_eq!(r.hits[0].title, "工作日安排");
    let r = s.search(&query("A/4")).unwrap();
    assert_eq!(r.hits[0].title, "住房保障资格审核公示");
}

#[tokio::test]
async fn facets_count_and_filter() {
    let (_db, store) = district().await;
    sample(&store).await;
    let s = Search::in_memory().unwrap();
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    let r = s.search(&query("工作日")).unwrap();
    assert_eq!(r.total, 2);
    let years = year_counts(&r);
    assert_eq!(years, [("2021".into(), 1), ("2020".into(), 1)]);
    assert_eq!(r.facets.unit[0].value, "py-zjj");
    assert_eq!(r.facets.column[0].value, "法规文件");
    assert_eq!(r.facets.genre[0].count, 2);
    let mut in_2020 = query("工作日");
    in_2020.year = Some(2020);
    assert_eq!(titles(&s, &in_2020), ["工作日安排"]);
    // Filters alone list what they select, newest first.
    let mut all_2021 = query("");
    all_2021.year = Some(2021);
    all_2021.by_date = true;
    assert_eq!(
        titles(&s, &all_2021),
        [
            "住房保障资格审核公示",
            "关于加强食品安全监管的意见",
            "关于办理期限的通知"
        ]
    );
    // Snippets mark the words found.
    let r = s.search(&query("五个工作日")).unwrap();
    assert!(
        r.hits[0].snippet.contains("<mark>五个工作日</mark>"),
        "{}",
        r.hits[0].snippet
    );
}

#[tokio::test]
async fn withdrawn_items_leave_the_index_and_new_ones_join_it() {
    let (_db, store) = district().await;
    sample(&store).await;
    let s = Search::in_memory().unwrap();
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    let first_mark = s.watermark().unwrap();
    let editor = store
        .staff_by_username("zjj-editor")
        .await
        .unwrap()
        .unwrap();
    let id = store.publication_by_index("A/3").await.unwrap().unwrap().id;
    store
        .withdraw_publication(&editor, id, "内容有误")
        .await
        .unwrap();
    import(
        &store,
        vec![item("A/5", "食品安全抽检结果", "", "2021-08-01", "")],
    )
    .await;
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    assert_eq!(titles(&s, &query("食品安全")), ["食品安全抽检结果"]);
    assert!(s.watermark().unwrap() > first_mark);
    assert_eq!(s.len(), 4);
    // Nothing changed: a sync reads nothing.
    assert_eq!(
        s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap(),
        0
    );
    assert_eq!(s.len(), 4);
}

#[tokio::test]
async fn an_unreadable_index_is_set_aside_and_rebuilt() {
    let (_db, store) = district().await;
    sample(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let (s, opened) = Search::open(&path).unwrap();
        assert_eq!(opened, Opened::Created);
        s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
        assert_eq!(s.len(), 4);
        // A second process cannot write beside it.
        assert!(matches!(
            Search::open(&path),
            Err(gongkai_search::SearchError::Locked(_))
        ));
    }
    let (s, opened) = Search::open(&path).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(s.len(), 4);
    drop(s);
    std::fs::write(path.join("meta.json"), b"{not json").unwrap();
    let (s, opened) = Search::open(&path).unwrap();
    assert!(matches!(opened, Opened::Replaced(_)), "{opened:?}");
    assert!(s.is_empty());
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    assert_eq!(s.len(), 4);
}

#[tokio::test]
async fn odd_queries_are_searched_as_text() {
    let (_db, store) = district().await;
    sample(&store).await;
    let s = Search::in_memory().unwrap();
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    for q in [
        "<script>alert(1)</script>",
        "\"(*:[]^~",
        "AND OR NOT",
        "\\",
        "+-&&||!",
        ".*",
        "　",
    ] {
        let r = s.search(&query(q)).unwrap();
        assert!(r.hits.iter().all(|h| !h.snippet.contains("<script")), "{q}");
    }
    let long = "公".repeat(10_000);
    let r = s.search(&query(&long)).unwrap();
    assert!(r.truncated);
    assert_eq!(r.total, 0);
    let mut deep = query("工作日");
    deep.page = 1_000_000;
    deep.per_page = 1_000_000;
    assert!(s.search(&deep).unwrap().hits.is_empty());
}

/// Items indexed in two syncs sit in two segments until compaction: a search then runs on
/// each segment in parallel and the counts of both add up.
#[tokio::test]
async fn an_index_in_several_segments_counts_every_match_once() {
    let (_db, store) = district().await;
    let s = Search::in_memory().unwrap();
    import(
        &store,
        (0..3)
            .map(|i| {
                item(
                    &format!("SEG/A{i}"),
                    "工作日安排",
                    "五个工作日内",
                    "2020-03-01",
                    "",
                )
            })
            .collect(),
    )
    .await;
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    import(
        &store,
        (0..2)
            .map(|i| {
                item(
                    &format!("SEG/B{i}"),
                    "工作日通知",
                    "工作日",
                    "2021-03-01",
                    "",
                )
            })
            .collect(),
    )
    .await;
    s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap();
    let r = s.search(&query("工作日")).unwrap();
    assert_eq!(r.total, 5);
    let years = year_counts(&r);
    assert_eq!(years, [("2021".into(), 2), ("2020".into(), 3)]);
    assert_eq!(r.facets.unit[0].count, 5);
    assert_eq!(r.hits.len(), 5);
}

#[tokio::test]
async fn an_import_is_indexed_while_it_is_being_stored() {
    let (_db, store) = district().await;
    let s = std::sync::Arc::new(Search::in_memory().unwrap());
    // Five batches with pauses between them: the index reaches the newest item several times
    // before the import is over, and must wait for the rest instead of stopping there.
    let (_, read) = s
        .follow_while(&StoreSource(store.clone()), async {
            for b in 0..5 {
                let batch = (0..10)
                    .map(|i| {
                        item(
                            &format!("IMP/{b}/{i}"),
                            &format!("第{b}批政务公开事项"),
                            "<p>依申请公开办理结果。</p>",
                            "2021-04-01",
                            "",
                        )
                    })
                    .collect();
                import(&store, batch).await;
                tokio::time::sleep(std::time::Duration::from_millis(60)).await;
            }
        })
        .await;
    assert_eq!(read.unwrap(), 50);
    assert_eq!(s.len(), 50);
    assert_eq!(s.search(&query("第4批")).unwrap().total, 10);
    // What a later sync finds: nothing left behind.
    assert_eq!(
        s.sync(&StoreSource(store.clone()), &|_| {}).await.unwrap(),
        0
    );
}
