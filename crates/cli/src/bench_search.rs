//! `gongkai bench-search`: the law corpus split into articles, loaded through the import path
//! (storage, then the index following the store), then search latency at the engine and
//! through the HTTP API, recall against a brute-force scan, index size and memory; with
//! `--large`, the engine again over ten times as many documents.

use crate::{DbArgs, Failure, Outcome};
use chrono::NaiveDate;
use gongkai_core::html::escape;
use gongkai_search::{Search, SearchDoc, fold};
use gongkai_store::actor::Actor;
use gongkai_store::publishing::ImportItem;
use gongkai_store::units::UnitInput;
use gongkai_store::{Location, Store};
use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

/// The fixed query list (from the corpus README and the trade's common searches), with a
/// one-character query and a traditional-character one.
pub const QUERIES: &[&str] = &[
    "信息公开",
    "政府信息公开",
    "依申请公开",
    "行政复议",
    "不动产登记",
    "个人信息保护",
    "工作日",
    "食品安全",
    "行政处罚",
    "环境保护",
    "安全生产",
    "未成年人",
    "知识产权",
    "突发事件",
    "城乡规划",
    "数据安全",
    "农村土地承包",
    "营商环境",
    "税",
    "個人信息保護",
];

/// One article of a law.
pub struct Article {
    pub law: String,
    pub date: NaiveDate,
    pub label: String,
    pub lines: Vec<String>,
}

impl Article {
    pub fn title(&self) -> String {
        format!("{} {}", self.law, self.label)
    }
    pub fn body_text(&self) -> String {
        self.lines.join("\n")
    }
}

/// `第…条` at the start of a line: the label.
fn article_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let numeral = &rest[..end];
    (!numeral.is_empty()
        && numeral.chars().count() <= 8
        && numeral
            .chars()
            .all(|c| "一二三四五六七八九十百千零〇两".contains(c)))
    .then(|| &line[..'第'.len_utf8() + end + '条'.len_utf8()])
}

/// Split the corpus (JSON lines, gzip) into articles.
pub fn read_corpus(path: &Path) -> Result<Vec<Article>, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure(2, format!("无法读取语料 {}：{e}", path.display())))?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let today = gongkai_core::clock::today();
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Failure(2, format!("语料第 {} 行无法读取：{e}", n + 1)))?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let law = v["title"].as_str().unwrap_or("").trim().to_string();
        let date = v["date"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .filter(|d| *d <= today)
            .unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
        let text = v["text"].as_str().unwrap_or("");
        let mut current: Option<Article> = None;
        for l in text.lines() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') || l.starts_with("<!--") {
                continue;
            }
            if let Some(label) = article_label(l) {
                out.extend(current.take());
                current = Some(Article {
                    law: law.clone(),
                    date,
                    label: label.to_string(),
                    lines: vec![l.to_string()],
                });
            } else if let Some(a) = current.as_mut() {
                a.lines.push(l.to_string());
            }
        }
        out.extend(current);
    }
    Ok(out)
}

/// CPU time of this process so far (user and system, every thread), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 11 and 12 after the name;
    // the kernel counts them in ticks of 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn rss_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Latency of the query list, `rounds` times over, after one warm-up round.
fn engine_latency(index: &Search, rounds: usize) -> Result<Vec<Duration>, Failure> {
    let run = |q: &str| {
        index.search(&gongkai_search::SearchQuery {
            text: q.to_string(),
            page: 1,
            per_page: 10,
            ..Default::default()
        })
    };
    for q in QUERIES {
        run(q).map_err(|e| Failure(2, e.to_string()))?;
    }
    let mut times = Vec::new();
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            run(q).map_err(|e| Failure(2, e.to_string()))?;
            times.push(t.elapsed());
        }
    }
    times.sort();
    Ok(times)
}

