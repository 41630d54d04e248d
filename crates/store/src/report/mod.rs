//! The annual report's figures, computed from the records of one unit or of the whole district.
//! Nothing here is a counter kept by hand: every number is a query over applications, their
//! events and their cases, run again whenever a report is made.

use crate::actor::Actor;
use crate::{Result, Store, StoreError, on_pool};
use chrono::{Datelike, NaiveDate};
use gongkai_core::access::Action;
use gongkai_core::application::{Event, progress};
use gongkai_core::publishing::Catalog;
use gongkai_core::report::{
    AppFact, CaseFact, Decisions, Format, NormFact, NormKind, Problem, check, table2, table3,
    table4,
};
use gongkai_core::taxonomy::{ApplicantType, CaseKind, CaseResult};
use serde::Serialize;
use std::collections::BTreeMap;

mod versions;
pub use gongkai_core::report::model::{
    ApplicationFigures, DisclosureFigures, EngagementFigures, ReportData,
};
pub use versions::*;

#[derive(sqlx::FromRow)]
struct CaseRow {
    kind: String,
    filed_on: NaiveDate,
    result: String,
    result_on: Option<NaiveDate>,
}

impl Store {
    /// The report of `year` for one unit (`Some(code)`) or for the district (`None`).
    pub async fn report_data(&self, year: i32, unit_code: Option<&str>) -> Result<ReportData> {
        if !gongkai_core::report::REPORT_YEARS.contains(&year) {
            return Err(StoreError::invalid(
                "year",
                format!("年度 {year} 不在可出具报告的范围内"),
            ));
        }
        let (unit, scope) = match unit_code {
            Some(code) => (
                self.unit_by_code(code)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("没有代码为“{code}”的单位")))?,
                "unit",
            ),
            None => (
                self.root_unit()
                    .await?
                    .ok_or_else(|| StoreError::NotFound("尚未设置单位，无法出具报告".into()))?,
                "district",
            ),
        };
        let unit_id = (scope == "unit").then_some(unit.id);
        // The parts are independent reads: run them together (the pool has several readers).
        let (
            facts,
            cases,
            norms,
            decisions,
            disclosure,
            engagement,
            (concluded, on_time),
            fees_by_unit,
            history,
        ) = tokio::try_join!(
            self.app_facts(year, unit_id),
            self.case_facts(unit_id),
            self.norm_facts(unit_id),
            self.decisions(year, unit_id),
            self.disclosure_figures(year, unit_id),
            self.engagement_figures(year, unit_id),
            self.concluded_on_time(year, unit_id),
            self.fees_collected(year, unit_id),
            self.report_history(unit.id),
        )?;
        let format = Format::for_year(year);
        let t3 = table3(year, format, &facts);
        let t4 = table4(year, &cases);
        // The year before as published, if it was imported (gongkai was not running then),
        // else as the records give it.
        let previous = match history
            .into_iter()
            .find(|h| h.year == year - 1)
            .and_then(|h| h.table3())
        {
            Some(published) => published,
            None => table3(year - 1, Format::for_year(year - 1), &facts),
        };
        // Carry-over is derived from the same records, so identity 5 holds by construction;
        // it is still checked, as a published earlier report may differ (the reader's concern).
        let mut problems = check(&t3, &t4, Some(&previous));
        let t2 = table2(year, format, &norms, &decisions);
        let missing = t2.missing();
        if !missing.is_empty() {
            problems.push(Problem {
                kind: "missing_records",
                message: format!(
                    "表二以下各行尚无登记数据：{}。请在“表二数据”中录入并注明来源。",
                    missing.join("、")
                ),
            });
        }
        if scope == "district" {
            let mut missing = Vec::new();
            if engagement.service_items.is_none() || engagement.public_service_items.is_none() {
                missing.push("政务服务事项数据");
            }
            if engagement.trainings == 0 {
                missing.push("培训记录");
            }
            if !missing.is_empty() {
                problems.push(Problem {
                    kind: "missing_records",
                    message: format!(
                        "第一部分所需的{}尚无记录，请在工作台录入。",
                        missing.join("、")
                    ),
                });
            }
        }
        let figures = ApplicationFigures {
            applications_received: t3.total("new"),
            applications_carried_in: t3.total("carried_in"),
            applications_concluded: concluded,
            applications_concluded_on_time: on_time,
            applications_carried_out: t3.total("carried_out"),
            reconsiderations: t4.reconsiderations(),
            lawsuits: t4.lawsuits(),
            fees_collected_yuan: fees_by_unit.values().sum(),
            fees_by_unit,
        };
        Ok(ReportData {
            format,
            year,
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            scope,
            table2: t2,
            table3: t3,
            table4: t4,
            figures,
            disclosure,
            engagement,
            problems,
        })
    }

    async fn norm_facts(&self, unit_id: Option<i64>) -> Result<Vec<NormFact>> {
        Ok(self
            .normative_documents(unit_id)
            .await?
            .into_iter()
            .map(|d| NormFact {
                kind: if d.kind == "rule" {
                    NormKind::Rule
                } else {
                    NormKind::Normative
                },
                issued: d.issued_on,
                repealed: d.repealed_on,
                active: d.disclosure == "active",
            })
            .collect())
    }

    /// The decision counts entered for the scope, summed over its units.
    async fn decisions(&self, year: i32, unit_id: Option<i64>) -> Result<Decisions> {
        let mut d = Decisions::default();
        for c in self.decision_counts(year, unit_id).await? {
            let slot = match c.kind.as_str() {
                "license" => &mut d.licences,
                "penalty" => &mut d.penalties,
                "coercion" => &mut d.coercions,
                _ => &mut d.fees_yuan,
            };
            *slot = Some(slot.unwrap_or(0) + c.amount.max(0) as u64);
        }
        Ok(d)
    }

    /// The figures of proactive disclosure for the year, from publications and catalogs.
    pub async fn disclosure_figures(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<DisclosureFigures> {
        let (from, to) = year_bounds(year);
        let count = |n: i64| n.max(0) as u64;
        let (portal,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM publications WHERE status = 'published' AND published_on >= $1              AND published_on <= $2 AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        let majors: Vec<&str> = Catalog::ALL
            .iter()
            .filter(|c| c.is_major())
            .map(|c| c.as_str())
            .collect();
        let in_list = majors
            .iter()
            .map(|m| format!("'{m}'"))
            .collect::<Vec<_>>()
            .join(", ");
        // Each of the year's items once, however many major columns hold it.
        let (major,): (i64,) = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM publications p WHERE p.status = 'published' \
               AND p.published_on >= $1 AND p.published_on <= $2 AND ($3 IS NULL OR p.unit_id = $3) \
               AND EXISTS (SELECT 1 FROM publication_columns pc JOIN columns c ON c.id = pc.column_id \
                           WHERE pc.publication_id = p.id AND c.catalog IN ({in_list}))")))
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        let (pilot,): (i64,) = on_pool!(self, p => sqlx::query_as(
            // From the catalog's columns (few) to their items: CROSS JOIN keeps SQLite to that order.
            "SELECT COUNT(DISTINCT p.id) FROM columns c CROSS JOIN publication_columns pc CROSS JOIN publications p \
             WHERE pc.column_id = c.id AND p.id = pc.publication_id AND c.catalog = 'grassroots' \
               AND p.status = 'published' AND p.published_on <= $1 AND ($2 IS NULL OR p.unit_id = $2)")
            .bind(to).bind(unit_id).fetch_one(p).await?);
        let (catalogs,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM basic_catalogs WHERE published_on >= $1 AND published_on <= $2              AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        // Topic columns: items of the year per column, each counted in its column's ancestors.
        let topic_columns: Vec<(i64, Option<i64>, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, parent_id, name FROM columns WHERE catalog = 'topic' AND ($1 IS NULL OR unit_id = $1)")
            .bind(unit_id).fetch_all(p).await?);
        let links: Vec<(i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT pc.column_id, p.id FROM columns c CROSS JOIN publication_columns pc CROSS JOIN publications p \
             WHERE pc.column_id = c.id AND p.id = pc.publication_id AND c.catalog = 'topic' \
               AND p.status = 'published' AND p.published_on >= $1 AND p.published_on <= $2 \
               AND ($3 IS NULL OR p.unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_all(p).await?);
        let parent: BTreeMap<i64, Option<i64>> =
            topic_columns.iter().map(|(id, p, _)| (*id, *p)).collect();
        let mut items: BTreeMap<i64, std::collections::BTreeSet<i64>> = BTreeMap::new();
        for (col, pubn) in links {
            let mut cursor = Some(col);
            while let Some(c) = cursor {
                items.entry(c).or_default().insert(pubn);
                cursor = parent.get(&c).copied().flatten();
            }
        }
        let mut figures = DisclosureFigures {
            catalogs_published: count(catalogs),
            pilot_catalog_items: count(pilot),
            portal_items: count(portal),
            major_catalog_items: count(major),
            ..Default::default()
        };
        for (id, _, name) in &topic_columns {
            let n = items.get(id).map_or(0, |s| s.len() as u64);
            *figures.topic_columns.entry(name.clone()).or_insert(0) += n;
            if name.contains("疫情") {
                figures.epidemic_column_items += n;
            }
            if name.contains("六稳") {
                figures.stability_column_items += n;
            }
        }
        let eval = self.evaluation_counts(year, unit_id).await?;
        figures.documents_evaluated = eval.evaluated;
        figures.documents_adjusted = eval.adjusted;
        figures.documents_evaluated_by_unit = eval.by_unit;
        Ok(figures)
    }

    /// The years a report can be made for: from the first application received to last year.
    pub async fn report_years(&self) -> Result<Vec<i32>> {
        let first: Option<(Option<NaiveDate>,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT MIN(on_date) FROM application_events WHERE kind = 'received'").fetch_optional(p).await?);
        let last = gongkai_core::clock::today().year() - 1;
        Ok(match first.and_then(|(d,)| d) {
            Some(d) => (d.year()..=last).rev().collect(),
            None => Vec::new(),
        })
    }

    /// The applications as table 三 of `year` and of the year before need them, grouped in
    /// SQL: by applicant type, outcome and receipt date (the order of an index, so no sort),
    /// with how many were concluded in each period (the earlier year, `year`, after, never).
    /// Each group becomes facts dated at the start of their periods: the tables compare dates
    /// only with year ends, so they come out the same as from every application. Applications
    /// concluded before the earlier year, or received after `year`, count in neither table.
    async fn app_facts(&self, year: i32, unit_id: Option<i64>) -> Result<Vec<AppFact>> {
        let b0 = year_bounds(year - 1).0;
        let b1 = year_bounds(year).0;
        let b2 = year_bounds(year + 1).0;
        type Row = (
            String,
            Option<String>,
            Option<NaiveDate>,
            i64,
            i64,
            i64,
            i64,
        );
        let rows: Vec<Row> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.applicant_type, a.outcome, a.received_on, COUNT(*), \
               SUM(CASE WHEN a.concluded_on IS NULL THEN 1 ELSE 0 END), \
               SUM(CASE WHEN a.concluded_on < $2 THEN 1 ELSE 0 END), \
               SUM(CASE WHEN a.concluded_on < $3 THEN 1 ELSE 0 END) \
             FROM applications a \
             WHERE (a.concluded_on IS NULL OR a.concluded_on >= $1) \
               AND (a.received_on IS NULL OR a.received_on < $3) \
               AND ($4 IS NULL OR a.unit_id = $4) \
             GROUP BY a.applicant_type, a.outcome, a.received_on")
            .bind(b0).bind(b1).bind(b2).bind(unit_id).fetch_all(p).await?);
        let received_at = |d: Option<NaiveDate>| {
            d.map(|d| match d {
                d if d < b0 => b0 - chrono::Duration::days(1),
                d if d < b1 => b0,
                _ => b1,
            })
        };
        let mut facts = Vec::with_capacity(rows.len() * 2);
        for (applicant, outcome, received, all, open, before_year, before_next) in rows {
            // An unknown stored type is an error, never counted under 其他.
            let applicant = ApplicantType::parse(&applicant).ok_or_else(|| {
                StoreError::Internal(format!("applications 中的申请人类型“{applicant}”无法识别"))
            })?;
            let received = received_at(received);
            let periods = [
                (None, open),
                (Some(b0), before_year),
                (Some(b1), before_next - before_year),
                (Some(b2), all - open - before_next),
            ];
            for (concluded, n) in periods {
                if n > 0 {
                    facts.push(AppFact {
                        applicant,
                        received,
                        concluded,
                        outcome: outcome.clone(),
                        count: n as u64,
                    });
                }
            }
        }
        Ok(facts)
    }

    async fn case_facts(&self, unit_id: Option<i64>) -> Result<Vec<CaseFact>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, CaseRow>(
            "SELECT c.kind, c.filed_on, c.result, c.result_on FROM review_cases c \
             JOIN applications a ON a.id = c.application_id WHERE ($1 IS NULL OR a.unit_id = $1)")
            .bind(unit_id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(CaseFact {
                    kind: CaseKind::parse(&r.kind)?,
                    filed: r.filed_on,
                    result: CaseResult::parse(&r.result)?,
                    result_on: r.result_on,
                })
            })
            .collect())
    }

    /// Applications concluded in `year`, and how many of them by their due date.
    ///
    /// Most timelines are just received → answered (→ archived): their due date follows from
    /// the receipt alone, so they are grouped in SQL by receipt and conclusion date and each
    /// group's due date computed once. The others (corrections, consultations, extensions,
    /// fees) are read event by event.
    async fn concluded_on_time(&self, year: i32, unit_id: Option<i64>) -> Result<(u64, u64)> {
        let (from, to) = year_bounds(year);
        let cal = self.calendar().await?;
        let plain: Vec<(NaiveDate, NaiveDate, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.received_on, a.concluded_on, COUNT(*) FROM applications a \
             WHERE a.concluded_on >= $1 AND a.concluded_on <= $2 AND a.plain_timeline \
               AND a.received_on IS NOT NULL AND ($3 IS NULL OR a.unit_id = $3) \
             GROUP BY a.received_on, a.concluded_on")
            .bind(from).bind(to).bind(unit_id).fetch_all(p).await?);
        let (mut concluded_n, mut on_time) = (0u64, 0u64);
        for (received, concluded, n) in plain {
            let events = [
                Event::Received { on: received },
                Event::Answered {
                    on: concluded,
                    outcome: String::new(),
                },
            ];
            let p = progress(&cal, &events, concluded)
                .map_err(|e| StoreError::Refused(e.to_string()))?;
            let n = n.max(0) as u64;
            concluded_n += n;
            if p.due.is_some_and(|d| concluded <= d.date) {
                on_time += n;
            }
        }
        let rows: Vec<(i64, String, NaiveDate)> = on_pool!(self, p => sqlx::query_as(
            "SELECT e.application_id, e.detail, a.concluded_on FROM application_events e \
             JOIN applications a ON a.id = e.application_id \
             WHERE a.concluded_on >= $1 AND a.concluded_on <= $2 AND NOT a.plain_timeline \
               AND ($3 IS NULL OR a.unit_id = $3) \
             ORDER BY e.application_id, e.id")
            .bind(from).bind(to).bind(unit_id).fetch_all(p).await?);
        let mut by_app: BTreeMap<i64, (NaiveDate, Vec<Event>)> = BTreeMap::new();
        for (id, detail, concluded) in rows {
            let event: Event = serde_json::from_str(&detail)
                .map_err(|e| StoreError::Internal(format!("event of application {id}: {e}")))?;
            by_app
                .entry(id)
                .or_insert_with(|| (concluded, Vec::new()))
                .1
                .push(event);
        }
        for (concluded, events) in by_app.values() {
            let p = progress(&cal, events, *concluded)
                .map_err(|e| StoreError::Refused(e.to_string()))?;
            concluded_n += 1;
            if p.due.is_some_and(|d| *concluded <= d.date) {
                on_time += 1;
            }
        }
        Ok((concluded_n, on_time))
    }

    /// Fees paid in `year`, by the unit that collected them.
    async fn fees_collected(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<BTreeMap<String, u64>> {
        let (from, to) = year_bounds(year);
        let rows: Vec<(String, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT u.short_name, u.name, e.detail FROM application_events e \
             JOIN applications a ON a.id = e.application_id JOIN units u ON u.id = a.unit_id \
             WHERE e.kind = 'fee_paid' AND e.on_date >= $1 AND e.on_date <= $2 AND ($3 IS NULL OR a.unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_all(p).await?);
        let mut fees = BTreeMap::new();
        for (short, name, detail) in rows {
            if let Ok(Event::FeePaid { amount_yuan, .. }) = serde_json::from_str(&detail) {
                let who = if short.is_empty() { name } else { short };
                *fees.entry(who).or_insert(0) += amount_yuan;
            }
        }
        Ok(fees)
    }
}

/// 1 January and 31 December of `year`.
pub(crate) fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).unwrap_or_default();
    let (a, b) = (d(1, 1), d(12, 31));
    debug_assert_eq!(a.year(), year);
    (a, b)
}

impl Store {
    /// Applications received in `year` by unit (short names), most first.
    pub async fn received_by_unit(&self, year: i32) -> Result<Vec<(String, u64)>> {
        let (from, to) = year_bounds(year);
        let rows: Vec<(String, String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT u.short_name, u.name, COUNT(DISTINCT e.application_id) FROM application_events e \
             JOIN applications a ON a.id = e.application_id JOIN units u ON u.id = a.unit_id \
             WHERE e.kind = 'received' AND e.on_date >= $1 AND e.on_date <= $2 \
             GROUP BY u.id, u.short_name, u.name ORDER BY 3 DESC")
            .bind(from).bind(to).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(short, name, n)| (if short.is_empty() { name } else { short }, n.max(0) as u64))
            .collect())
    }
}
