//! Full-text search over published items.
//!
//! Each item is indexed twice: as jieba words (for ranking: an item where the query is a word
//! ranks first) and as character bigrams (for recall: every item that contains the query
//! string is found, however jieba cuts it). Text is folded to simplified characters before
//! both, at index and at query time. Document numbers (文号) and index numbers (索引号) are
//! looked up exactly and come first.
//!
//! The index is derived data. It remembers, in its commit payload, the newest change it has
//! seen; [`Search::sync`] brings it up to date from its [`Source`] (the store, for the server), and a missing or unreadable
//! index is rebuilt from the store instead of stopping anything.
//!
//! Here: the schema, opening and writing the index. Beside it: `query` (answering a query),
//! `facets` (counting matches by facet), `sync` (following the store), `text` (folding and
//! cutting text).

pub mod text;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RegexQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

mod facets;
mod query;
mod source;
mod sync;
use facets::*;
pub use source::{MemorySource, Source, SourceError, SourceItem};
pub use text::fold;

/// Longest query, in characters, that is searched; the rest is cut off and the page says so.
pub const MAX_QUERY_CHARS: usize = 100;
/// At most this many space-separated terms are used.
pub const MAX_TERMS: usize = 8;
/// Results per page, at most.
pub const MAX_PER_PAGE: usize = 50;
/// Pages beyond this are not served (deep paging costs and nobody reads them).
pub const MAX_PAGE: usize = 100;

/// What the index writer may hold in memory before it writes a segment, shared by its threads
/// (taken as it fills, not at start): large enough that a bulk load of the law corpus makes a
/// few segments rather than dozens, each of which would be written and then merged again.
const WRITER_HEAP: usize = 256 * 1024 * 1024;
/// An index of more items than this is kept in one segment per core after compaction, and
/// searched on every core at once; a smaller one in a single segment (one thread is fast
/// enough, and the index stays smallest).
const PARALLEL_FROM_DOCS: u64 = 500_000;

/// Threads to search the segments of a large index with: the cores, at most four.
fn search_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
}
/// Items re-read before the newest change seen, in case a slower writer committed an older
/// timestamp after it.
const SYNC_OVERLAP_SECONDS: i64 = 10;
const SYNC_BATCH: i64 = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("检索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("检索索引目录无法使用：{0}")]
    Io(#[from] std::io::Error),
    #[error(
        "检索索引正被另一个 gongkai 进程使用（{0}）。请先停止该服务，或让运行中的服务自行同步。"
    )]
    Locked(String),
    #[error("无法读取要检索的信息：{0}")]
    Source(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

impl From<SourceError> for SearchError {
    fn from(e: SourceError) -> Self {
        SearchError::Source(e.0)
    }
}

/// One item as the index takes it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub id: i64,
    pub title: String,
    /// Plain text (no markup).
    pub body: String,
    pub index_no: String,
    pub doc_number: String,
    pub unit_code: String,
    pub columns: Vec<String>,
    /// The genre's label (通知, 政策解读 …).
    pub genre: String,
    pub published: NaiveDate,
}

