//! The audit ledger: append inside a write transaction, list, verify, and sign its head as a
//! checkpoint that a truncated or recomputed chain no longer matches.

use crate::{Result, Store, Tx, on_pool, on_tx, values_list};
pub use gongkai_core::audit::{Anchor, Checkpoint};
use gongkai_core::audit::{AuditFields, GENESIS, Tamper, anchor, check_entry, entry_hash};
use serde::Serialize;
use serde_json::Value;

/// One ledger entry as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before_json: String,
    pub after_json: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            before: &self.before_json,
            after: &self.after_json,
            prev_hash: &self.prev_hash,
        }
    }
}

/// Append one entry: `actor` did `action` to `entity`, changing it from `before` to `after`
/// (`Value::Null` where there was nothing). Runs inside the caller's write transaction.
pub async fn append(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    entity: &str,
    before: &Value,
    after: &Value,
) -> Result<()> {
    Chain::load(tx)
        .await?
        .append(tx, actor, action, entity, before, after)
        .await
}

/// The end of the chain, held while appending several entries in one transaction (the writer
/// lock of [`crate::Store::begin_write`] keeps it current).
pub struct Chain {
    seq: i64,
    hash: String,
}

/// One entry to append with [`Chain::append_many`].
pub struct NewEntry {
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: Value,
    pub after: Value,
}

impl Chain {
    /// Append several entries with one statement (the hashes still chain one to the next).
    pub async fn append_many(&mut self, tx: &mut Tx, entries: &[NewEntry]) -> Result<()> {
        let mut rest = entries;
        while !rest.is_empty() {
            // Fixed statement sizes, so prepared statements are reused.
            let size = [128, 32, 8, 1]
                .into_iter()
                .find(|s| *s <= rest.len())
                .unwrap_or(1);
            let (chunk, tail) = rest.split_at(size);
            rest = tail;
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let mut rows = Vec::with_capacity(chunk.len());
            for e in chunk {
                let (before, after) = (e.before.to_string(), e.after.to_string());
                let fields = AuditFields {
                    seq: self.seq + 1,
                    at: &at,
                    actor: &e.actor,
                    action: &e.action,
                    entity: &e.entity,
                    before: &before,
                    after: &after,
                    prev_hash: &self.hash,
                };
                let hash = entry_hash(&fields);
                rows.push((
                    fields.seq,
                    before,
                    after,
                    std::mem::replace(&mut self.hash, hash.clone()),
                    hash,
                ));
                self.seq += 1;
            }
            let sql = format!(
                "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash) VALUES {}",
                values_list(tx, chunk.len(), "(?, ?, ?, ?, ?, ?, ?, ?, ?)")
            );
            on_tx!(tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for (e, (seq, before, after, prev, hash)) in chunk.iter().zip(&rows) {
                    q = q.bind(*seq).bind(&at).bind(&e.actor).bind(&e.action).bind(&e.entity)
                        .bind(before).bind(after).bind(prev).bind(hash);
                }
                q.execute(c).await?.rows_affected()
            });
        }
        Ok(())
    }

    pub async fn load(tx: &mut Tx) -> Result<Chain> {
        let last: Option<(i64, String)> = on_tx!(tx, c =>
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(c).await?);
        let (seq, hash) = last.unwrap_or((0, GENESIS.to_string()));
        Ok(Chain { seq, hash })
    }

    pub async fn append(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        action: &str,
        entity: &str,
        before: &Value,
        after: &Value,
    ) -> Result<()> {
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let before = before.to_string();
        let after = after.to_string();
        let fields = AuditFields {
            seq: self.seq + 1,
            at: &at,
            actor,
            action,
            entity,
            before: &before,
            after: &after,
            prev_hash: &self.hash,
        };
        let hash = entry_hash(&fields);
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(fields.seq).bind(&at).bind(actor).bind(action).bind(entity)
            .bind(&before).bind(&after).bind(&self.hash).bind(&hash)
            .execute(c).await?.rows_affected());
        self.seq += 1;
        self.hash = hash;
        Ok(())
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries checked.
    pub entries: i64,
    /// The hash of the last entry (worth noting down outside the system: it anchors the chain).
    pub head: String,
    /// The first entry that fails, and why.
    pub first_bad: Option<(i64, Tamper)>,
}

