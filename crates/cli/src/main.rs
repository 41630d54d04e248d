//! `gongkai`: the one binary. Exit status 0 on success, 1 when a check finds a problem
//! (`audit verify`), 2 on bad input or when something cannot be done.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use gongkai_core::Calendar;
use gongkai_core::calendar::{parse_csv, parse_date};
use gongkai_store::actor::Actor;
use gongkai_store::staff::StaffInput;
use gongkai_store::units::UnitInput;
use gongkai_store::{Location, Store, StoreError};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: indexing and page rendering allocate many small strings; the system allocator
/// spent about an eighth of an import's time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政务公开：主动公开、依申请公开、年度报告，一个程序完成。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the records live (shared by every command that reads or writes them).
#[derive(Args, Clone, Default)]
pub(crate) struct DbArgs {
    /// Directory of the embedded SQLite database [default: ./gongkai-data]
    #[arg(long, env = "GONGKAI_DATA", value_name = "DIR")]
    data: Option<PathBuf>,
    /// A PostgreSQL server instead of SQLite: postgres://user:password@host/db
    #[arg(
        long,
        env = "GONGKAI_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
}

impl DbArgs {
    fn location(&self) -> Location {
        Location::from_options(self.data.as_deref(), self.database_url.as_deref())
    }

    fn given(&self) -> bool {
        self.data.is_some() || self.database_url.is_some()
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (/), the console (/console), the API (/api/v1) and /healthz
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on
        #[arg(long, env = "GONGKAI_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo district first if the database is empty
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (set this when the site is served over HTTPS)
        #[arg(long, env = "GONGKAI_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Online applications accepted per client address per hour
        #[arg(long, env = "GONGKAI_APPLICATIONS_PER_HOUR", default_value_t = 20)]
        applications_per_hour: usize,
        /// Application status look-ups per client address per hour
        #[arg(long, env = "GONGKAI_STATUS_LOOKUPS_PER_HOUR", default_value_t = 60)]
        status_lookups_per_hour: usize,
        /// Opinions, interview questions and messages accepted per client address per hour
        #[arg(long, env = "GONGKAI_CONTRIBUTIONS_PER_HOUR", default_value_t = 20)]
        contributions_per_hour: usize,
        /// Run the website inspection at start and every N hours (0: only on demand)
        #[arg(long, env = "GONGKAI_INSPECT_EVERY_HOURS", default_value_t = 24)]
        inspect_every_hours: u64,
        /// The site's public address, for canonical links, feeds and the sitemap
        #[arg(long, env = "GONGKAI_PUBLIC_URL", default_value = "")]
        public_url: String,
        /// 网站标识码 shown in the footer
        #[arg(long, env = "GONGKAI_SITE_CODE", default_value = "")]
        site_code: String,
        /// ICP备案号 shown in the footer
        #[arg(long, env = "GONGKAI_ICP_RECORD", default_value = "")]
        icp_record: String,
        /// 公安备案号 shown in the footer
        #[arg(long, env = "GONGKAI_POLICE_RECORD", default_value = "")]
        police_record: String,
        /// The search index's directory [default: DIR/search beside the SQLite database, or
        /// ./gongkai-search with PostgreSQL]
        #[arg(long, env = "GONGKAI_SEARCH_INDEX", value_name = "DIR")]
        search_index: Option<PathBuf>,
        /// Keep rendered public pages this many seconds (0: never)
        #[arg(long, env = "GONGKAI_PAGE_CACHE_SECONDS", default_value_t = 2)]
        page_cache_seconds: u64,
    },
    /// Rebuild the search index from the records (the server must be stopped: one process
    /// writes an index)
    Reindex {
        #[command(flatten)]
        db: DbArgs,
        /// The search index's directory (as for serve)
        #[arg(long, env = "GONGKAI_SEARCH_INDEX", value_name = "DIR")]
        search_index: Option<PathBuf>,
    },
    /// Apply the database schema (both engines have the same migrations)
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create the demo district (广州市番禺区人民政府); refuses a database with other records
    Demo {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Units: the government, its departments, towns and streets
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Staff accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit ledger
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The working-day calendar as the office keeps it
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Working-day arithmetic (built-in calendar, or the office's with --data/--database-url)
    Workdays {
        #[command(subcommand)]
        command: WorkdaysCommand,
    },
    /// The answer due date of an application (Arts. 30–34): prints YYYY-MM-DD
    Deadline {
        #[command(flatten)]
        db: DbArgs,
        /// The receipt date (Art. 31)
        #[arg(long, value_name = "DATE")]
        received: String,
        /// The day the corrected application arrived (Art. 30); the period restarts from it
        #[arg(long, value_name = "DATE")]
        correction_received: Option<String>,
        /// A suspension (consultation or fee wait): the day the letter was sent..the day the
        /// reply or payment arrived; may be repeated
        #[arg(long, value_name = "FROM..TO")]
        suspend: Vec<String>,
        /// The period was extended once by 20 working days (Art. 33)
        #[arg(long)]
        extended: bool,
        /// Also print how the date was reached
        #[arg(long)]
        explain: bool,
    },
    /// The annual report of a year: the district's, or one unit's with --unit; `report check`
    /// reads published reports and checks them
    #[command(args_conflicts_with_subcommands = true)]
    Report {
        #[command(subcommand)]
        command: Option<ReportCommand>,
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: Option<String>,
        /// A unit's code; without it, the district report
        #[arg(long)]
        unit: Option<String>,
        /// json | html | csv | docx | pdf (docx and pdf need -o)
        #[arg(long, default_value = "json")]
        format: String,
        /// For CSV: which table (二, 三 or 四)
        #[arg(long, default_value = "三")]
        table: String,
        /// Write to this file instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Measure: online applications accepted per second through the HTTP API, each durably
    /// committed before it is acknowledged (a fresh SQLite database unless one is given)
    Bench {
        #[command(flatten)]
        db: DbArgs,
        /// How long to run the load
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
    /// Measure search: the law corpus split into articles, imported (storage and index),
    /// then recall against a brute-force scan, latency at the engine and over HTTP, index
    /// size and memory
    BenchSearch {
        /// shared/corpus/laws-cn.jsonl.gz
        #[arg(long, value_name = "FILE")]
        corpus: PathBuf,
        /// Also index ten times as many documents and measure the engine again
        #[arg(long)]
        large: bool,
    },
    /// Measure the annual report over a synthetic district (created in a fresh database, or in
    /// the one given if it has no units yet)
    BenchReport {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 1_000_000)]
        applications: usize,
        #[arg(long, default_value_t = 1_000_000)]
        publications: usize,
        #[arg(long, default_value_t = 500)]
        units: usize,
    },
    /// Measure the report reader: 1,000 reports read and checked
    BenchReader,
    /// Scan files for personal data and secrecy markings before release: one line per finding
    /// (file, place, kind, masked value); exit 1 if anything is found, 0 if clean, 2 if a file
    /// cannot be read
    Scan {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 信息处理费 (国办函〔2020〕109号) in yuan
    Fee {
        #[command(subcommand)]
        command: FeeCommand,
    },
    /// Bulk import of records kept elsewhere
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Read published annual reports (HTML, text, PDF; folders too) and say what is wrong with
    /// them; exit 1 if any report has a problem, 2 if a file cannot be read
    Check {
        #[arg(required = true, value_name = "FILE_OR_DIR")]
        paths: Vec<PathBuf>,
        /// text | json (one JSON object per file per line)
        #[arg(long, default_value = "text")]
        format: String,
        /// Also write one row per report to this CSV, and an HTML overview beside it
        #[arg(long, value_name = "CSV")]
        summary: Option<PathBuf>,
    },
    /// Keep a published report (read as by `check`) as a unit's history of its year, for the
    /// carry-over check of the next year and the charts over the years
    Import {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// The unit's code
        #[arg(long)]
        unit: String,
        /// The year, when the report does not say it
        #[arg(long)]
        year: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Published items from a JSONL file (one JSON object per line: index_no, unit_code, title,
    /// formed_on, published_on, columns, and optionally summary, publisher, doc_number, topic,
    /// genre, validity, body). Lines whose 索引号 is already stored are left as they are, so the
    /// same file can be imported again. Exit 1 if any line was refused, 2 if the file is unreadable.
    /// The search index (when it exists and no server holds it) is updated alongside.
    Publications {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// The search index's directory (as for serve)
        #[arg(long, env = "GONGKAI_SEARCH_INDEX", value_name = "DIR")]
        search_index: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum FeeCommand {
    /// Total for N applications by one applicant in one natural month (按件计收)
    Items {
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Fee for one application of N pages (按量计收)
    Pages {
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
}

#[derive(Subcommand)]
// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum UnitCommand {
    /// Add a unit (the first one must be the government)
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// government | department | town | street
        #[arg(long)]
        kind: String,
        /// The parent unit's code (omit only for the government)
        #[arg(long, default_value = "")]
        parent: String,
        #[arg(long, default_value = "")]
        short_name: String,
        #[arg(long, default_value = "")]
        office_name: String,
        #[arg(long, default_value = "")]
        office_address: String,
        #[arg(long, default_value = "")]
        office_postcode: String,
        #[arg(long, default_value = "")]
        office_hours: String,
        #[arg(long, default_value = "")]
        office_phone: String,
        #[arg(long, default_value = "")]
        office_fax: String,
        #[arg(long, default_value = "")]
        office_internet: String,
    },
    /// List units (tab-separated: code, kind, parent, name)
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set up a unit's catalog columns from a template (art20, art21, key_areas, five_open,
    /// sector, grassroots, portal, epidemic), or list them (tab-separated: id, depth, path,
    /// catalog) without --template
    Columns {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        code: String,
        #[arg(long)]
        template: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account; the password is read from standard input (one line)
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        unit: String,
        /// office_admin | editor | reviewer | handler | auditor
        #[arg(long)]
        role: String,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// List staff accounts
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; report the first tampered entry (exit 1 if any)
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Import a holiday CSV (date,name,kind,notice); the years it covers are replaced
    Import {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
    },
    /// Show the years the calendar covers
    Show {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum WorkdaysCommand {
    /// Print the N-th working day after DATE (DATE itself never counts)
    Add {
        #[command(flatten)]
        db: DbArgs,
        date: String,
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Print the number of working days in (FROM, TO]
    Count {
        #[command(flatten)]
        db: DbArgs,
        from: String,
        to: String,
    },
}

/// `println!` that ends the program quietly when the reader has gone (`gongkai unit list | head`).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        if let Err(e) = writeln!(std::io::stdout(), $($t)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

/// A failure with its exit status and the message a person reads.
pub(crate) struct Failure(pub(crate) u8, pub(crate) String);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(2, e.to_string())
    }
}

type Outcome = Result<(), Failure>;

mod alloc;
mod bench_search;
mod report_check;

fn main() -> ExitCode {
    let sqlite_on_mimalloc = alloc::init();
    let cli = Cli::parse();
    init_logging();
    if !sqlite_on_mimalloc {
        tracing::debug!("SQLite keeps the C library's allocator (it was in use before main)");
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::from(2);
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            if !msg.is_empty() {
                eprintln!("错误：{msg}");
            }
            ExitCode::from(code)
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GONGKAI_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn open(db: &DbArgs) -> Result<Store, Failure> {
    Ok(Store::open_and_migrate(&db.location()).await?)
}

/// Whoever runs the CLI holds the database file itself: the system, named after the user.
fn cli_actor() -> Actor {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    Actor::system(&format!("cli:{user}"))
}

async fn run(command: Command) -> Outcome {
    match command {
        Command::Serve {
            db,
            listen,
            demo,
            secure_cookies,
            applications_per_hour,
            status_lookups_per_hour,
            contributions_per_hour,
            inspect_every_hours,
            public_url,
            site_code,
            icp_record,
            police_record,
            search_index,
            page_cache_seconds,
        } => {
            let index = index_dir(&db, search_index);
            let config = gongkai_web::WebConfig {
                secure_cookies,
                applications_per_hour,
                status_lookups_per_hour,
                contributions_per_hour,
                inspect_every_hours,
                public_url,
                site_code,
                icp_record,
                police_record,
                page_cache_seconds,
            };
            serve(db, listen, demo, config, &index).await
        }
        Command::Reindex { db, search_index } => reindex(&db, &index_dir(&db, search_index)).await,
        Command::Migrate { db } => {
            let store = open(&db).await?;
            say!("数据库结构已是最新（{}）。", store.backend());
            Ok(())
        }
        Command::Demo { db } => {
            let store = open(&db).await?;
            let accounts = store.create_demo().await?;
            print_demo(&store, &accounts).await
        }
        Command::Unit { command } => unit(command).await,
        Command::User { command } => user(command).await,
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let store = open(&db).await?;
            let v = store.audit_verify().await?;
            match v.first_bad {
                None => {
                    say!("审计日志完整：共 {} 条，末条哈希 {}", v.entries, v.head);
                    Ok(())
                }
                Some((seq, t)) => Err(Failure(
                    1,
                    format!(
                        "审计日志被篡改：{}（此前 {} 条完好）",
                        gongkai_store::audit::describe_tamper(seq, &t),
                        v.entries
                    ),
                )),
            }
        }
        Command::Calendar { command } => calendar(command).await,
        Command::Workdays { command } => workdays(command).await,
        Command::Deadline {
            db,
            received,
            correction_received,
            suspend,
            extended,
            explain,
        } => {
            use gongkai_core::deadline::{Clock, Suspension, SuspensionKind, answer_due};
            let received = date_arg(&received)?;
            let correction_received = correction_received.as_deref().map(date_arg).transpose()?;
            let mut suspensions = Vec::new();
            for s in &suspend {
                let (a, b) = s.split_once("..").ok_or_else(|| {
                    Failure(2, format!("--suspend “{s}” 应形如 2021-10-11..2021-10-19"))
                })?;
                suspensions.push(Suspension {
                    kind: SuspensionKind::ThirdParty,
                    from: date_arg(a)?,
                    to: date_arg(b)?,
                    ongoing: false,
                });
            }
            let clock = Clock {
                received: Some(received),
                correction_received,
                suspensions,
                extended,
            };
            let cal = calendar_for(&db).await?;
            let due = answer_due(&cal, &clock).map_err(|e| Failure(2, e.to_string()))?;
            say!("{}", due.date);
            if explain {
                for step in &due.steps {
                    eprintln!("  {step}");
                }
            }
            Ok(())
        }
        Command::Report {
            command:
                Some(ReportCommand::Check {
                    paths,
                    format,
                    summary,
                }),
            ..
        } => report_check::run(&paths, &format, summary.as_deref()),
        Command::Report {
            command:
                Some(ReportCommand::Import {
                    db,
                    file,
                    unit,
                    year,
                }),
            ..
        } => {
            let store = open(&db).await?;
            report_check::import(&store, &file, &unit, year.as_deref(), &cli_actor()).await
        }
        Command::Report {
            command: None,
            db,
            year,
            unit,
            format,
            table,
            output,
        } => {
            let year = year.ok_or_else(|| {
                Failure(
                    2,
                    "请用 --year 指定年度，如 --year 2021（或用 report check 检查已发布的报告）"
                        .into(),
                )
            })?;
            report(db, &year, unit.as_deref(), &format, &table, output).await
        }
        Command::Bench {
            db,
            seconds,
            concurrency,
        } => bench(db, seconds, concurrency).await,
        Command::BenchSearch { corpus, large } => bench_search::run(&corpus, large).await,
        Command::BenchReport {
            db,
            applications,
            publications,
            units,
        } => bench_search::report(db, applications, publications, units).await,
        Command::BenchReader => bench_search::reader(),
        Command::Scan { files } => scan(&files),
        Command::Import {
            command:
                ImportCommand::Publications {
                    db,
                    file,
                    search_index,
                },
        } => import_publications(&db, &file, &index_dir(&db, search_index)).await,
        Command::Fee { command } => {
            use gongkai_core::fees::{items_total, pages_fee};
            let (n, f): (&str, fn(u64) -> u64) = match &command {
                FeeCommand::Items { n } => (n, items_total),
                FeeCommand::Pages { n } => (n, pages_fee),
            };
            let n: u64 = n
                .trim()
                .parse()
                .ok()
                .filter(|n| *n <= 1_000_000_000)
                .ok_or_else(|| Failure(2, format!("N 应为非负整数，而不是“{n}”")))?;
            say!("{}", f(n));
            Ok(())
        }
    }
}

/// Where the search index lives unless given: beside the SQLite database, or in the working
/// directory with PostgreSQL.
fn index_dir(db: &DbArgs, given: Option<PathBuf>) -> PathBuf {
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

fn say_if_replaced(dir: &std::path::Path, opened: gongkai_search::Opened) {
    if let gongkai_search::Opened::Replaced(why) = opened {
        eprintln!(
            "检索索引 {} 无法读取（{why}），已移到一旁并重建。",
            dir.display()
        );
    }
}

async fn reindex(db: &DbArgs, dir: &std::path::Path) -> Outcome {
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
        .rebuild(&store, &|n| {
            if tty {
                progress_of(n as usize, total.max(0) as usize, "条");
            }
        })
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

async fn serve(
    db: DbArgs,
    listen: String,
    demo: bool,
    config: gongkai_web::WebConfig,
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
            let accounts = store.create_demo().await?;
            print_demo(&store, &accounts).await?;
        }
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure(2, format!("无法监听 {addr}：{e}")))?;
    let index = open_index(index_dir)?;
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

async fn print_demo(store: &Store, accounts: &[gongkai_store::demo::DemoAccount]) -> Outcome {
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

async fn unit(command: UnitCommand) -> Outcome {
    match command {
        UnitCommand::Add {
            db,
            code,
            name,
            kind,
            parent,
            short_name,
            office_name,
            office_address,
            office_postcode,
            office_hours,
            office_phone,
            office_fax,
            office_internet,
        } => {
            let store = open(&db).await?;
            let input = UnitInput {
                code,
                name,
                short_name,
                kind,
                parent_code: parent,
                sort_order: String::new(),
                office_name,
                office_address,
                office_postcode,
                office_hours,
                office_phone,
                office_fax,
                office_internet,
            };
            let u = store.create_unit(&cli_actor(), &input).await?;
            say!("已添加单位 {} {}", u.code, u.name);
            Ok(())
        }
        UnitCommand::List { db } => {
            let store = open(&db).await?;
            let units = store.units().await?;
            for u in &units {
                let parent = u
                    .parent_id
                    .and_then(|id| units.iter().find(|p| p.id == id))
                    .map(|p| p.code.as_str())
                    .unwrap_or("-");
                say!("{}\t{}\t{}\t{}", u.code, u.kind, parent, u.name);
            }
            Ok(())
        }
        UnitCommand::Columns { db, code, template } => {
            let store = open(&db).await?;
            let unit = store
                .unit_by_code(&code)
                .await?
                .ok_or_else(|| Failure(2, format!("没有代码为“{code}”的单位")))?;
            if let Some(t) = template {
                let made = store
                    .apply_column_template(&cli_actor(), unit.id, None, &t)
                    .await?;
                say!("已建立 {} 个栏目", made.len());
            } else {
                for n in store.column_tree(unit.id, true).await? {
                    say!(
                        "{}\t{}\t{}\t{}",
                        n.column.id,
                        n.depth,
                        n.path,
                        n.column.catalog_label()
                    );
                }
            }
            Ok(())
        }
    }
}

async fn user(command: UserCommand) -> Outcome {
    match command {
        UserCommand::Add {
            db,
            unit,
            role,
            username,
            display_name,
        } => {
            if std::io::stdin().is_terminal() {
                eprintln!("请输入密码（至少 10 个字符），回车结束：");
            }
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| Failure(2, format!("无法读取密码：{e}")))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let store = open(&db).await?;
            let input = StaffInput {
                username,
                display_name,
                unit_code: unit,
                role,
                password,
            };
            let s = store.create_staff(&cli_actor(), &input).await?;
            say!(
                "已添加账户 {}（{} · {}）",
                s.username,
                s.unit_name,
                s.role().label()
            );
            Ok(())
        }
        UserCommand::List { db } => {
            let store = open(&db).await?;
            for s in store.staff_list(None).await? {
                say!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.username,
                    s.role.as_str(),
                    s.unit_code,
                    s.display_name,
                    if s.active { "active" } else { "disabled" }
                );
            }
            Ok(())
        }
    }
}

async fn calendar(command: CalendarCommand) -> Outcome {
    match command {
        CalendarCommand::Import { db, file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure(2, format!("无法读取 {}：{e}", file.display())))?;
            let entries =
                parse_csv(&text).map_err(|e| Failure(2, format!("{}：{e}", file.display())))?;
            let store = open(&db).await?;
            let years = store.import_calendar(&cli_actor(), entries).await?;
            let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            say!("已导入，替换了以下年度：{}", years.join("、"));
            Ok(())
        }
        CalendarCommand::Show { db } => {
            let store = open(&db).await?;
            let cal = store.calendar().await?;
            for y in cal.covered_years() {
                let n = cal.entries().iter().filter(|(_, c)| c == y).count();
                say!("{y}\t{n} 天");
            }
            Ok(())
        }
    }
}

/// Lines read and stored per transaction by the import (and by `bench-search`). The index
/// follows committed batches; 5,000 instead of 2,000 made an import with its index about 5 %
/// faster (fewer commits, and the index less often idle waiting for the next one).
const IMPORT_BATCH: usize = 5000;

/// The field a serde error names (`missing field `title``, `unknown field `x``), if any.
fn serde_field(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split('`').nth(1).unwrap_or("").to_string()
}

/// A progress bar on standard error, redrawn in place.
fn progress(done: usize, total: usize) {
    progress_of(done, total, "行")
}

fn progress_of(done: usize, total: usize, unit: &str) {
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

async fn import_publications(
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
            let (stored, indexed) = index.follow_while(&store, import).await;
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

async fn calendar_for(db: &DbArgs) -> Result<Calendar, Failure> {
    if db.given() {
        Ok(open(db).await?.calendar().await?)
    } else {
        Ok(Calendar::builtin().clone())
    }
}

fn date_arg(s: &str) -> Result<NaiveDate, Failure> {
    parse_date(s).map_err(|m| Failure(2, m))
}

async fn workdays(command: WorkdaysCommand) -> Outcome {
    match command {
        WorkdaysCommand::Add { db, date, n } => {
            let date = date_arg(&date)?;
            let n: u32 = n
                .trim()
                .parse()
                .ok()
                .filter(|n| *n <= 100_000)
                .ok_or_else(|| Failure(2, format!("N 应为 0–100000 的整数，而不是“{n}”")))?;
            let cal = calendar_for(&db).await?;
            let d = cal
                .add_workdays(date, n)
                .map_err(|e| Failure(2, e.to_string()))?;
            say!("{d}");
            Ok(())
        }
        WorkdaysCommand::Count { db, from, to } => {
            let (from, to) = (date_arg(&from)?, date_arg(&to)?);
            let cal = calendar_for(&db).await?;
            let n = cal
                .count_workdays(from, to)
                .map_err(|e| Failure(2, e.to_string()))?;
            say!("{n}");
            Ok(())
        }
    }
}

async fn report(
    db: DbArgs,
    year: &str,
    unit: Option<&str>,
    format: &str,
    table: &str,
    output: Option<PathBuf>,
) -> Outcome {
    use gongkai_web::report as report_view;
    let year: i32 = gongkai_core::report::parse_year(year)
        .ok_or_else(|| Failure(2, format!("年度“{year}”无效，应为四位数字，例如 2021")))?;
    if !matches!(format, "json" | "html" | "csv" | "docx" | "pdf") {
        return Err(Failure(
            2,
            format!("格式“{format}”无效：可用 json、html、csv、docx、pdf"),
        ));
    }
    if matches!(format, "docx" | "pdf") && output.is_none() {
        return Err(Failure(
            2,
            format!("{format} 是二进制文件，请用 -o 指定输出文件"),
        ));
    }
    let store = open(&db).await?;
    let built = report_view::build(&store, year, unit).await?;
    let data = &built.data;
    let bytes: Vec<u8> = match format {
        "json" => serde_json::to_string_pretty(&report_view::to_json(data))
            .map_err(|e| Failure(2, e.to_string()))?
            .into_bytes(),
        "csv" => report_view::to_csv(data, table)
            .map_err(|m| Failure(2, m))?
            .into_bytes(),
        "docx" => {
            gongkai_web::report::docs::docx(data, &built.sections).map_err(|m| Failure(2, m))?
        }
        "pdf" => gongkai_web::report::docs::pdf(data, &built.sections)
            .map_err(|e| Failure(2, e.to_string()))?,
        _ => {
            let site = store.root_unit().await?.map(|u| u.name).unwrap_or_default();
            let json_url = match unit {
                Some(c) => format!("/api/v1/reports/{year}?unit={c}"),
                None => format!("/api/v1/reports/{year}"),
            };
            let page = report_view::page(data, site, &built.sections, json_url);
            report_view::html(&page)
                .map_err(|m| Failure(2, m))?
                .into_bytes()
        }
    };
    match output {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| Failure(2, format!("无法写入 {}：{e}", path.display())))?,
        None => say!("{}", String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}

/// The load generator of `gongkai bench`: the server and the clients in one process, talking
/// over loopback HTTP.
async fn bench(db: DbArgs, seconds: u64, concurrency: usize) -> Outcome {
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
        store.create_demo_organisation().await?;
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

fn scan(files: &[PathBuf]) -> Outcome {
    // A malformed file must read as "unreadable", not print a panic: the PDF reader can panic.
    std::panic::set_hook(Box::new(|_| {}));
    let today = gongkai_core::clock::today();
    let (mut found, mut unreadable) = (0usize, 0usize);
    for file in files {
        let name = file.display().to_string();
        let result = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                gongkai_scan::scan_file(&name, &bytes, today).map_err(|e| e.to_string())
            });
        match result {
            Ok(findings) => {
                for f in &findings {
                    say!("{name}\t{}\t{}\t{}", f.place, f.kind.label(), f.masked);
                }
                found += findings.len();
            }
            Err(e) => {
                eprintln!("{name}：无法读取：{e}");
                unreadable += 1;
            }
        }
    }
    let _ = std::panic::take_hook();
    if unreadable > 0 {
        Err(Failure(
            2,
            format!("{unreadable} 个文件无法读取，未完成扫描"),
        ))
    } else if found > 0 {
        Err(Failure(
            1,
            format!("发现 {found} 处个人信息或密级标志，发布前须处理或经审核确认"),
        ))
    } else {
        Ok(())
    }
}
