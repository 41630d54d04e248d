//! Art. 26 (信息形成或者变更之日起20个工作日内公开): per unit and year, what was published late
//! and what is formed but still waits.

use super::*;

/// One row of the Art. 26 view for a unit.
#[derive(Debug, Clone, Serialize)]
pub struct Timeliness {
    pub unit_id: i64,
    pub unit_name: String,
    pub published: usize,
    /// Published later than 20 working days after being formed.
    pub late: Vec<LateItem>,
    /// Formed but not published, past the 20 working days.
    pub overdue: Vec<LateItem>,
    /// Formed but not published, still within the 20 working days.
    pub pending: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateItem {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub formed_on: NaiveDate,
    pub due: NaiveDate,
    pub published_on: Option<NaiveDate>,
}

impl Store {
    /// Art. 26 for a year: per unit, items published more than 20 working days after they were
    /// formed, and items formed but not yet published (overdue ones listed).
    pub async fn timeliness(
        &self,
        calendar: &Calendar,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<Timeliness>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
        let rows: Vec<TimelinessRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, index_no, title, formed_on, published_on, status FROM publications \
             WHERE (status = 'published' AND published_on >= $1 AND published_on < $2) \
                OR (status NOT IN ('published') AND formed_on < $2)")
            .bind(from).bind(to).fetch_all(p).await?);
        let units = self.units().await?;
        let mut by_unit: HashMap<i64, Timeliness> = HashMap::new();
        for (id, unit_id, index_no, title, formed_on, published_on, status) in rows {
            let t = by_unit.entry(unit_id).or_insert_with(|| Timeliness {
                unit_id,
                unit_name: units
                    .iter()
                    .find(|u| u.id == unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                published: 0,
                late: Vec::new(),
                overdue: Vec::new(),
                pending: 0,
            });
            let Ok(due) = publish_by(calendar, formed_on) else {
                continue;
            };
            let item = LateItem {
                id,
                index_no,
                title,
                formed_on,
                due,
                published_on,
            };
            if status == "published" {
                t.published += 1;
                if published_on.is_some_and(|p| p > due) {
                    t.late.push(item);
                }
            } else if status != "withdrawn" {
                if today > due {
                    t.overdue.push(item);
                } else {
                    t.pending += 1;
                }
            }
        }
        let mut out: Vec<Timeliness> = by_unit.into_values().collect();
        let order: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        out.sort_by_key(|t| order.get(&t.unit_id).copied().unwrap_or(usize::MAX));
        Ok(out)
    }
}