impl Store {
    /// The newest entries first, `limit` at a time, optionally only those of one entity prefix.
    pub async fn audit_list(
        &self,
        entity_prefix: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>> {
        let pattern = format!("{}%", entity_prefix.unwrap_or("").replace(['%', '_'], ""));
        let rows = on_pool!(self, p => sqlx::query_as::<_, AuditEntry>(
            "SELECT * FROM audit_log WHERE entity LIKE $1 ORDER BY seq DESC LIMIT $2 OFFSET $3")
            .bind(&pattern).bind(limit).bind(offset).fetch_all(p).await?);
        Ok(rows)
    }

    pub async fn audit_count(&self) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, p => sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(p).await?);
        Ok(n)
    }

    /// Recompute the chain from the first entry; stop at the first entry that fails.
    pub async fn audit_verify(&self) -> Result<Verification> {
        let mut prev_seq = 0i64;
        let mut prev_hash = GENESIS.to_string();
        let mut checked = 0i64;
        const PAGE: i64 = 1000;
        loop {
            let page = on_pool!(self, p => sqlx::query_as::<_, AuditEntry>(
                "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(prev_seq).bind(PAGE).fetch_all(p).await?);
            let n = page.len() as i64;
            for e in page {
                if let Err(t) = check_entry(&e.fields(), &e.hash, prev_seq, &prev_hash) {
                    return Ok(Verification {
                        entries: checked,
                        head: prev_hash,
                        first_bad: Some((e.seq, t)),
                    });
                }
                checked += 1;
                prev_seq = e.seq;
                prev_hash = e.hash;
            }
            if n < PAGE {
                break;
            }
        }
        Ok(Verification {
            entries: checked,
            head: prev_hash,
            first_bad: None,
        })
    }
}

impl Store {
    /// The hash of ledger entry number `n` (sequence numbers run from 1 without gaps).
    pub async fn audit_hash_of(&self, n: i64) -> Result<Option<String>> {
        let row: Option<(String,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT hash FROM audit_log WHERE seq = $1").bind(n).fetch_optional(p).await?);
        Ok(row.map(|(h,)| h))
    }

    /// Sign the ledger's head with `key`, after checking the chain (a broken chain is not
    /// signed: the checkpoint would vouch for the damage).
    pub async fn audit_checkpoint(&self, key: &[u8]) -> Result<Checkpoint> {
        let v = self.audit_verify().await?;
        if let Some((seq, t)) = v.first_bad {
            return Err(crate::StoreError::Refused(format!(
                "审计日志已不完整，不能签署检查点：{}",
                describe_tamper(seq, &t)
            )));
        }
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Ok(Checkpoint::sign(key, v.entries, &v.head, &at))
    }

    /// How the ledger stands against `checkpoint` (signed with `key`).
    pub async fn audit_anchor(&self, checkpoint: &Checkpoint, key: &[u8]) -> Result<Anchor> {
        let entries = self.audit_count().await?;
        let hash = self.audit_hash_of(checkpoint.entries).await?;
        Ok(anchor(checkpoint, key, entries, hash.as_deref()))
    }
}

/// What a person reads about a ledger that no longer holds its checkpoint.
pub fn describe_anchor(a: &Anchor, cp: &Checkpoint) -> Option<String> {
    match a {
        Anchor::Holds => None,
        Anchor::Forged => Some(format!(
            "检查点（{}，{} 条）的签名与密钥不符：检查点被改动，或密钥不是签署时的那一个",
            cp.at, cp.entries
        )),
        Anchor::Truncated { had, now } => Some(format!(
            "审计日志末尾被删除：检查点（{}）时有 {had} 条，现在只有 {now} 条",
            cp.at
        )),
        Anchor::Rewritten { entry } => Some(format!(
            "审计日志被重新计算：第 {entry} 条的哈希与检查点（{}）签署时不同，此前的记录被改动后整条链重算过",
            cp.at
        )),
    }
}

/// What a person reads about a failed entry.
pub fn describe_tamper(seq: i64, t: &Tamper) -> String {
    match t {
        Tamper::Sequence { expected, found } => {
            format!("第 {seq} 条：序号不连续（应为 {expected}，实为 {found}），有记录被删除或插入")
        }
        Tamper::Link => format!("第 {seq} 条：与前一条的哈希链接不符，前一条或本条被改动"),
        Tamper::Content => format!("第 {seq} 条：内容与其哈希不符，本条被改动"),
    }
}
