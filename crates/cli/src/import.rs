//! `gongkai import publications`: JSONL lines checked and stored in batches, the search index
//! following the committed ones, progress on the terminal.

use super::*;

/// Lines read and stored per transaction by the import (and by `bench-search`). The index
/// follows committed batches; 5,000 instead of 2,000 made an import with its index about 5 %
/// faster (fewer commits, and the index less often idle waiting for the next one).
pub(super) const IMPORT_BATCH: usize = 5000;

/// The longest line an import reads (one publication with its body).
const MAX_LINE: usize = 4 * 1024 * 1024;
/// Errors listed one by one; the rest are counted.
const MAX_LISTED_ERRORS: usize = 1000;

/// The field a serde error names (`missing field `title``, `unknown field `x``), if any.
fn serde_field(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split('`').nth(1).unwrap_or("").to_string()
}

pub(super) fn progress_of(done: usize, total: usize, unit: &str) {
    use std::io::Write;
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\r[{}{}] {done}/{total} {unit}",
        "█".repeat(filled),
        "·".repeat(width - filled)
    );
    let _ = err.flush();
}

/// The search index an import updates alongside the store: the one of the server, if it has
/// been made and no running server holds it (a running server takes the new items up by
/// itself within a minute).
fn index_for_import(dir: &std::path::Path) -> Option<std::sync::Arc<gongkai_search::Search>> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    match gongkai_search::Search::open(dir) {
        Ok((index, opened)) => {
            say_if_replaced(dir, opened);
            Some(std::sync::Arc::new(index))
        }
        Err(gongkai_search::SearchError::Locked(_)) => {
            eprintln!("检索索引正由运行中的服务使用，服务会在一分钟内收录新导入的信息。");
            None
        }
        Err(e) => {
            eprintln!("检索索引无法打开（{e}）：信息照常导入，之后可用 gongkai reindex 重建索引。");
            None
        }
    }
}

pub(super) async fn import_publications(
    db: &DbArgs,
    file: &std::path::Path,
    index_dir: &std::path::Path,
) -> Outcome {
    use gongkai_store::publishing::ImportItem;
    use std::io::{BufRead, Read};
    let f = std::fs::File::open(file)
        .map_err(|e| Failure(2, format!("无法读取 {}：{e}", file.display())))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = std::io::BufReader::new(f);
    let store = open(db).await?;
    let today = gongkai_core::clock::today();
    let (mut inserted, mut present, mut refused, mut total) = (0, 0, 0, 0);
    let mut errors: Vec<String> = Vec::new();
    let mut unlisted = 0usize;
    let mut note = |errors: &mut Vec<String>, e: String| {
        if errors.len() < MAX_LISTED_ERRORS {
            errors.push(e);
        } else {
            unlisted += 1;
        }
    };
    let (mut line_no, mut read) = (0usize, 0u64);
    let import = async {
        loop {
            // The next batch of lines, read as a stream: memory stays one batch whatever the
            // file's size, and a line that is not UTF-8 is named, not fatal.
            let mut items = Vec::with_capacity(IMPORT_BATCH);
            let mut eof = false;
            while items.len() < IMPORT_BATCH {
                let mut buf = Vec::new();
                let n = (&mut reader)
                    .take(MAX_LINE as u64 + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| Failure(2, format!("读取 {} 出错：{e}", file.display())))?;
                if n == 0 {
                    eof = true;
                    break;
                }
                line_no += 1;
                read += n as u64;
                if buf.len() > MAX_LINE && !buf.ends_with(b"\n") {
                    return Err(Failure(
                        2,
                        format!(
                            "第 {line_no} 行超过 {} MB 仍未结束：导入文件应为每行一条信息的 JSONL",
                            MAX_LINE / (1024 * 1024)
                        ),
                    ));
                }
                let Ok(text) = String::from_utf8(buf) else {
                    total += 1;
                    refused += 1;
                    note(
                        &mut errors,
                        format!("第 {line_no} 行：不是 UTF-8 编码的文字（请将文件另存为 UTF-8）"),
                    );
                    continue;
                };
                let l = text.trim();
                if l.is_empty() {
                    continue;
                }
                total += 1;
                match serde_json::from_str::<ImportItem>(l) {
                    Ok(item) => items.push((line_no, item)),
                    Err(e) => {
                        refused += 1;
                        let field = serde_field(&e);
                        note(
                            &mut errors,
                            if field.is_empty() {
                                format!("第 {line_no} 行：不是有效的 JSON 对象（{e}）")
                            } else {
                                format!("第 {line_no} 行 {field}：{e}")
                            },
                        );
                    }
                }
            }
            if !items.is_empty() {
                let summary = store
                    .import_publications(&cli_actor(), items, today)
                    .await?;
                inserted += summary.inserted;
                present += summary.already_present;
                let mut bad_lines: Vec<usize> = summary.errors.iter().map(|e| e.line).collect();
                bad_lines.dedup();
                refused += bad_lines.len();
                for e in &summary.errors {
                    note(
                        &mut errors,
                        format!("第 {} 行 {}：{}", e.line, e.field, e.message),
                    );
                }
            }
            if size > 0 {
                progress_of(read.min(size) as usize / 1024, size as usize / 1024, "KB");
            }
            if eof {
                break;
            }
        }
        Ok::<(), Failure>(())
    };
    let index = index_for_import(index_dir);
    match &index {
        Some(index) => {
            let was_empty = index.is_empty();
            let (stored, indexed) = index
                .follow_while(
                    &gongkai_web::site_search::StoreSource(store.clone()),
                    import,
                )
                .await;
            stored?;
            match indexed.and_then(|n| {
                if was_empty && n > 0 {
                    eprint!("\n正在合并检索索引的段……");
                    index.compact()?;
                }
                Ok(n)
            }) {
                Ok(_) => eprintln!("\n检索索引已同步更新（{}）。", index_dir.display()),
                Err(e) => eprintln!(
                    "\n检索索引未能更新（{e}）：信息已导入，运行中的服务或 gongkai reindex 会收录它们。"
                ),
            }
        }
        None => {
            import.await?;
            eprintln!();
        }
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if unlisted > 0 {
        eprintln!("另有 {unlisted} 处错误未逐一列出。");
    }
    say!("导入 {inserted} 条，已存在 {present} 条（未改动），有误 {refused} 行，共 {total} 行。");
    if refused > 0 {
        Err(Failure(
            1,
            format!("{refused} 行未导入，见上方各行的说明；改正后可重新导入同一文件。"),
        ))
    } else {
        Ok(())
    }
}
