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

mod args;
mod bench;
mod import;
mod ledger;
mod scan;
mod serve;
mod setup;
mod tools;
use args::*;
use bench::*;
use import::*;
use scan::*;
use serve::*;
use setup::*;
use tools::*;

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
            search_index,
            config,
            anchor,
        } => {
            let index = index_dir(&db, search_index);
            serve(db, listen, demo, config, anchor, &index).await
        }
        Command::Reindex { db, search_index } => reindex(&db, &index_dir(&db, search_index)).await,
        Command::Migrate { db } => {
            let store = open(&db).await?;
            say!("数据库结构已是最新（{}）。", store.backend());
            Ok(())
        }
        Command::Demo { db } => {
            let store = open(&db).await?;
            let accounts = gongkai_demo::create(&store).await?;
            print_demo(&store, &accounts).await
        }
        Command::Unit { command } => unit(command).await,
        Command::User { command } => user(command).await,
        Command::Audit { command } => ledger::audit(command).await,
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
        Command::Backup { db, file } => {
            let store = open(&db).await?;
            store.backup_to(&file).await?;
            store.close().await;
            say!("已备份到 {}", file.display());
            Ok(())
        }
        Command::Restore {
            file,
            data,
            replace,
        } => {
            let (check, kept) = gongkai_store::backup::restore(&file, &data, replace).await?;
            say!(
                "已恢复到 {}：申请 {} 件，审计日志 {} 条，完整",
                data.display(),
                check.applications,
                check.ledger_entries
            );
            if let Some(k) = kept {
                say!("原数据库保留为 {}", k.display());
            }
            Ok(())
        }
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
