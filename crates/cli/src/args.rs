//! The command line as clap reads it: every command, its flags and their environment variables.

use super::*;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政务公开：主动公开、依申请公开、年度报告，一个程序完成。"
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where the records live (shared by every command that reads or writes them).
#[derive(Args, Clone, Default)]
pub(crate) struct DbArgs {
    /// Directory of the embedded SQLite database [default: ./gongkai-data]
    #[arg(long, env = "GONGKAI_DATA", value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,
    /// A PostgreSQL server instead of SQLite: postgres://user:password@host/db
    #[arg(
        long,
        env = "GONGKAI_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) database_url: Option<String>,
}

impl DbArgs {
    pub(crate) fn location(&self) -> Location {
        Location::from_options(self.data.as_deref(), self.database_url.as_deref())
    }

    pub(crate) fn given(&self) -> bool {
        self.data.is_some() || self.database_url.is_some()
    }
}

#[derive(Subcommand)]
pub(super) enum Command {
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
        /// The search index's directory [default: DIR/search beside the SQLite database, or
        /// ./gongkai-search with PostgreSQL]
        #[arg(long, env = "GONGKAI_SEARCH_INDEX", value_name = "DIR")]
        search_index: Option<PathBuf>,
        /// The web server's options
        #[command(flatten)]
        config: gongkai_web::WebConfig,
        /// With both: sign a ledger checkpoint at start and every day
        #[command(flatten)]
        anchor: AnchorArgs,
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
    /// A consistent copy of the SQLite database, taken while the server runs (SQLite's
    /// `VACUUM INTO`); PostgreSQL is backed up with pg_dump
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write (must not exist)
        file: PathBuf,
    },
    /// Put a backup in place as a data directory's database, after checking its integrity and
    /// its audit ledger; stop the server first. An existing database is renamed and kept
    Restore {
        /// The backup file (written by `gongkai backup`)
        file: PathBuf,
        /// The data directory to restore into
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Replace an existing database there (it is kept as gongkai.db.before-restore-…)
        #[arg(long)]
        replace: bool,
    },
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
pub(super) enum ReportCommand {
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
pub(super) enum ImportCommand {
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
pub(super) enum FeeCommand {
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
pub(super) enum UnitCommand {
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
pub(super) enum UserCommand {
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
pub(super) enum AuditCommand {
    /// Recompute the hash chain; report the first tampered entry (exit 1 if any). With a key
    /// and a checkpoint log, also check the ledger still holds the newest checkpoint (a deleted
    /// tail or a recomputed chain)
    Verify {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        anchor: AnchorArgs,
    },
    /// Sign the ledger's head (entries and last hash) with the checkpoint key and append it to
    /// the checkpoint log; keep both outside the database and its backups
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        anchor: AnchorArgs,
    },
    /// Make a new checkpoint key (32 random bytes, hex) in FILE, readable by its owner only
    Keygen { file: PathBuf },
}

/// Where the ledger's checkpoints are kept: both outside the database.
#[derive(Args, Clone)]
pub(crate) struct AnchorArgs {
    /// The checkpoint key (made by `gongkai audit keygen`)
    #[arg(
        long = "checkpoint-key",
        env = "GONGKAI_CHECKPOINT_KEY",
        value_name = "FILE"
    )]
    pub(crate) key: Option<PathBuf>,
    /// The checkpoint log (one signed line per checkpoint)
    #[arg(
        long = "checkpoint-log",
        env = "GONGKAI_CHECKPOINT_LOG",
        value_name = "FILE"
    )]
    pub(crate) log: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(super) enum CalendarCommand {
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
pub(super) enum WorkdaysCommand {
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
