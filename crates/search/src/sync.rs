//! Keeping the index up to date with its source (the store, for the server): the watermark kept in the commit payload,
//! `sync` from it, `follow` (publishes as they commit, for bulk imports), and `rebuild`.

use super::*;

impl Search {
    /// Bring the index up to date with the store: items changed since the watermark are
    /// indexed (published) or taken out (anything else). `progress` is told how many items
    /// were read so far. Returns the number of items read.
    ///
    /// Items changed shortly before the watermark are read again when their number has
    /// changed since the last sync (a writer that committed late with an earlier time).
    pub async fn sync(&self, store: &impl Source, progress: &(dyn Fn(u64) + Sync)) -> Result<u64> {
        self.follow(store, progress, &|| false).await
    }

    /// [`Search::sync`] beside a writer (an import): as long as `writing` says more items are
    /// coming, reaching the newest item waits for more instead of ending. The items are
    /// indexed as they are stored, one commit at the end.
    pub async fn follow(
        &self,
        store: &impl Source,
        progress: &(dyn Fn(u64) + Sync),
        writing: &(dyn Fn() -> bool + Sync),
    ) -> Result<u64> {
        let overlap = chrono::Duration::seconds(SYNC_OVERLAP_SECONDS);
        let mark = self.mark();
        let mut cursor = match mark {
            Some(m) => {
                let behind = store.changed_between(m.at - overlap, m.at).await?;
                Some(if behind == m.window {
                    (m.at, m.id)
                } else {
                    (m.at - overlap, 0)
                })
            }
            None => None,
        };
        let units: HashMap<i64, String> = store.unit_codes().await?;
        let mut newest = mark.map(|m| (m.at, m.id));
        let mut read = 0u64;
        // Filling an empty index: no item is there to replace, except one changed again while
        // this sync runs (seen twice).
        let filling = mark.is_none() && self.reader.searcher().num_docs() == 0;
        let mut seen: HashSet<i64> = HashSet::new();
        // While an empty index fills, its segments are not merged as they come (each would be
        // merged again and again as the index grows): [`Search::compact`] merges them once.
        self.writer().set_merge_policy(if filling {
            Box::new(tantivy::indexer::NoMergePolicy)
        } else {
            Box::<tantivy::indexer::LogMergePolicy>::default()
        });
        // Whether the writer was still at work before the last read: an empty read ends the
        // sync only when it was not (its last items are then in that read).
        let mut more = writing();
        let mut rows = store.changed_after(cursor, SYNC_BATCH).await?;
        loop {
            let Some(last) = rows.last() else {
                if !more {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                more = writing();
                rows = store.changed_after(cursor, SYNC_BATCH).await?;
                continue;
            };
            cursor = Some((last.updated_at, last.id));
            newest = newest.max(Some((last.updated_at, last.id)));
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let mut columns = store.column_names(&ids).await?;
            // Read the next batch while this one is prepared and handed to the index.
            more = writing();
            let next = tokio::spawn({
                let store = store.clone();
                async move { store.changed_after(cursor, SYNC_BATCH).await }
            });
            let mut this = || {
                let mut docs = Vec::new();
                let mut again = Vec::new();
                let mut gone = Vec::new();
                for r in std::mem::take(&mut rows) {
                    let first_time = !filling || seen.insert(r.id);
                    match doc_of(r, &units, &mut columns) {
                        Ok(d) if first_time => docs.push(d),
                        Ok(d) => again.push(d),
                        Err(id) => gone.push(id),
                    }
                }
                read += (docs.len() + again.len() + gone.len()) as u64;
                self.remove(&gone);
                self.add(&docs, !filling)?;
                self.add(&again, true)?;
                progress(read);
                Ok::<(), SearchError>(())
            };
            let done = this();
            let next = next
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            done?;
            rows = next?;
        }
        if read > 0 || mark.is_none() {
            let next = match newest {
                Some((at, id)) => Some(Mark {
                    at,
                    id,
                    window: store.changed_between(at - overlap, at).await?,
                }),
                None => None,
            };
            self.commit_mark(next)?;
        }
        Ok(read)
    }

    /// Run `write` (an import into the store) while the index follows it on a thread of its
    /// own, so that storing and indexing overlap (one commit at the end; after a bulk load into
    /// an empty index, [`Search::compact`] it). Returns what `write` returned and what the
    /// index made of it: the number of items read, or why it stopped (the store has the items
    /// either way, and the next sync takes them up).
    pub async fn follow_while<T>(
        self: &std::sync::Arc<Self>,
        store: &impl Source,
        write: impl std::future::Future<Output = T>,
    ) -> (T, Result<u64>) {
        use std::sync::atomic::{AtomicBool, Ordering};
        let writing = std::sync::Arc::new(AtomicBool::new(true));
        let handle = tokio::runtime::Handle::current();
        let follower = tokio::task::spawn_blocking({
            let index = self.clone();
            let store = store.clone();
            let writing = writing.clone();
            move || {
                handle.block_on(index.follow(&store, &|_| {}, &|| writing.load(Ordering::SeqCst)))
            }
        });
        let written = write.await;
        writing.store(false, Ordering::SeqCst);
        let followed = match follower.await {
            Ok(r) => r,
            Err(e) => Err(SearchError::Io(std::io::Error::other(e.to_string()))),
        };
        (written, followed)
    }

    /// Empty the index and fill it again from its source, then compact it.
    pub async fn rebuild(
        &self,
        store: &impl Source,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64> {
        self.clear()?;
        let n = self.sync(store, progress).await?;
        self.compact()?;
        Ok(n)
    }
}
