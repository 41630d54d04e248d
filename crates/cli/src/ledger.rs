//! `gongkai audit`: verify the ledger's chain and its newest checkpoint, sign checkpoints, and
//! make the checkpoint key. The key and the log live outside the database (and its backups):
//! whoever can rewrite the database cannot also rewrite what vouches for it.

use super::*;
use gongkai_store::audit::{Checkpoint, describe_anchor, describe_tamper};
use std::io::Write;

pub(super) async fn audit(command: AuditCommand) -> Outcome {
    match command {
        AuditCommand::Keygen { file } => keygen(&file),
        AuditCommand::Checkpoint { db, anchor } => {
            let (key, log) = anchor_files(&anchor)?;
            let store = open(&db).await?;
            let cp = checkpoint(&store, &key, &log).await?;
            say!(
                "已签署检查点：{} 条，末条哈希 {}（{}）",
                cp.entries,
                cp.head,
                cp.at
            );
            Ok(())
        }
        AuditCommand::Verify { db, anchor } => {
            let store = open(&db).await?;
            let v = store.audit_verify().await?;
            if let Some((seq, t)) = v.first_bad {
                return Err(Failure(
                    1,
                    format!(
                        "审计日志被篡改：{}（此前 {} 条完好）",
                        describe_tamper(seq, &t),
                        v.entries
                    ),
                ));
            }
            if anchor.key.is_some() || anchor.log.is_some() {
                let (key, log) = anchor_files(&anchor)?;
                let Some(cp) = newest(&log)? else {
                    return Err(Failure(
                        2,
                        format!("检查点记录 {} 中没有检查点", log.display()),
                    ));
                };
                let a = store.audit_anchor(&cp, &key).await?;
                if let Some(why) = describe_anchor(&a, &cp) {
                    return Err(Failure(1, why));
                }
                say!(
                    "审计日志完整：共 {} 条，末条哈希 {}；与 {} 的检查点（{} 条）相符",
                    v.entries,
                    v.head,
                    cp.at,
                    cp.entries
                );
            } else {
                say!("审计日志完整：共 {} 条，末条哈希 {}", v.entries, v.head);
            }
            Ok(())
        }
    }
}

/// Sign the head and append it to the log.
pub(super) async fn checkpoint(
    store: &Store,
    key: &[u8],
    log: &std::path::Path,
) -> Result<Checkpoint, Failure> {
    let cp = store.audit_checkpoint(key).await?;
    let line = serde_json::to_string(&cp).map_err(|e| Failure(2, e.to_string()))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| Failure(2, format!("无法写入检查点记录 {}：{e}", log.display())))?;
    writeln!(f, "{line}")
        .and_then(|_| f.sync_all())
        .map_err(|e| Failure(2, format!("无法写入检查点记录 {}：{e}", log.display())))?;
    Ok(cp)
}

/// The key's bytes and the log's path, both required together.
pub(super) fn anchor_files(a: &AnchorArgs) -> Result<(Vec<u8>, PathBuf), Failure> {
    let (Some(key), Some(log)) = (&a.key, &a.log) else {
        return Err(Failure(
            2,
            "检查点需要同时给出 --checkpoint-key 和 --checkpoint-log".into(),
        ));
    };
    let text = std::fs::read_to_string(key)
        .map_err(|e| Failure(2, format!("无法读取检查点密钥 {}：{e}", key.display())))?;
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| b.len() >= 32)
        .ok_or_else(|| {
            Failure(
                2,
                format!(
                    "{} 不是检查点密钥（应为 gongkai audit keygen 生成的 64 位十六进制）",
                    key.display()
                ),
            )
        })?;
    Ok((bytes, log.clone()))
}

/// The newest checkpoint in the log (its last well-formed line).
fn newest(log: &std::path::Path) -> Result<Option<Checkpoint>, Failure> {
    let text = std::fs::read_to_string(log)
        .map_err(|e| Failure(2, format!("无法读取检查点记录 {}：{e}", log.display())))?;
    Ok(text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Checkpoint>(l.trim()).ok()))
}

fn keygen(file: &std::path::Path) -> Outcome {
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(file).map_err(|e| {
        Failure(
            2,
            format!("无法新建 {}（不会覆盖已有的密钥）：{e}", file.display()),
        )
    })?;
    writeln!(f, "{}", hex::encode(key)).map_err(|e| Failure(2, e.to_string()))?;
    say!(
        "已生成检查点密钥 {}：请与数据库分开保管，并另行备份",
        file.display()
    );
    Ok(())
}