/// What a user asks.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub column: Option<String>,
    pub genre: Option<String>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Newest first instead of by relevance.
    pub by_date: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    pub index_no: String,
    pub doc_number: String,
    pub unit: String,
    pub published: NaiveDate,
    /// HTML: escaped text with the query terms in `<mark>`.
    pub snippet: String,
    /// Found by its 文号 or 索引号.
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub unit: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub column: Vec<FacetCount>,
    #[serde(rename = "type")]
    pub genre: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The folded terms searched for.
    pub terms: Vec<String>,
    /// The query was longer than [`MAX_QUERY_CHARS`] or had more than [`MAX_TERMS`] terms.
    pub truncated: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    title_w: Field,
    title_g: Field,
    body: Field,
    body_w: Field,
    body_g: Field,
    index_no: Field,
    doc_number: Field,
    doc_key: Field,
    unit: Field,
    column: Field,
    genre: Field,
    published: Field,
    year: Field,
    facets: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Bigrams need positions (a string is a phrase of them); words only frequencies (they
    // rank, the bigrams decide what matches).
    let indexed = |tokenizer: &str, option: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(option),
        )
    };
    let positions = |t: &str| indexed(t, IndexRecordOption::WithFreqsAndPositions);
    let freqs = |t: &str| indexed(t, IndexRecordOption::WithFreqs);
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", STORED),
        title_w: b.add_text_field("title_w", freqs("gk_words")),
        title_g: b.add_text_field("title_g", positions("gk_grams")),
        body: b.add_text_field("body", STORED),
        body_w: b.add_text_field("body_w", freqs("gk_words")),
        body_g: b.add_text_field("body_g", positions("gk_grams")),
        index_no: b.add_text_field("index_no", STRING | STORED),
        doc_number: b.add_text_field("doc_number", STORED),
        doc_key: b.add_text_field("doc_key", STRING),
        unit: b.add_text_field("unit", STRING | STORED),
        column: b.add_text_field("column", STRING),
        genre: b.add_text_field("genre", STRING),
        published: b.add_u64_field("published", STORED | FAST),
        year: b.add_u64_field("year", INDEXED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
    };
    (b.build(), fields)
}

/// A new index: the stored texts compressed with zstd (Chinese text compresses about twice
/// as well as with lz4).
fn create(schema: Schema) -> tantivy::IndexBuilder {
    Index::builder()
        .schema(schema)
        .settings(tantivy::IndexSettings {
            docstore_compression: tantivy::store::Compressor::Zstd(
                tantivy::store::ZstdCompressor::default(),
            ),
            ..Default::default()
        })
}

/// What a commit remembers: the newest change of the store it reflects, and how many items
/// had changed in the overlap window before it.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: DateTime<Utc>,
    /// The last item read at `at`.
    id: i64,
    window: i64,
}

impl Mark {
    fn to_payload(self) -> String {
        serde_json::json!({"at": self.at.to_rfc3339(), "id": self.id, "window": self.window})
            .to_string()
    }

    fn parse(p: &str) -> Option<Mark> {
        let v: serde_json::Value = serde_json::from_str(p).ok()?;
        let at = DateTime::parse_from_rfc3339(v["at"].as_str()?).ok()?;
        Some(Mark {
            at: at.with_timezone(&Utc),
            id: v["id"].as_i64().unwrap_or(0),
            window: v["window"].as_i64().unwrap_or(-1),
        })
    }
}

/// How an index directory was found when opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    Existing,
    Created,
    /// It could not be read (the reason); it was set aside and a new one started.
    Replaced(String),
}

/// The search index of one site.
pub struct Search {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// Searches the segments of a large index side by side (see [`Search::compact`]).
    executor: tantivy::Executor,
    /// The commit payload, kept in memory (read on every search).
    mark: Mutex<Option<Mark>>,
    fields: Fields,
    dir: Option<PathBuf>,
}

impl Search {
    /// Open the index in `dir`, creating it when missing; an unreadable one is moved aside to
    /// `dir.broken` and replaced by an empty one (to be filled by [`Search::sync`]).
    pub fn open(dir: &Path) -> Result<(Search, Opened)> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let has_meta = dir.join("meta.json").exists();
        let attempt = if has_meta {
            Index::open_in_dir(dir).and_then(|ix| {
                if ix.schema() == schema {
                    Ok(ix)
                } else {
                    Err(tantivy::TantivyError::SchemaError(
                        "字段与本版本不同".into(),
                    ))
                }
            })
        } else {
            create(schema.clone()).create_in_dir(dir)
        };
        let (index, opened) = match attempt {
            Ok(ix) => (
                ix,
                if has_meta {
                    Opened::Existing
                } else {
                    Opened::Created
                },
            ),
            Err(e) => {
                let aside = dir.with_extension("broken");
                let _ = std::fs::remove_dir_all(&aside);
                std::fs::rename(dir, &aside)?;
                std::fs::create_dir_all(dir)?;
                (
                    create(schema).create_in_dir(dir)?,
                    Opened::Replaced(e.to_string()),
                )
            }
        };
        let s = Search::with_index(index, fields, Some(dir.to_path_buf()))?;
        Ok((s, opened))
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<Search> {
        let (schema, fields) = schema();
        Search::with_index(create(schema).create_in_ram()?, fields, None)
    }

