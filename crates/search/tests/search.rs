//! Search over items held in memory, read through the `Source` trait as the server reads the
//! store: ranking, facets and withdrawal need no database. (The same against a real store, on
//! both engines, is in gongkai-web's tests, beside the store's adapter.)

use chrono::NaiveDate;
use gongkai_search::{MemorySource, Search, SearchQuery, SourceItem};

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        page: 1,
        per_page: 10,
        ..Default::default()
    }
}

fn titles(s: &Search, q: &SearchQuery) -> Vec<String> {
    s.search(q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect()
}

/// Ranking needs no database: items from memory are found and ordered as the store's are, and
/// an item taken off the portal leaves the index at the next sync.
#[tokio::test]
async fn items_from_memory_are_ranked_and_withdrawn_without_a_database() {
    let source = MemorySource::default();
    source.unit(1, "py-zjj");
    let at = |h: u32| {
        chrono::NaiveDate::from_ymd_opt(2021, 3, 1)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
    };
    let item = |id: i64, title: &str, body: &str, h: u32| SourceItem {
        id,
        unit_id: 1,
        status: "published".into(),
        title: title.into(),
        summary: String::new(),
        body: body.into(),
        index_no: format!("M/{id}"),
        doc_number: String::new(),
        genre: "notice".into(),
        published_on: NaiveDate::from_ymd_opt(2021, 3, 1),
        updated_at: at(h),
    };
    source.put(
        item(1, "工作日安排", "<p>节假日调整。</p>", 1),
        &["法规文件"],
    );
    source.put(
        item(2, "关于办理期限的通知", "<p>五个工作日内办结。</p>", 2),
        &["法规文件"],
    );
    source.put(item(3, "食品安全", "<p>监管。</p>", 3), &[]);
    let s = Search::in_memory().unwrap();
    assert_eq!(s.sync(&source, &|_| {}).await.unwrap(), 3);
    assert_eq!(
        titles(&s, &query("工作日")),
        ["工作日安排", "关于办理期限的通知"]
    );
    let r = s.search(&query("工作日")).unwrap();
    assert_eq!(r.facets.unit[0].value, "py-zjj");
    // Withdrawn: out of the index at the next sync.
    let mut gone = item(1, "工作日安排", "<p>节假日调整。</p>", 4);
    gone.status = "withdrawn".into();
    source.put(gone, &[]);
    assert_eq!(s.sync(&source, &|_| {}).await.unwrap(), 1);
    assert_eq!(titles(&s, &query("工作日")), ["关于办理期限的通知"]);
}
