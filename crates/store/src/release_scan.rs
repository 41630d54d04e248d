//! The personal-data and secret scan of what a publication releases, as the review command
//! reads it: the title, summary and body through the same HTML-to-text as the index and the
//! portal (`gongkai_core::html::plain_text`), and each attachment's result, taken once when
//! the file arrived and kept with it (`attachments.scan`). A file whose text cannot be read is
//! a finding ("cannot be checked"), never clean.

use crate::files::NewAttachment;
use crate::publishing::Publication;
use crate::{Result, Store, StoreError, on_pool};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the scan said of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileScan {
    Clean,
    Findings { findings: Vec<String> },
    Unreadable { error: String },
}

impl FileScan {
    /// Scan one file (CPU-bound: run it off the async threads).
    pub fn of(name: &str, data: &[u8], today: NaiveDate) -> FileScan {
        match gongkai_scan::scan_file(name, data, today) {
            Ok(found) if found.is_clean() => FileScan::Clean,
            Ok(found) => {
                let mut findings: Vec<String> = found
                    .findings
                    .into_iter()
                    .map(|f| format!("{}：{} {}", f.place, f.kind.label(), f.masked))
                    .collect();
                if found.more > 0 {
                    findings.push(format!("另有 {} 处同类发现未逐一列出", found.more));
                }
                FileScan::Findings { findings }
            }
            Err(e) => FileScan::Unreadable {
                error: e.to_string(),
            },
        }
    }

    /// Scan files as they arrive, off the async threads; the files come back with their
    /// results (moved to the scanning thread and back, not copied).
    pub async fn of_all(
        files: Vec<NewAttachment>,
        today: NaiveDate,
    ) -> Result<(Vec<NewAttachment>, Vec<FileScan>)> {
        tokio::task::spawn_blocking(move || {
            let scans = files
                .iter()
                .map(|f| FileScan::of(&f.name, &f.data, today))
                .collect();
            (files, scans)
        })
        .await
        .map_err(|e| StoreError::Internal(format!("附件检查中断：{e}")))
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }

    /// The lines a reviewer reads, each naming the file.
    fn lines(&self, file: &str) -> Vec<String> {
        match self {
            FileScan::Clean => Vec::new(),
            FileScan::Findings { findings } => findings
                .iter()
                .map(|f| format!("附件“{file}”{f}"))
                .collect(),
            FileScan::Unreadable { error } => {
                vec![format!("附件“{file}”无法检查（{error}），请人工核对")]
            }
        }
    }
}

/// The findings in a publication's own text.
pub fn text_findings(p: &Publication, today: NaiveDate) -> Vec<String> {
    let text = format!(
        "{}\n{}\n{}",
        p.title,
        p.summary,
        gongkai_core::html::plain_text(&p.body)
    );
    gongkai_scan::scan_text(&text, "正文", today)
        .into_iter()
        .map(|f| format!("{}：{} {}", f.place, f.kind.label(), f.masked))
        .collect()
}

impl Store {
    /// Everything the scan finds in what a publication would release: its text, and each
    /// attachment's kept result (a file kept before results were, is scanned now and its
    /// result kept).
    pub async fn release_findings(&self, p: &Publication, today: NaiveDate) -> Result<Vec<String>> {
        let mut found = text_findings(p, today);
        let rows: Vec<(i64, String, Option<String>)> = on_pool!(self, c => sqlx::query_as(
            "SELECT id, name, scan FROM attachments WHERE owner_kind = 'publication' AND owner_id = $1 ORDER BY id")
            .bind(p.id).fetch_all(c).await?);
        for (id, name, kept) in rows {
            let scan = match kept {
                Some(json) => serde_json::from_str::<FileScan>(&json).map_err(|e| {
                    StoreError::Internal(format!("attachments 第 {id} 行的检查结果无法读取：{e}"))
                })?,
                None => self.scan_kept_attachment(id, &name, today).await?,
            };
            found.extend(scan.lines(&name));
        }
        Ok(found)
    }

    /// Scan a file kept before scan results were, and keep its result.
    async fn scan_kept_attachment(
        &self,
        id: i64,
        name: &str,
        today: NaiveDate,
    ) -> Result<FileScan> {
        let (data,): (Vec<u8>,) = on_pool!(self, c => sqlx::query_as(
            "SELECT data FROM attachments WHERE id = $1").bind(id).fetch_one(c).await?);
        let file = name.to_string();
        let scan = tokio::task::spawn_blocking(move || FileScan::of(&file, &data, today))
            .await
            .map_err(|e| StoreError::Internal(format!("附件检查中断：{e}")))?;
        on_pool!(self, c => sqlx::query("UPDATE attachments SET scan = $1 WHERE id = $2")
            .bind(scan.to_json()).bind(id).execute(c).await?.rows_affected());
        Ok(scan)
    }
}
