//! The site's search index as the server keeps it: one writer, brought up to date from the
//! store after each publish or withdrawal, at start, and every minute (for items imported by
//! the command line or written by another server on the same PostgreSQL database). And the
//! store as the index's source of items.

use gongkai_search::{Search, Source, SourceError, SourceItem};
use gongkai_store::Store;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How often the index looks for changes it was not told about.
const EVERY: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct SiteSearch {
    inner: Arc<Inner>,
}

struct Inner {
    index: Search,
    /// One sync at a time.
    syncing: tokio::sync::Mutex<()>,
}

impl SiteSearch {
    pub fn new(index: Search) -> SiteSearch {
        SiteSearch {
            inner: Arc::new(Inner {
                index,
                syncing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// An index in memory, filled from the store on first use (tests, and a server started
    /// without a directory for it).
    pub fn in_memory() -> SiteSearch {
        let index = Search::in_memory().expect("an in-memory index has no failure mode");
        SiteSearch::new(index)
    }

    pub fn index(&self) -> &Search {
        &self.inner.index
    }

    /// Bring the index up to date. Failures are logged, never shown to a user: the search
    /// page goes on answering from what the index has.
    pub async fn refresh(&self, store: &Store) {
        let _one = self.inner.syncing.lock().await;
        // Folding, segmenting and committing are CPU work: on a blocking thread, so the pages
        // keep being served while a large import is indexed.
        let inner = self.inner.clone();
        let store = store.clone();
        let handle = tokio::runtime::Handle::current();
        let done = tokio::task::spawn_blocking(move || {
            // An empty index is filled without merging its segments as they come: merged once
            // at the end, as `gongkai reindex` does.
            let empty = inner.index.is_empty();
            let source = StoreSource(store);
            let read = handle.block_on(async { inner.index.sync(&source, &|_| {}).await })?;
            if empty && read > 0 {
                inner.index.compact()?;
            }
            Ok::<u64, gongkai_search::SearchError>(read)
        })
        .await;
        let done = match done {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "search index update stopped");
                return;
            }
        };
        match done {
            Ok(0) => {}
            Ok(n) => tracing::info!(items = n, "search index updated"),
            Err(e) => tracing::error!(error = %e, "search index update failed"),
        }
    }

    /// Before the first search of an index never filled.
    pub async fn ready(&self, store: &Store) {
        if self.inner.index.watermark().is_none() {
            self.refresh(store).await;
        }
    }

    /// Keep the index following the store (runs for the life of the server).
    pub async fn follow(self, store: Store) {
        let mut every = tokio::time::interval(EVERY);
        loop {
            every.tick().await;
            self.refresh(&store).await;
        }
    }
}

/// The store as the search index reads it (the server's index, `gongkai reindex`, imports).
#[derive(Clone)]
pub struct StoreSource(pub Store);

fn source_error(e: gongkai_store::StoreError) -> SourceError {
    SourceError(e.to_string())
}

impl Source for StoreSource {
    async fn changed_after(
        &self,
        after: Option<(chrono::DateTime<chrono::Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<SourceItem>, SourceError> {
        let rows = self
            .0
            .publications_for_index(after, limit)
            .await
            .map_err(source_error)?;
        Ok(rows
            .into_iter()
            .map(|r| SourceItem {
                id: r.id,
                unit_id: r.unit_id,
                status: r.status,
                title: r.title,
                summary: r.summary,
                body: r.body,
                index_no: r.index_no,
                doc_number: r.doc_number,
                genre: r.genre,
                published_on: r.published_on,
                updated_at: r.updated_at,
            })
            .collect())
    }

    async fn changed_between(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, SourceError> {
        self.0
            .publications_changed_between(from, to)
            .await
            .map_err(source_error)
    }

    async fn column_names(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, SourceError> {
        self.0.column_names_of(ids).await.map_err(source_error)
    }

    async fn unit_codes(&self) -> Result<HashMap<i64, String>, SourceError> {
        let units = self.0.units().await.map_err(source_error)?;
        Ok(units.into_iter().map(|u| (u.id, u.code)).collect())
    }
}