pub async fn run(corpus: &Path, large: bool) -> Outcome {
    let articles = read_corpus(corpus)?;
    let chars: usize = articles.iter().map(|a| a.body_text().chars().count()).sum();
    say!("语料：{} 条（{} 万字）", articles.len(), chars / 10_000);
    let scratch = tempfile::tempdir().map_err(|e| Failure(2, format!("无法创建临时目录：{e}")))?;
    let store = Store::open_and_migrate(&Location::Dir(scratch.path().join("data"))).await?;
    let unit = store
        .create_unit(
            &Actor::system("bench"),
            &UnitInput {
                code: "law".into(),
                name: "法规汇编".into(),
                kind: "government".into(),
                ..Default::default()
            },
        )
        .await?;
    store
        .apply_column_template(&Actor::system("bench"), unit.id, None, "art20")
        .await?;
    let items: Vec<(usize, ImportItem)> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let date = a.date.to_string();
            (
                i + 1,
                ImportItem {
                    index_no: format!("LAW/{:06}", i + 1),
                    unit_code: "law".into(),
                    title: a.title().chars().take(200).collect(),
                    summary: String::new(),
                    formed_on: date.clone(),
                    published_on: date,
                    publisher: String::new(),
                    doc_number: String::new(),
                    topic: String::new(),
                    genre: String::new(),
                    validity: String::new(),
                    body: a
                        .lines
                        .iter()
                        .map(|l| format!("<p>{}</p>", escape(l)))
                        .collect(),
                    columns: vec!["法规文件".into()],
                },
            )
        })
        .collect();
    let today = gongkai_core::clock::today();
    let index_dir = scratch.path().join("search");
    let (index, _) = Search::open(&index_dir).map_err(|e| Failure(2, e.to_string()))?;
    let index = std::sync::Arc::new(index);
    let c0 = cpu_seconds();
    let t0 = Instant::now();
    // Storage and indexing side by side, as `gongkai import publications` runs them (in its
    // batches).
    let (stored, indexed) = index
        .follow_while(
            &gongkai_web::site_search::StoreSource(store.clone()),
            async {
                let mut items = items.into_iter().peekable();
                while items.peek().is_some() {
                    let batch: Vec<_> = items.by_ref().take(crate::IMPORT_BATCH).collect();
                    let s = store
                        .import_publications(&Actor::system("bench"), batch, today)
                        .await?;
                    if let Some(e) = s.errors.first() {
                        return Err(Failure(
                            2,
                            format!("导入失败：第 {} 行 {}：{}", e.line, e.field, e.message),
                        ));
                    }
                }
                Ok(t0.elapsed())
            },
        )
        .await;
    let stored = stored?;
    indexed.map_err(|e| Failure(2, e.to_string()))?;
    let total = t0.elapsed();
    let c1 = cpu_seconds();
    let index =
        std::sync::Arc::into_inner(index).ok_or_else(|| Failure(2, "检索索引仍被占用".into()))?;
    let n = articles.len() as f64;
    let before = dir_size(&index_dir);
    let t2 = Instant::now();
    index.compact().map_err(|e| Failure(2, e.to_string()))?;
    say!(
        "导入（存储与索引同时进行：存储完 {:.1} 秒，索引完 {:.1} 秒，CPU {:.1} 秒）：{:.0} 条/秒（端到端）；合并段 {:.1} 秒，索引 {:.1} MB（合并前 {:.1} MB）",
        stored.as_secs_f64(),
        total.as_secs_f64(),
        c1 - c0,
        n / total.as_secs_f64(),
        t2.elapsed().as_secs_f64(),
        dir_size(&index_dir) as f64 / 1e6,
        before as f64 / 1e6
    );

    // Recall: ids were given in import order in this fresh database (checked at both ends).
    let first = store
        .publication_by_index("LAW/000001")
        .await?
        .map(|p| p.id);
    let last_ix = format!("LAW/{:06}", articles.len());
    let last = store.publication_by_index(&last_ix).await?.map(|p| p.id);
    if first != Some(1) || last != Some(articles.len() as i64) {
        return Err(Failure(2, "导入后的编号不连续，无法核对召回率".into()));
    }
    let folded: Vec<(String, String)> = articles
        .iter()
        .map(|a| (fold(&a.title()), fold(&a.body_text())))
        .collect();
    let mut missed_total = 0usize;
    let mut expected_total = 0usize;
    let mut inversions = 0usize;
    say!("召回（与逐条扫描比对）：");
    for q in QUERIES {
        let fq = fold(q);
        let expected: HashSet<i64> = folded
            .iter()
            .enumerate()
            .filter(|(_, (t, b))| t.contains(&fq) || b.contains(&fq))
            .map(|(i, _)| i as i64 + 1)
            .collect();
        let found = index
            .matching_ids(q)
            .map_err(|e| Failure(2, e.to_string()))?;
        let missed = expected.difference(&found).count();
        let extra = found.difference(&expected).count();
        missed_total += missed;
        expected_total += expected.len();
        // Word-level ranking: among the top 50, no item where the query is not a word of the
        // text may rank above one where it is.
        let top = index
            .ranked_ids(q, 50)
            .map_err(|e| Failure(2, e.to_string()))?;
        let is_word = |id: i64| {
            let (t, b) = &folded[(id - 1) as usize];
            let words = |s: &str| {
                gongkai_search::text::words(s)
                    .into_iter()
                    .any(|w| w.2 == fq)
            };
            words(t) || words(b)
        };
        let flags: Vec<bool> = top.iter().map(|id| is_word(*id)).collect();
        let mut seen_non_word = false;
        let mut inv = 0;
        for w in &flags {
            if !w {
                seen_non_word = true;
            } else if seen_non_word {
                inv += 1;
            }
        }
        inversions += inv;
        say!(
            "  {q}：应找到 {}，找到 {}，漏 {missed}，多 {extra}；前 50 条中排序倒置 {inv}",
            expected.len(),
            found.len()
        );
    }
    say!(
        "召回率：{:.2}%（{} 条中漏 {missed_total} 条），排序倒置共 {inversions}",
        100.0 * (expected_total - missed_total) as f64 / expected_total.max(1) as f64,
        expected_total
    );

    let times = engine_latency(&index, 50)?;
    say!(
        "检索延迟（引擎，{} 次）：p50 {:.3} ms，p99 {:.3} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );

    // Through HTTP: the real server on loopback, one client in sequence.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure(2, e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure(2, e.to_string()))?;
    let state = gongkai_web::AppState::new(store.clone(), gongkai_web::WebConfig::default())
        .with_search(index);
    tokio::spawn(gongkai_web::serve(state, listener));
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/search");
    let mut http = Vec::new();
    for round in 0..51 {
        for q in QUERIES {
            let t = Instant::now();
            let r = client
                .get(&url)
                .query(&[("q", q)])
                .send()
                .await
                .map_err(|e| Failure(2, e.to_string()))?;
            let ok = r.status().is_success();
            let _ = r.bytes().await;
            if !ok {
                return Err(Failure(2, format!("检索接口返回错误：{q}")));
            }
            if round > 0 {
                http.push(t.elapsed());
            }
        }
    }
    http.sort();
    say!(
        "检索延迟（HTTP 接口，{} 次）：p50 {:.3} ms，p99 {:.3} ms",
        http.len(),
        ms(percentile(&http, 0.5)),
        ms(percentile(&http, 0.99))
    );
    let (rss, peak) = rss_kb();
    say!(
        "内存：当前 {} MB，峰值 {} MB（含语料与逐条扫描用的文本）",
        rss / 1024,
        peak / 1024
    );

    if large {
        large_set(&articles, scratch.path())?;
    }
    // The store stays open: the server started above follows it until the process ends.
    Ok(())
}

