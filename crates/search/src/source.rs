//! Where the index's items come from: a trait its caller implements over its records (the web
//! server and the CLI over the store), so that search knows no database and its tests can feed
//! it items from memory.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::future::Future;

/// A stored item as the index reads it, published or not (one that is not is taken out).
#[derive(Debug, Clone)]
pub struct SourceItem {
    pub id: i64,
    pub unit_id: i64,
    /// `published` for an item the public sees; anything else is taken out of the index.
    pub status: String,
    pub title: String,
    pub summary: String,
    /// HTML.
    pub body: String,
    pub index_no: String,
    pub doc_number: String,
    pub genre: String,
    pub published_on: Option<NaiveDate>,
    /// When the item last changed: the index follows the source in (changed, id) order.
    pub updated_at: DateTime<Utc>,
}

/// Why the source could not be read (the index keeps what it has, and says so).
#[derive(Debug, Clone)]
pub struct SourceError(pub String);

/// The records the index follows.
pub trait Source: Clone + Send + Sync + 'static {
    /// Items changed after `after` (a (changed, id) position; `None`: from the start), in that
    /// order, at most `limit`.
    fn changed_after(
        &self,
        after: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<SourceItem>, SourceError>> + Send;

    /// How many items changed from `from` to `to`, both included (a writer that committed late
    /// with an earlier time shows as a different count).
    fn changed_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64, SourceError>> + Send;

    /// The names of the catalog columns each of these items is in.
    fn column_names(
        &self,
        ids: &[i64],
    ) -> impl Future<Output = Result<HashMap<i64, Vec<String>>, SourceError>> + Send;

    /// Each unit's code by its id.
    fn unit_codes(&self) -> impl Future<Output = Result<HashMap<i64, String>, SourceError>> + Send;
}

/// Items held in memory, for tests and tools: changes are made by replacing an item (its
/// `updated_at` moves on).
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    inner: std::sync::Arc<std::sync::Mutex<Memory>>,
}

#[derive(Debug, Default)]
struct Memory {
    items: HashMap<i64, SourceItem>,
    columns: HashMap<i64, Vec<String>>,
    units: HashMap<i64, String>,
}

impl MemorySource {
    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add a unit's code.
    pub fn unit(&self, id: i64, code: &str) {
        self.lock().units.insert(id, code.to_string());
    }

    /// Put (add or replace) an item, in these columns.
    pub fn put(&self, item: SourceItem, columns: &[&str]) {
        let mut m = self.lock();
        m.columns
            .insert(item.id, columns.iter().map(|c| c.to_string()).collect());
        m.items.insert(item.id, item);
    }
}

impl Source for MemorySource {
    async fn changed_after(
        &self,
        after: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<SourceItem>, SourceError> {
        let m = self.lock();
        let mut v: Vec<SourceItem> = m
            .items
            .values()
            .filter(|i| after.is_none_or(|a| (i.updated_at, i.id) > a))
            .cloned()
            .collect();
        v.sort_by_key(|i| (i.updated_at, i.id));
        v.truncate(limit.max(0) as usize);
        Ok(v)
    }

    async fn changed_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, SourceError> {
        let m = self.lock();
        Ok(m.items
            .values()
            .filter(|i| i.updated_at >= from && i.updated_at <= to)
            .count() as i64)
    }

    async fn column_names(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, SourceError> {
        let m = self.lock();
        Ok(ids
            .iter()
            .filter_map(|id| Some((*id, m.columns.get(id)?.clone())))
            .collect())
    }

    async fn unit_codes(&self) -> Result<HashMap<i64, String>, SourceError> {
        Ok(self.lock().units.clone())
    }
}
