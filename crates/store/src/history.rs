//! Annual reports published before gongkai ran, imported as a unit's history (the report
//! reader's JSON): table 三 of an imported year takes part in the carry-over check of the
//! next year, and its figures in the charts over the years.

use crate::actor::Actor;
use crate::{Result, Store, StoreError, audit, now, on_pool, on_tx};
use gongkai_core::access::Action;
use gongkai_core::report::{Format, Table3, table3};
use serde_json::{Value, json};

/// One imported report.
#[derive(Debug, Clone)]
pub struct HistoryReport {
    pub year: i32,
    pub format: String,
    pub source: String,
    /// The reader's JSON: `tables`, `figures`, `problems` …
    pub data: Value,
}

impl HistoryReport {
    /// Table 三 as published, in the report model (rows matched by label).
    pub fn table3(&self) -> Option<Table3> {
        let rows = self.data["tables"]["三"]["rows"].as_array()?;
        let format = Format::parse(&self.format).unwrap_or(Format::for_year(self.year));
        let mut t = table3(self.year, format, &[]);
        for r in &mut t.rows {
            let found = rows.iter().find(|x| x["label"] == r.label)?;
            let values: Vec<u64> = found["values"]
                .as_array()?
                .iter()
                .filter_map(Value::as_u64)
                .collect();
            if values.len() != 7 {
                return None;
            }
            r.values.copy_from_slice(&values);
        }
        Some(t)
    }

    /// A figure stated in the report or read from its tables.
    pub fn figure(&self, key: &str) -> Option<u64> {
        self.data["figures"][key].as_u64()
    }
}

impl Store {
    /// Keep a published report read by the report reader as the unit's history of `year`
    /// (replacing an earlier import of the same year).
    pub async fn import_report_history(
        &self,
        actor: &Actor,
        unit_code: &str,
        year: i32,
        source: &str,
        data: &Value,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !gongkai_core::report::REPORT_YEARS.contains(&year) {
            return Err(StoreError::invalid(
                "year",
                format!("年度 {year} 不在有效范围内"),
            ));
        }
        let unit = self
            .unit_by_code(unit_code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("没有代码为“{unit_code}”的单位")))?;
        // The format as the report was read (a report may use another year's layout).
        let format = data["format"]
            .as_str()
            .and_then(Format::parse)
            .unwrap_or(Format::for_year(year))
            .as_str();
        let text = data.to_string();
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO report_history (unit_id, year, format, source, data, actor, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (unit_id, year) DO UPDATE SET format = $3, source = $4, data = $5, actor = $6, imported_at = $7")
            .bind(unit.id).bind(year as i64).bind(format).bind(source).bind(&text).bind(actor).bind(now())
            .execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "report.history.import",
            &format!("unit:{}:{year}", unit.code),
            &Value::Null,
            &json!({"source": source, "problems": data["problems"].as_array().map_or(0, |p| p.len())}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The imported reports of a unit, oldest first.
    pub async fn report_history(&self, unit_id: i64) -> Result<Vec<HistoryReport>> {
        let rows: Vec<(i64, String, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT year, format, source, data FROM report_history WHERE unit_id = $1 ORDER BY year")
            .bind(unit_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(year, format, source, data)| {
                Ok(HistoryReport {
                    year: year as i32,
                    format,
                    source,
                    data: serde_json::from_str(&data)
                        .map_err(|e| StoreError::Internal(format!("report history: {e}")))?,
                })
            })
            .collect()
    }
}
