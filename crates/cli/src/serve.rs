//! `gongkai serve` and `gongkai reindex`: the server with its search index, and the demo's
//! accounts printed when the demo is loaded.

use super::*;

/// Where the search index lives unless given: beside the SQLite database, or in the working
/// directory with PostgreSQL.
pub(super) fn index_dir(db: &DbArgs, given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| match db.location() {
        Location::Dir(d) => d.join("search"),
        Location::Url(_) => PathBuf::from("gongkai-search"),
    })
}

fn open_index(dir: &std::path::Path) -> Result<gongkai_search::Search, Failure> {
    let (index, opened) =
        gongkai_search::Search::open(dir).map_err(|e| Failure(2, e.to_string()))?;
    say_if_replaced(dir, opened);
    Ok(index)
}

pub(super) fn say_if_replaced(dir: &std::path::Path, opened: gongkai_search::Opened) {
    if let gongkai_search::Opened::Replaced(why) = opened {
        eprintln!(
            "检索索引 {} 无法读取（{why}），已移到一旁并重建。",
            dir.display()
        );
    }
}

pub(super) async fn reindex(db: &DbArgs, dir: &std::path::Path) -> Outcome {
    let store = open(db).await?;
    let index = open_index(dir)?;
    let (total, _) = store
        .publications(&gongkai_store::publishing::PublicationFilter {
            per_page: 1,
            ..Default::default()
        })
        .await?;
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let read = index
        .rebuild(
            &gongkai_web::site_search::StoreSource(store.clone()),
            &|n| {
                if tty {
                    progress_of(n as usize, total.max(0) as usize, "条");
                }
            },
        )
        .await
        .map_err(|e| Failure(2, e.to_string()))?;
    if tty {
        eprintln!();
    }
    say!(
        "已重建检索索引 {}：读取 {read} 条信息，其中 {} 条已公开可检索，用时 {:.1} 秒。",
        dir.display(),
        index.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(super) async fn serve(
    db: DbArgs,
    listen: String,
    demo: bool,
    config: gongkai_web::WebConfig,
    anchor: AnchorArgs,
    index_dir: &std::path::Path,
) -> Outcome {
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| Failure(2, format!("监听地址“{listen}”无效，应形如 127.0.0.1:8080")))?;
    let store = open(&db).await?;
    if demo {
        if store.is_demo().await? {
            eprintln!("演示数据已存在，直接使用（如需重置并重新生成密码：gongkai demo）。");
        } else if store.has_units().await? {
            return Err(Failure(
                2,
                "数据库中已有非演示数据，拒绝加载演示数据。去掉 --demo，或换一个数据目录。".into(),
            ));
        } else {
            let accounts = gongkai_demo::create(&store).await?;
            print_demo(&store, &accounts).await?;
        }
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure(2, format!("无法监听 {addr}：{e}")))?;
    let index = open_index(index_dir)?;
    if anchor.key.is_some() || anchor.log.is_some() {
        // Signed before the first request (a wrong key or a broken ledger stops the start),
        // then daily.
        let (key, log) = super::ledger::anchor_files(&anchor)?;
        let cp = super::ledger::checkpoint(&store, &key, &log).await?;
        tracing::info!(entries = cp.entries, "ledger checkpoint signed");
        let store = store.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
                match super::ledger::checkpoint(&store, &key, &log).await {
                    Ok(cp) => tracing::info!(entries = cp.entries, "ledger checkpoint signed"),
                    Err(Failure(_, why)) => tracing::error!("ledger checkpoint failed: {why}"),
                }
            }
        });
    }
    let state = gongkai_web::AppState::new(store.clone(), config).with_search(index);
    tracing::info!(
        database = store.backend(),
        "gongkai listening on http://{addr}"
    );
    eprintln!(
        "gongkai 已启动：门户 http://{addr}/  工作台 http://{addr}/console  接口 http://{addr}/api/v1"
    );
    gongkai_web::serve(state, listener)
        .await
        .map_err(|e| Failure(2, format!("服务异常退出：{e}")))?;
    store.close().await;
    Ok(())
}

pub(super) async fn print_demo(store: &Store, accounts: &[gongkai_demo::DemoAccount]) -> Outcome {
    let units = store.units().await?;
    say!(
        "已创建演示区：{}（{} 个单位）。",
        units[0].name,
        units.len()
    );
    say!("工作人员账户（密码只显示这一次，请妥善保存）：");
    for a in accounts {
        say!(
            "  {:<14} {:<18} {:<10} 密码 {}",
            a.username,
            a.role.label(),
            a.unit_code,
            a.password
        );
    }
    Ok(())
}
