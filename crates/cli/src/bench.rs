//! `gongkai bench`: the server and its clients in one process over loopback HTTP, for the
//! README's figures.

use super::*;

/// The load generator of `gongkai bench`: the server and the clients in one process, talking
/// over loopback HTTP.
pub(super) async fn bench(db: DbArgs, seconds: u64, concurrency: usize) -> Outcome {
    if !(1..=3600).contains(&seconds) || !(1..=4096).contains(&concurrency) {
        return Err(Failure(
            2,
            "--seconds 应为 1–3600，--concurrency 应为 1–4096".into(),
        ));
    }
    let scratch = tempfile::tempdir().map_err(|e| Failure(2, format!("无法创建临时目录：{e}")))?;
    let db = if db.given() {
        db
    } else {
        DbArgs {
            data: Some(scratch.path().to_path_buf()),
            database_url: None,
        }
    };
    let store = open(&db).await?;
    if !store.has_units().await? {
        gongkai_demo::create_organisation(&store).await?;
    }
    let config = gongkai_web::WebConfig {
        applications_per_hour: usize::MAX,
        ..Default::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure(2, e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure(2, e.to_string()))?;
    tokio::spawn(gongkai_web::serve(
        gongkai_web::AppState::new(store.clone(), config),
        listener,
    ));
    let url = format!("http://{addr}/api/v1/applications");
    let body = serde_json::json!({
        "unit_code": "py-zjj", "applicant_type": "natural", "applicant_name": "测试申请人",
        "id_kind": "id_card", "id_number": "11010519491231002X", "phone": "13800138000",
        "info_description": "某小区建设工程规划许可证", "form_wanted": "email", "delivery": "email",
        "email": "bench@example.com"
    });
    let before = store.applications(None, false).await?.len();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (url, body) = (url.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let (mut ok, mut failed) = (0u64, 0u64);
            while std::time::Instant::now() < deadline {
                match client.post(&url).json(&body).send().await {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => ok += 1,
                    _ => failed += 1,
                }
            }
            (ok, failed)
        }));
    }
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        let (o, f) = t.await.map_err(|e| Failure(2, e.to_string()))?;
        ok += o;
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let stored = store.applications(None, false).await?.len() - before;
    say!(
        "{} 数据库，{concurrency} 个并发客户端，{seconds} 秒：确认 {ok} 件（{:.0} 件/秒），失败 {failed} 件，库中新增 {stored} 件",
        store.backend(),
        ok as f64 / elapsed,
    );
    if stored as u64 != ok {
        return Err(Failure(1, format!("确认 {ok} 件，但库中只有 {stored} 件")));
    }
    Ok(())
}