    fn with_index(index: Index, fields: Fields, dir: Option<PathBuf>) -> Result<Search> {
        index.tokenizers().register("gk_words", text::WordTokenizer);
        index.tokenizers().register("gk_grams", text::GramTokenizer);
        let writer = index.writer(WRITER_HEAP).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked(
                dir.as_ref()
                    .map_or_else(String::new, |d| d.display().to_string()),
            ),
            e => SearchError::Index(e),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mark = index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| Mark::parse(&p));
        Ok(Search {
            index,
            reader,
            writer: Mutex::new(writer),
            executor: tantivy::Executor::multi_thread(search_threads(), "gk-search-")?,
            mark: Mutex::new(mark),
            fields,
            dir,
        })
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Items in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add items, replacing any already indexed under the same id. Seen after [`Search::commit`].
    pub fn put(&self, docs: &[SearchDoc]) -> Result<()> {
        self.add(docs, true)
    }

    /// Add items; `replace` first takes out any item indexed under the same id (not needed
    /// while filling an empty index: each delete is a term lookup in every segment).
    fn add(&self, docs: &[SearchDoc], replace: bool) -> Result<()> {
        let w = self.writer();
        let f = self.fields;
        for d in docs {
            if replace {
                w.delete_term(Term::from_field_u64(f.id, d.id as u64));
            }
            let title = fold(&d.title);
            let body = fold(&d.body);
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.id, d.id as u64);
            doc.add_text(f.title, &d.title);
            doc.add_text(f.title_w, &title);
            doc.add_text(f.title_g, &title);
            doc.add_text(f.body, &d.body);
            doc.add_text(f.body_w, &body);
            doc.add_text(f.body_g, &body);
            doc.add_text(f.index_no, &d.index_no);
            doc.add_text(f.doc_number, &d.doc_number);
            if !d.doc_number.trim().is_empty() {
                doc.add_text(f.doc_key, text::doc_number_key(&d.doc_number));
            }
            doc.add_text(f.unit, &d.unit_code);
            doc.add_facet(f.facets, Facet::from_path(["unit", d.unit_code.as_str()]));
            let year = d.published.year().to_string();
            doc.add_facet(f.facets, Facet::from_path(["year", year.as_str()]));
            for c in &d.columns {
                doc.add_text(f.column, c);
                doc.add_facet(f.facets, Facet::from_path(["column", c.as_str()]));
            }
            doc.add_text(f.genre, &d.genre);
            doc.add_facet(f.facets, Facet::from_path(["type", d.genre.as_str()]));
            doc.add_u64(f.published, date_key(d.published));
            doc.add_u64(f.year, d.published.year() as u64);
            w.add_document(doc)?;
        }
        Ok(())
    }

    /// Take items out of the index. Seen after [`Search::commit`].
    pub fn remove(&self, ids: &[i64]) {
        let w = self.writer();
        for id in ids {
            w.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
        }
    }

    /// Make the changes visible and durable, remembering `watermark` (the newest change of the
    /// store they reflect).
    pub fn commit(&self, watermark: Option<DateTime<Utc>>) -> Result<()> {
        self.commit_mark(watermark.map(|at| Mark {
            at,
            id: 0,
            window: -1,
        }))
    }

    fn commit_mark(&self, mark: Option<Mark>) -> Result<()> {
        {
            let mut w = self.writer();
            let mut prepared = w.prepare_commit()?;
            if let Some(m) = mark {
                prepared.set_payload(&m.to_payload());
            }
            prepared.commit()?;
        }
        *self.mark.lock().unwrap_or_else(|p| p.into_inner()) = mark;
        self.reader.reload()?;
        Ok(())
    }

    /// Empty the index (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        self.writer().delete_all_documents()?;
        self.commit_mark(None)?;
        Ok(())
    }

    /// The newest change of the store the index reflects; `None` for an index never filled.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.mark().map(|m| m.at)
    }

    fn mark(&self) -> Option<Mark> {
        *self.mark.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Merge the segments (into one, or one per core for a large index: see
    /// [`Search::merge_groups`]) and delete the files no longer used (after a bulk load:
    /// smaller on disk, faster to search).
    /// Background merges may be replacing segments meanwhile: the merge is tried again once
    /// they are done (for up to 30 s); an index left in several segments is still correct.
    pub fn compact(&self) -> Result<()> {
        for _ in 0..120 {
            let groups = self.merge_groups()?;
            if groups.iter().all(|g| g.len() <= 1) {
                break;
            }
            let merges: Vec<_> = groups
                .into_iter()
                .filter(|g| g.len() > 1)
                .map(|g| self.writer().merge(&g))
                .collect();
            let results: Vec<_> = merges.into_iter().map(|m| m.wait()).collect();
            if results.iter().all(|r| r.is_ok()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        self.writer().garbage_collect_files().wait()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The segments to merge into each final one: all of them into one for an index up to
    /// [`PARALLEL_FROM_DOCS`] items; beyond that, one group per core (at most four), of about
    /// equal size, so that a query searches the segments side by side.
    fn merge_groups(&self) -> Result<Vec<Vec<tantivy::index::SegmentId>>> {
        let metas = self.index.searchable_segment_metas()?;
        let docs: u64 = metas.iter().map(|m| u64::from(m.num_docs())).sum();
        let n = if docs > PARALLEL_FROM_DOCS {
            search_threads()
        } else {
            1
        };
        let mut sized: Vec<(u32, tantivy::index::SegmentId)> =
            metas.iter().map(|m| (m.num_docs(), m.id())).collect();
        sized.sort_by_key(|s| std::cmp::Reverse(s.0));
        let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> = vec![(0, Vec::new()); n];
        for (size, id) in sized {
            if let Some(g) = groups.iter_mut().min_by_key(|g| g.0) {
                g.0 += u64::from(size);
                g.1.push(id);
            }
        }
        Ok(groups.into_iter().map(|g| g.1).collect())
    }
}

fn date_key(d: NaiveDate) -> u64 {
    (d.year().max(0) as u64) * 10_000 + d.month() as u64 * 100 + d.day() as u64
}

fn from_date_key(k: u64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        (k / 10_000) as i32,
        ((k / 100) % 100) as u32,
        (k % 100) as u32,
    )
}

/// A stored item as the index takes it; `Err(id)` when it is not (or no longer) public.
fn doc_of(
    r: SourceItem,
    units: &HashMap<i64, String>,
    columns: &mut HashMap<i64, Vec<String>>,
) -> std::result::Result<SearchDoc, i64> {
    let (true, Some(published)) = (r.status == "published", r.published_on) else {
        return Err(r.id);
    };
    let genre = gongkai_core::publishing::GENRES
        .iter()
        .find(|(k, _)| *k == r.genre)
        .map_or("其他", |(_, l)| *l)
        .to_string();
    let mut body = text::plain_text(&r.body);
    if !r.summary.trim().is_empty() {
        body = format!("{}\n{body}", r.summary.trim());
    }
    Ok(SearchDoc {
        id: r.id,
        title: r.title,
        body,
        index_no: r.index_no,
        doc_number: r.doc_number,
        unit_code: units.get(&r.unit_id).cloned().unwrap_or_default(),
        columns: columns.remove(&r.id).unwrap_or_default(),
        genre,
        published,
    })
}
