//! The engagement figures of a year for the annual report's sections: interpretations,
//! responses, consultations, interviews, messages, training and the rest.

use super::*;

pub use gongkai_core::report::model::EngagementFigures;

impl Store {
    /// The figures of engagement and supervision for `year` (one unit, or all with `None`).
    pub async fn engagement_figures(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<EngagementFigures> {
        let (from, to) = year_bounds(year);
        let count_pubs = |genre: &'static str, form: Option<&'static str>| async move {
            let (n,): (i64,) = on_pool!(self, p => sqlx::query_as(
                "SELECT COUNT(*) FROM publications WHERE status = 'published' AND genre = $1 \
                 AND ($2 IS NULL OR media_form = $2) AND published_on >= $3 AND published_on <= $4 \
                 AND ($5 IS NULL OR unit_id = $5)")
                .bind(genre).bind(form).bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
            Ok::<u64, StoreError>(n.max(0) as u64)
        };
        let mut f = EngagementFigures {
            interpretations: count_pubs("interpretation", None).await?,
            video_interpretations: count_pubs("interpretation", Some("video")).await?,
            hot_responses: count_pubs("response", None).await?,
            ..Default::default()
        };
        let (consultations,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM consultations WHERE opens_on >= $1 AND opens_on <= $2 AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        let (interviews,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM interviews WHERE scheduled_on >= $1 AND scheduled_on <= $2 AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        f.consultations = consultations.max(0) as u64;
        f.interviews = interviews.max(0) as u64;
        // Accounts on file at the year's end: opened by then, not closed by then.
        let filings: Vec<(i64, i64, String, NaiveDate)> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.unit_id, f.kind, f.on_date FROM media_filings f JOIN media_accounts a ON a.id = f.account_id \
             WHERE f.on_date <= $1 ORDER BY f.on_date, f.id")
            .bind(to).fetch_all(p).await?);
        let mut on_file: BTreeMap<i64, bool> = BTreeMap::new();
        for (id, unit, kind, _) in &filings {
            if unit_id.is_some_and(|u| u != *unit) {
                continue;
            }
            match kind.as_str() {
                "open" => {
                    on_file.insert(*id, true);
                }
                "close" => {
                    on_file.insert(*id, false);
                }
                _ => {}
            }
        }
        f.new_media_accounts = on_file.values().filter(|v| **v).count() as u64;
        let from_month = format!("{year}-01");
        let to_month = format!("{year}-12");
        let posts: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.name, CAST(SUM(m.posts) AS BIGINT) FROM media_posts m JOIN media_accounts a ON a.id = m.account_id \
             WHERE m.month >= $1 AND m.month <= $2 AND ($3 IS NULL OR a.unit_id = $3) GROUP BY a.name")
            .bind(&from_month).bind(&to_month).bind(unit_id).fetch_all(p).await?);
        f.new_media_posts = posts
            .into_iter()
            .map(|(n, c)| (n, c.max(0) as u64))
            .collect();
        let (notices,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM inspection_notices WHERE issued_on >= $1 AND issued_on <= $2")
            .bind(from).bind(to).fetch_one(p).await?);
        let (rectified,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM rectifications r JOIN inspection_notices n ON n.id = r.notice_id \
             WHERE r.status = 'closed' AND r.closed_on <= $2 AND n.issued_on >= $1 AND n.issued_on <= $2 \
             AND ($3 IS NULL OR r.unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        if unit_id.is_none() {
            f.inspection_notices = notices.max(0) as u64;
        }
        f.problems_rectified = rectified.max(0) as u64;
        if unit_id.is_none() {
            let t = self.trainings(Some(year)).await?;
            f.trainings = t.len() as u64;
            f.city_trainings = t.iter().filter(|t| t.level != "district").count() as u64;
            f.training_attendance = t.iter().map(|t| t.attendance.max(0) as u64).sum();
            let services: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(
                "SELECT kind, amount FROM service_counts WHERE year = $1").bind(year as i64).fetch_all(p).await?);
            for (kind, amount) in services {
                let v = Some(amount.max(0) as u64);
                match kind.as_str() {
                    "services" => f.service_items = v,
                    "one_visit" => f.service_items_one_visit = v,
                    "public_services" => f.public_service_items = v,
                    _ => f.service_items_online = v,
                }
            }
        }
        Ok(f)
    }
}
