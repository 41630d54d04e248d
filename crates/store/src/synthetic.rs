//! A synthetic district for measuring: many units, applications and publications written
//! straight into the tables (no per-record audit), with the same shapes as real records, so
//! the annual report can be timed at the scale of a large city.

use crate::actor::Actor;
use crate::publishing::{BulkItem, insert_bulk};
use crate::units::UnitInput;
use crate::{Result, Store, on_tx, values_list};
use chrono::{Duration, NaiveDate, Utc};
use gongkai_core::application::Event;

/// How big.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub units: usize,
    pub applications: usize,
    pub publications: usize,
}

const APPLICANTS: [&str; 6] = [
    "natural",
    "natural",
    "natural",
    "commercial",
    "legal_service",
    "other",
];
const OUTCOMES: [&str; 8] = ["1", "2", "3.1", "3.3", "4.1", "5.1", "5.4", "6.1"];

/// A small deterministic generator (no dependence on a seeded RNG's version).
fn mix(n: u64) -> u64 {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

impl Store {
    /// Create the district: a government and `units - 1` departments, each with the Art. 20
    /// columns; applications received over 2020–2021 (most answered within a month, some
    /// still open), and publications over the same two years. `progress` gets a line per step.
    pub async fn create_synthetic_district(
        &self,
        size: Size,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<()> {
        let mut unit_ids = Vec::with_capacity(size.units);
        for i in 0..size.units.max(1) {
            let input = UnitInput {
                code: format!("s{i:04}"),
                name: if i == 0 {
                    "合成市人民政府".into()
                } else {
                    format!("合成市第{i}局")
                },
                kind: if i == 0 { "government" } else { "department" }.into(),
                parent_code: if i == 0 {
                    String::new()
                } else {
                    "s0000".into()
                },
                ..Default::default()
            };
            let u = self
                .create_unit(&Actor::system("synthetic"), &input)
                .await?;
            self.apply_column_template(&Actor::system("synthetic"), u.id, None, "art20")
                .await?;
            unit_ids.push(u.id);
        }
        progress(&format!("{} 个单位", unit_ids.len()));
        let mut first_column = Vec::with_capacity(unit_ids.len());
        for id in &unit_ids {
            let tree = self.column_tree(*id, false).await?;
            first_column.push(tree.first().map(|n| n.column.id).unwrap_or_default());
        }

        let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
        let now = Utc::now();
        const CHUNK: usize = 2_000;
        let mut done = 0;
        while done < size.applications {
            let n = CHUNK.min(size.applications - done);
            let mut tx = self.begin_write().await?;
            let sql = format!(
                "INSERT INTO applications (unit_id, tracking_code, password_hash, channel, applicant_type, \
                 applicant_name, id_kind, id_number, phone, info_description, form_wanted, delivery, \
                 submitted_at, outcome, concluded_on, received_on) VALUES {} RETURNING id",
                values_list(
                    &tx,
                    n,
                    "(?, ?, 'x', 'online', ?, '合成申请人', 'other', '', '', '合成申请', 'email', 'email', ?, ?, ?, ?)"
                )
            );
            let mut rows = Vec::with_capacity(n);
            for k in 0..n {
                let i = (done + k) as u64;
                let r = mix(i);
                let received = start + Duration::days((r % 731) as i64);
                let open = r.is_multiple_of(50);
                let concluded = (!open).then(|| received + Duration::days(((r >> 16) % 30) as i64));
                let outcome =
                    concluded.map(|_| OUTCOMES[((r >> 24) % OUTCOMES.len() as u64) as usize]);
                let unit = unit_ids[((r >> 8) % unit_ids.len() as u64) as usize];
                rows.push((
                    unit,
                    i,
                    APPLICANTS[((r >> 4) % 6) as usize],
                    received,
                    outcome,
                    concluded,
                ));
            }
            let ids: Vec<(i64,)> = on_tx!(&mut tx, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for (unit, i, applicant, received, outcome, concluded) in &rows {
                    q = q.bind(*unit).bind(format!("SYN{i:09}")).bind(*applicant)
                        .bind(now).bind(*outcome).bind(*concluded).bind(*received);
                }
                q.fetch_all(c).await?
            });
            let mut binds: Vec<(i64, &'static str, NaiveDate, String)> = Vec::with_capacity(n * 2);
            for ((id,), (_, _, _, received, outcome, concluded)) in ids.iter().zip(&rows) {
                binds.push((
                    *id,
                    "received",
                    *received,
                    json(&Event::Received { on: *received }),
                ));
                if let (Some(on), Some(o)) = (concluded, outcome) {
                    binds.push((
                        *id,
                        "answered",
                        *on,
                        json(&Event::Answered {
                            on: *on,
                            outcome: o.to_string(),
                        }),
                    ));
                }
            }
            let ev = format!(
                "INSERT INTO application_events (application_id, kind, on_date, recorded_at, actor, detail) VALUES {}",
                values_list(&tx, binds.len(), "(?, ?, ?, ?, 'synthetic', ?)")
            );
            on_tx!(&mut tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(ev.clone()));
                for (id, kind, on, detail) in &binds {
                    q = q.bind(*id).bind(*kind).bind(*on).bind(now).bind(detail);
                }
                q.execute(c).await?;
            });
            tx.commit().await?;
            done += n;
            if done % 100_000 < CHUNK {
                progress(&format!("申请 {done}"));
            }
        }

        let mut done = 0;
        while done < size.publications {
            let n = 5_000.min(size.publications - done);
            let items: Vec<BulkItem> = (0..n)
                .map(|k| {
                    let i = (done + k) as u64;
                    let r = mix(i ^ 0x5555);
                    let on = start + Duration::days((r % 731) as i64);
                    let u = ((r >> 8) % unit_ids.len() as u64) as usize;
                    BulkItem {
                        unit_id: unit_ids[u],
                        index_no: format!("SYN-{i:09}"),
                        title: format!("合成信息{i}"),
                        summary: String::new(),
                        formed_on: on,
                        published_on: on,
                        publisher: String::new(),
                        doc_number: String::new(),
                        topic: String::new(),
                        genre: "notice".into(),
                        validity: String::new(),
                        body: crate::safe_html::sanitise(""),
                        column_ids: vec![first_column[u]],
                        reviews: Vec::new(),
                        media_form: String::new(),
                    }
                })
                .collect();
            let mut tx = self.begin_write().await?;
            insert_bulk(&mut tx, &items).await?;
            tx.commit().await?;
            done += n;
            if done % 100_000 < 5_000 {
                progress(&format!("公开信息 {done}"));
            }
        }
        Ok(())
    }
}

fn json(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_default()
}