/// Ten copies of every article (each a distinct item), straight into an index on disk.
fn large_set(articles: &[Article], scratch: &Path) -> Outcome {
    let dir = scratch.join("search-large");
    let (index, _) = Search::open(&dir).map_err(|e| Failure(2, e.to_string()))?;
    let t = Instant::now();
    let mut id = 0i64;
    for copy in 0..10 {
        for chunk in articles.chunks(10_000) {
            let docs: Vec<SearchDoc> = chunk
                .iter()
                .map(|a| {
                    id += 1;
                    SearchDoc {
                        id,
                        title: format!("{}（汇编{}）", a.title(), copy + 1),
                        body: a.body_text(),
                        index_no: format!("BIG/{id:07}"),
                        doc_number: String::new(),
                        unit_code: format!("u{}", id % 500),
                        columns: vec!["法规文件".into()],
                        genre: "其他".into(),
                        published: a.date,
                    }
                })
                .collect();
            index.put(&docs).map_err(|e| Failure(2, e.to_string()))?;
        }
    }
    index.commit(None).map_err(|e| Failure(2, e.to_string()))?;
    index.compact().map_err(|e| Failure(2, e.to_string()))?;
    let took = t.elapsed();
    let times = engine_latency(&index, 20)?;
    let (_, peak) = rss_kb();
    say!(
        "大集合：{id} 条，索引 {:.1} 秒（{:.0} 条/秒），{:.1} MB；检索 p50 {:.3} ms，p99 {:.3} ms；峰值内存 {} MB",
        took.as_secs_f64(),
        id as f64 / took.as_secs_f64(),
        dir_size(&dir) as f64 / 1e6,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        peak / 1024
    );
    Ok(())
}

