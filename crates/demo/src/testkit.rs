//! Fresh databases for tests (behind the `testkit` feature, never in the server): a SQLite file
//! in a temporary directory, or — when `GONGKAI_TEST_DATABASE_URL` names a PostgreSQL server —
//! a new database on it per test.

use gongkai_store::actor::Actor;
use gongkai_store::auth::random_token;
use gongkai_store::{Location, Result, Store, StoreError};
use sqlx::Connection;
use std::io::Write;
use std::path::PathBuf;

/// The variable naming the PostgreSQL server for tests (a URL whose user may create databases).
pub const PG_ENV: &str = "GONGKAI_TEST_DATABASE_URL";

/// The PostgreSQL URL for tests, if one is configured.
pub fn pg_url() -> Option<String> {
    std::env::var(PG_ENV).ok().filter(|s| !s.trim().is_empty())
}

/// Say, past the test harness's output capture, that something was not run and why.
pub fn say_skipped(what: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what} — {why}");
}

/// Tests reckon deadlines from today: give the calendar the years from this year on that the
/// built-in data lacks, so tests do not depend on the date they run. The stand-in notice has 1
/// January off and names the other statutory holidays on Saturdays (days off anyway), so it is
/// a whole notice that moves no deadline but New Year's. Real installations import the State
/// Council's notice instead.
pub async fn cover_coming_years(store: &Store) -> Result<()> {
    use chrono::{Datelike, NaiveDate, Weekday};
    let this_year = gongkai_core::clock::today().year();
    let cal = store.calendar().await?;
    let mut entries = Vec::new();
    for year in this_year..=this_year + 2 {
        if cal.covered_years().contains(&year) {
            continue;
        }
        let notice = format!("test-stand-in-{year}");
        let saturday_from = |month: u32| {
            let mut d = NaiveDate::from_ymd_opt(year, month, 1).expect("a month's first day");
            while d.weekday() != Weekday::Sat {
                d = d.succ_opt().expect("a next day");
            }
            d
        };
        let mut add = |name: &str, date: NaiveDate| {
            entries.push(gongkai_core::CalendarEntry {
                date,
                name: name.into(),
                kind: gongkai_core::DayKind::Off,
                notice: notice.clone(),
            })
        };
        add(
            "元旦",
            NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"),
        );
        for (name, month) in [
            ("春节", 2),
            ("清明节", 4),
            ("劳动节", 5),
            ("端午节", 6),
            ("中秋节", 9),
            ("国庆节", 10),
        ] {
            add(name, saturday_from(month));
        }
    }
    if !entries.is_empty() {
        store
            .import_calendar(&Actor::system("test"), entries)
            .await?;
    }
    Ok(())
}

/// A database for one test; its temporary directory, or its PostgreSQL database, is removed
/// when this is dropped.
pub struct TestDb {
    pub location: Location,
    pub dir: Option<PathBuf>,
    /// (server URL, database name) of a PostgreSQL test database.
    pub pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop runs inside the test's runtime: drop the database from a thread of its own,
            // closing whatever connections the test left open.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut admin)
                        .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A new, empty database on the engine the tests run against.
pub async fn fresh() -> Result<TestDb> {
    match pg_url() {
        Some(url) => fresh_postgres(&url).await,
        None => Ok(fresh_sqlite()),
    }
}

/// A new empty SQLite database in a temporary directory.
pub fn fresh_sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("gongkai-test-{}", random_token()));
    TestDb {
        location: Location::Dir(dir.clone()),
        dir: Some(dir),
        pg: None,
    }
}

/// A new empty database on the PostgreSQL server at `admin_url`.
pub async fn fresh_postgres(admin_url: &str) -> Result<TestDb> {
    let name = format!("gongkai_test_{}", &random_token()[..16]);
    if !admin_url.starts_with("postgres://") && !admin_url.starts_with("postgresql://") {
        return Err(StoreError::BadUrl(format!(
            "{PG_ENV} must be a postgres:// URL"
        )));
    }
    let mut admin = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    let _ = admin.close().await;
    Ok(TestDb {
        location: Location::Url(replace_db_name(admin_url, &name)),
        dir: None,
        pg: Some((admin_url.to_string(), name)),
    })
}

/// `postgres://u:p@h:5432/db?x=y` with the database name replaced.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            super::replace_db_name("postgres://u@localhost:5433/postgres?sslmode=disable", "t1"),
            "postgres://u@localhost:5433/t1?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://localhost", "t1"),
            "postgres://localhost/t1"
        );
    }
}
