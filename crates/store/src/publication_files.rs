//! The files of a publication, added and removed through commands while it can be edited (a
//! draft, or withdrawn): each checks who acts and the item's state, scans what arrives once and
//! keeps the result with the file, and writes the change with its ledger entry.

use crate::files::NewAttachment;
use crate::publishing::{Publication, check_editable, pub_tx};
use crate::release_scan::FileScan;
use crate::staff::Staff;
use crate::{Result, Store, StoreError, audit, on_tx};
use chrono::NaiveDate;
use serde_json::json;

impl Store {
    /// Attach files to a publication that can be edited; each is scanned on arrival and its
    /// result kept. Returns the new attachments' ids.
    pub async fn add_publication_attachments(
        &self,
        staff: &Staff,
        publication_id: i64,
        files: Vec<NewAttachment>,
        today: NaiveDate,
    ) -> Result<Vec<i64>> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let (files, scans) = FileScan::of_all(files, today).await?;
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, publication_id).await?;
        check_editable(staff, &p)?;
        let ids = crate::files::insert_attachments(
            &mut tx,
            "publication",
            publication_id,
            &files,
            Some(&scans),
        )
        .await?;
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&staff.username),
            "publication.attachment.add",
            &format!("publication:{}", p.index_no),
            &serde_json::Value::Null,
            &json!({"files": files.iter().map(|f| &f.name).collect::<Vec<_>>(), "ids": ids}),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Remove a file from a publication that can be edited (to replace it, remove it and add
    /// the new one).
    pub async fn remove_publication_attachment(
        &self,
        staff: &Staff,
        attachment_id: i64,
    ) -> Result<Publication> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT owner_id, name FROM attachments WHERE id = $1 AND owner_kind = 'publication'")
            .bind(attachment_id).fetch_optional(c).await?);
        let Some((owner_id, name)) = row else {
            return Err(StoreError::NotFound("没有这个附件".into()));
        };
        let p = pub_tx(&mut tx, owner_id).await?;
        check_editable(staff, &p)?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(attachment_id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&staff.username),
            "publication.attachment.remove",
            &format!("publication:{}", p.index_no),
            &json!({"file": name, "id": attachment_id}),
            &serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }
}