/// `gongkai bench-report`: the district report of 2021 over a synthetic district.
pub async fn report(db: DbArgs, applications: usize, publications: usize, units: usize) -> Outcome {
    let scratch = tempfile::tempdir().map_err(|e| Failure(2, format!("无法创建临时目录：{e}")))?;
    let location = if db.given() {
        db.location()
    } else {
        Location::Dir(scratch.path().to_path_buf())
    };
    let store = Store::open_and_migrate(&location).await?;
    if !store.has_units().await? {
        let t = Instant::now();
        let size = gongkai_demo::synthetic::Size {
            units,
            applications,
            publications,
        };
        gongkai_demo::synthetic::create_district(&store, size, &|line| eprintln!("  {line}"))
            .await?;
        say!(
            "合成区：{units} 个单位、{applications} 件申请、{publications} 条公开信息，生成用时 {:.0} 秒",
            t.elapsed().as_secs_f64()
        );
    }
    // Peak memory from here on (Linux: writing 5 to clear_refs resets the high-water mark).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let data = store.report_data(2021, None).await?;
        times.push(t.elapsed());
        if data.figures.applications_received == 0 {
            return Err(Failure(2, "合成区没有 2021 年的申请".into()));
        }
    }
    let (_, peak) = rss_kb();
    say!(
        "2021 年全区年报（表二、三、四与各项数字）：首次 {:.0} ms，其后 {:.0} ms、{:.0} ms；峰值内存 {} MB",
        ms(times[0]),
        ms(times[1]),
        ms(times[2]),
        peak / 1024
    );
    store.close().await;
    Ok(())
}

/// `gongkai bench-reader`: 1,000 reports read and checked (the seed as found, gongkai's own
/// HTML report, and that report as plain text), one after another on one core.
pub fn reader() -> Outcome {
    const SEED: &[u8] = include_bytes!("../../reader/tests/data/panyu-2021-as-found.txt");
    const OWN: &str = include_str!("../../web/tests/snapshots/report-2021.html");
    let text: String = {
        let mut s = OWN
            .replace("</td>", " ")
            .replace("</th>", " ")
            .replace("</tr>", "\n");
        while let Some(a) = s.find('<') {
            let b = s[a..].find('>').map_or(s.len(), |b| a + b + 1);
            s.replace_range(a..b, "");
        }
        s
    };
    let inputs: [&[u8]; 3] = [SEED, OWN.as_bytes(), text.as_bytes()];
    let bytes: usize = inputs.iter().map(|b| b.len()).sum();
    let t = Instant::now();
    let mut problems = 0;
    for i in 0..1000 {
        problems += gongkai_reader::read(inputs[i % 3]).problems.len();
    }
    let took = t.elapsed();
    say!(
        "年报体检：1000 份（平均 {} KB）用时 {:.2} 秒，{:.0} 份/秒（共发现问题 {problems} 个）",
        bytes / 3 / 1024,
        took.as_secs_f64(),
        1000.0 / took.as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_labels() {
        assert_eq!(article_label("第一条 为了规范"), Some("第一条"));
        assert_eq!(
            article_label("第一百二十三条　本法"),
            Some("第一百二十三条")
        );
        assert_eq!(article_label("第二章 总则"), None);
        assert_eq!(article_label("第三方条款"), None);
    }
}
