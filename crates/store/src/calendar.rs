//! The working-day calendar as the office keeps it: built in for 2019–2026, replaced year by year
//! by importing a newer notice (same CSV form as shared/domain/holidays-cn.csv).

use crate::actor::Actor;
use crate::{Result, Store, StoreError, Tx, audit, on_pool, on_tx};
use chrono::NaiveDate;
use gongkai_core::access::Action;
use gongkai_core::calendar::{BUILTIN_CSV, parse_csv};
use gongkai_core::{Calendar, CalendarEntry, DayKind};
use serde_json::json;
use std::collections::BTreeSet;

#[derive(sqlx::FromRow)]
struct DayRow {
    day: NaiveDate,
    name: String,
    kind: String,
    notice: String,
}

impl Store {
    /// The calendar in effect.
    pub async fn calendar(&self) -> Result<Calendar> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, DayRow>(
            "SELECT day, name, kind, notice FROM calendar_days ORDER BY day").fetch_all(p).await?);
        // A row that does not read as a day off or a make-up working day is an error, never a
        // guess: a wrong guess would move every deadline silently.
        let entries = rows
            .into_iter()
            .map(|r| {
                let kind = DayKind::parse(&r.kind).ok_or_else(|| {
                    StoreError::Internal(format!(
                        "calendar_days 中 {} 的类型“{}”无法识别",
                        r.day, r.kind
                    ))
                })?;
                Ok(CalendarEntry {
                    date: r.day,
                    name: r.name,
                    kind,
                    notice: r.notice,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Calendar::from_entries(entries))
    }

    pub(crate) async fn seed_builtin_calendar(&self) -> Result<()> {
        let (n,): (i64,) = on_pool!(self, p =>
            sqlx::query_as("SELECT COUNT(*) FROM calendar_days").fetch_one(p).await?);
        if n > 0 {
            return Ok(());
        }
        let entries = parse_csv(BUILTIN_CSV).expect("the built-in calendar CSV is valid");
        let cal = Calendar::from_entries(entries);
        let mut tx = self.begin_write().await?;
        write_all(&mut tx, &cal).await?;
        audit::append(
            &mut tx,
            "system",
            "calendar.load_builtin",
            "calendar",
            &serde_json::Value::Null,
            &json!({"years": cal.covered_years(), "days": cal.entries().len()}),
        )
        .await?;
        tx.commit().await
    }

    /// Import a calendar CSV: the years its notices cover are replaced, the others kept.
    /// Returns the years replaced.
    pub async fn import_calendar(
        &self,
        actor: &Actor,
        entries: Vec<CalendarEntry>,
    ) -> Result<BTreeSet<i32>> {
        actor.may(Action::Administer, None)?;
        let missing = gongkai_core::calendar::missing_holidays(&entries);
        if !missing.is_empty() {
            let what: Vec<String> = missing
                .iter()
                .map(|(year, m)| format!("{year} 年缺少{}", m.join("、")))
                .collect();
            return Err(StoreError::invalid(
                "file",
                format!(
                    "这不是一份完整的放假安排通知：{}。国务院办公厅的通知每年安排元旦、春节、清明节、劳动节、端午节、中秋节、国庆节七个节日的放假，请导入整份通知。",
                    what.join("；")
                ),
            ));
        }
        let actor = actor.name();
        let current = self.calendar().await?;
        let (merged, replaced) = current.merged_with(entries);
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM calendar_days").execute(c).await?.rows_affected());
        write_all(&mut tx, &merged).await?;
        audit::append(
            &mut tx,
            actor,
            "calendar.import",
            "calendar",
            &json!({"years": current.covered_years(), "days": current.entries().len()}),
            &json!({"years": merged.covered_years(), "days": merged.entries().len(), "replaced": replaced}),
        )
        .await?;
        tx.commit().await?;
        Ok(replaced)
    }
}

async fn write_all(tx: &mut Tx, cal: &Calendar) -> Result<()> {
    for (e, year) in cal.entries() {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO calendar_days (day, name, kind, notice, covers_year) VALUES ($1, $2, $3, $4, $5)")
            .bind(e.date).bind(&e.name).bind(e.kind.as_str()).bind(&e.notice).bind(*year as i64)
            .execute(c).await?.rows_affected());
    }
    Ok(())
}
