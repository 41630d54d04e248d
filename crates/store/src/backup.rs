//! Backups that restore. A SQLite installation is copied with SQLite's own `VACUUM INTO`: one
//! consistent snapshot taken in a read transaction while the server goes on writing (a plain
//! `cp` of the database under load misses the write-ahead log and has lost acknowledged
//! applications). A restore checks the copy before it replaces anything: SQLite's integrity
//! check and the audit ledger's chain. PostgreSQL has pg_dump and pg_restore for this.

use crate::{Location, Pool, Result, Store, StoreError};
use std::path::{Path, PathBuf};

/// What a checked backup holds.
#[derive(Debug, Clone)]
pub struct BackupCheck {
    pub applications: i64,
    pub ledger_entries: i64,
}

impl Store {
    /// Write a consistent copy of the database to `file` (which must not exist yet).
    pub async fn backup_to(&self, file: &Path) -> Result<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(StoreError::Refused(
                "PostgreSQL 的备份请用 pg_dump -Fc，恢复请用 pg_restore（见 README 的 Security 一节）"
                    .into(),
            ));
        };
        if file.exists() {
            return Err(StoreError::Refused(format!(
                "备份文件 {} 已存在：请换一个文件名，不会覆盖已有文件",
                file.display()
            )));
        }
        let target = file
            .to_str()
            .ok_or_else(|| StoreError::Refused("备份文件的路径须为 UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(p)
            .await?;
        Ok(())
    }
}

/// Check the backup `file` (integrity and ledger) without changing it.
pub async fn check_backup(file: &Path) -> Result<BackupCheck> {
    // Checked in a scratch copy: opening a database may write to it (its journal).
    let scratch = std::env::temp_dir().join(format!(
        "gongkai-restore-check-{}",
        crate::auth::random_token()
    ));
    std::fs::create_dir_all(&scratch).map_err(|source| StoreError::DataDir {
        path: scratch.clone(),
        source,
    })?;
    let result = check_copy(file, &scratch).await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

async fn check_copy(file: &Path, scratch: &Path) -> Result<BackupCheck> {
    std::fs::copy(file, scratch.join("gongkai.db")).map_err(|source| StoreError::DataDir {
        path: file.to_path_buf(),
        source,
    })?;
    let store = Store::open(&Location::Dir(scratch.to_path_buf())).await?;
    let check = async {
        let Pool::Sqlite(p) = &store.pool else {
            return Err(StoreError::Internal("not SQLite".into()));
        };
        let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(p)
            .await
            .map_err(|e| StoreError::Refused(format!("不是可用的 gongkai 备份：{e}")))?;
        if ok != "ok" {
            return Err(StoreError::Refused(format!("备份文件已损坏：{ok}")));
        }
        let (applications,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications")
            .fetch_one(p)
            .await
            .map_err(|e| StoreError::Refused(format!("不是 gongkai 的数据库：{e}")))?;
        let v = store.audit_verify().await?;
        if let Some((seq, t)) = v.first_bad {
            return Err(StoreError::Refused(format!(
                "备份中的审计日志不完整：{}",
                crate::audit::describe_tamper(seq, &t)
            )));
        }
        Ok(BackupCheck {
            applications,
            ledger_entries: v.entries,
        })
    }
    .await;
    store.close().await;
    check
}

/// Put the checked backup `file` in place as the database of the data directory `dir`. An
/// existing database there is kept beside it (renamed, with its journal files), never removed;
/// without `replace` an existing database is a refusal. The server must be stopped.
pub async fn restore(
    file: &Path,
    dir: &Path,
    replace: bool,
) -> Result<(BackupCheck, Option<PathBuf>)> {
    let check = check_backup(file).await?;
    std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let db = dir.join("gongkai.db");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::DataDir { path, source }
    };
    let mut kept = None;
    if db.exists() {
        if !replace {
            return Err(StoreError::Refused(format!(
                "{} 已有数据库：确认要以备份替换时加 --replace（原数据库会改名保留）",
                dir.display()
            )));
        }
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        let aside = dir.join(format!("gongkai.db.before-restore-{stamp}"));
        std::fs::rename(&db, &aside).map_err(io(&db))?;
        for suffix in ["-wal", "-shm"] {
            let journal = dir.join(format!("gongkai.db{suffix}"));
            if journal.exists() {
                let to = dir.join(format!("gongkai.db.before-restore-{stamp}{suffix}"));
                std::fs::rename(&journal, &to).map_err(io(&journal))?;
            }
        }
        kept = Some(aside);
    }
    // Copied under a temporary name, then renamed: a restore cut short leaves no half file.
    let part = dir.join("gongkai.db.restoring");
    std::fs::copy(file, &part).map_err(io(file))?;
    std::fs::rename(&part, &db).map_err(io(&part))?;
    Ok((check, kept))
}
