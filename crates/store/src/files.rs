//! Attachments: files kept with an application or a publication, bytes in the database.

use crate::release_scan::FileScan;
use crate::{Result, Store, StoreError, Tx, now, on_pool, on_tx};
use gongkai_core::files::{FileKind, Limits, check_all, display_name};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A file checked and ready to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub name: String,
    pub kind: FileKind,
    pub data: Vec<u8>,
}

impl NewAttachment {
    /// Check a set of uploaded files (name, bytes) against `limits`.
    pub fn check_all(files: Vec<(String, Vec<u8>)>, limits: Limits) -> Result<Vec<NewAttachment>> {
        let views: Vec<(String, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.clone(), b.as_slice()))
            .collect();
        let kinds = check_all(&views, limits).map_err(|m| StoreError::invalid("attachments", m))?;
        Ok(files
            .into_iter()
            .zip(kinds)
            .map(|((name, data), kind)| NewAttachment {
                name: display_name(&name),
                kind,
                data,
            })
            .collect())
    }
}

/// An attachment without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentInfo {
    pub id: i64,
    pub owner_kind: String,
    pub owner_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl AttachmentInfo {
    pub fn is_video(&self) -> bool {
        self.content_type.starts_with("video/")
    }
    pub fn is_audio(&self) -> bool {
        self.content_type.starts_with("audio/")
    }

    /// The size as a person reads it.
    pub fn size_label(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        }
    }
}

/// Store `files` for `owner_kind:owner_id` inside a transaction, each with its scan result
/// when it was scanned on arrival (`scans` in the same order).
pub(crate) async fn insert_attachments(
    tx: &mut Tx,
    owner_kind: &str,
    owner_id: i64,
    files: &[NewAttachment],
    scans: Option<&[FileScan]>,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let sha = hex::encode(Sha256::digest(&f.data));
        let scan = scans.and_then(|s| s.get(i)).map(FileScan::to_json);
        let (id,): (i64,) = on_tx!(tx, c => sqlx::query_as(
            "INSERT INTO attachments (owner_kind, owner_id, name, content_type, size, sha256, data, created_at, scan) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(owner_kind).bind(owner_id).bind(&f.name).bind(f.kind.content_type())
            .bind(f.data.len() as i64).bind(&sha).bind(&f.data).bind(now()).bind(scan)
            .fetch_one(c).await?);
        ids.push(id);
    }
    Ok(ids)
}

const INFO_COLUMNS: &str = "id, owner_kind, owner_id, name, content_type, size, sha256";

impl Store {
    /// The attachments of one record, in the order they were given.
    pub async fn attachments(
        &self,
        owner_kind: &str,
        owner_id: i64,
    ) -> Result<Vec<AttachmentInfo>> {
        let sql = format!(
            "SELECT {INFO_COLUMNS} FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id"
        );
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, AttachmentInfo>(sqlx::AssertSqlSafe(sql.clone())).bind(owner_kind).bind(owner_id).fetch_all(p).await?),
        )
    }

    /// One attachment without its bytes.
    pub async fn attachment_info(&self, id: i64) -> Result<Option<AttachmentInfo>> {
        let sql = format!("SELECT {INFO_COLUMNS} FROM attachments WHERE id = $1");
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, AttachmentInfo>(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(p).await?),
        )
    }

    /// One attachment with its bytes.
    pub async fn attachment(&self, id: i64) -> Result<Option<(AttachmentInfo, Vec<u8>)>> {
        let Some(info) = self.attachment_info(id).await? else {
            return Ok(None);
        };
        let (data,): (Vec<u8>,) = on_pool!(self, p => sqlx::query_as(
            "SELECT data FROM attachments WHERE id = $1").bind(id).fetch_one(p).await?);
        Ok(Some((info, data)))
    }
}
