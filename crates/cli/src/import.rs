//! `gongkai import publications`: JSONL lines checked and stored in batches, the search index
//! following the committed ones, progress on the terminal.

use super::*;

/// Lines read and stored per transaction by the import (and by `bench-search`). The index
/// follows committed batches; 5,000 instead of 2,000 made an import with its index about 5 %
/// faster (fewer commits, and the index less often idle waiting for the next one).
pub(super) const IMPORT_BATCH: usize = 5000;

/// The field a serde error names (`missing field `title``, `unknown field `x``), if any.
fn serde_field(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split('`').nth(1).unwrap_or("").to_string()
}

/// A progress bar on standard error, redrawn in place.
fn progress(done: usize, total: usize) {
    progress_of(done, total, "行")
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
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure(2, format!("无法读取 {}：{e}", file.display())))?;
    let store = open(db).await?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let total = lines.len();
    let today = gongkai_core::clock::today();
    let (mut inserted, mut present, mut refused) = (0, 0, 0);
    let mut errors: Vec<String> = Vec::new();
    let mut done = 0;
    let import = async {
        for chunk in lines.chunks(IMPORT_BATCH) {
            let mut items = Vec::with_capacity(chunk.len());
            for (n, l) in chunk {
                match serde_json::from_str::<ImportItem>(l) {
                    Ok(item) => items.push((*n, item)),
                    Err(e) => {
                        refused += 1;
                        let field = serde_field(&e);
                        errors.push(if field.is_empty() {
                            format!("第 {n} 行：不是有效的 JSON 对象（{e}）")
                        } else {
                            format!("第 {n} 行 {field}：{e}")
                        });
                    }
                }
            }
            let summary = store
                .import_publications(&cli_actor(), items, today)
                .await?;
            inserted += summary.inserted;
            present += summary.already_present;
            let mut bad_lines: Vec<usize> = summary.errors.iter().map(|e| e.line).collect();
            bad_lines.dedup();
            refused += bad_lines.len();
            errors.extend(
                summary
                    .errors
                    .iter()
                    .map(|e| format!("第 {} 行 {}：{}", e.line, e.field, e.message)),
            );
            done += chunk.len();
            progress(done, total);
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
