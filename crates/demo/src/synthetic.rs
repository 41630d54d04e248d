//! A synthetic district for measuring: many units, applications and publications carried in
//! through the store's bulk imports (one ledger entry per batch, not per record), with the same
//! shapes as real records, so the annual report can be timed at the scale of a large city.

use chrono::{Duration, NaiveDate};
use gongkai_store::actor::Actor;
use gongkai_store::legacy::PastApplication;
use gongkai_store::publishing::BulkItem;
use gongkai_store::units::UnitInput;
use gongkai_store::{Result, Store};

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

/// Create the district: a government and `units - 1` departments, each with the Art. 20
/// columns; applications received over 2020–2021 (most answered within a month, some
/// still open), and publications over the same two years. `progress` gets a line per step.
pub async fn create_district(
    store: &Store,
    size: Size,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<()> {
    let actor = Actor::system("synthetic");
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
        let u = store.create_unit(&actor, &input).await?;
        store
            .apply_column_template(&actor, u.id, None, "art20")
            .await?;
        unit_ids.push(u.id);
    }
    progress(&format!("{} 个单位", unit_ids.len()));
    let mut first_column = Vec::with_capacity(unit_ids.len());
    for id in &unit_ids {
        let tree = store.column_tree(*id, false).await?;
        first_column.push(tree.first().map(|n| n.column.id).unwrap_or_default());
    }

    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    const CHUNK: usize = 2_000;
    let mut done = 0;
    while done < size.applications {
        let n = CHUNK.min(size.applications - done);
        let rows: Vec<PastApplication> = (0..n)
            .map(|k| {
                let i = (done + k) as u64;
                let r = mix(i);
                let received = start + Duration::days((r % 731) as i64);
                let open = r.is_multiple_of(50);
                let answered = (!open).then(|| {
                    let on = received + Duration::days(((r >> 16) % 30) as i64);
                    (on, OUTCOMES[((r >> 24) % OUTCOMES.len() as u64) as usize])
                });
                PastApplication {
                    unit_id: unit_ids[((r >> 8) % unit_ids.len() as u64) as usize],
                    tracking_code: format!("SYN{i:09}"),
                    applicant_type: APPLICANTS[((r >> 4) % 6) as usize],
                    applicant_name: "合成申请人".into(),
                    description: "合成申请".into(),
                    received_on: received,
                    answered,
                }
            })
            .collect();
        store.import_past_applications(&actor, &rows).await?;
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
                    body: gongkai_store::safe_html::sanitise(""),
                    column_ids: vec![first_column[u]],
                    reviews: Vec::new(),
                    media_form: String::new(),
                }
            })
            .collect();
        store
            .import_published(&actor, "synthetic", &items, &[])
            .await?;
        done += n;
        if done % 100_000 < 5_000 {
            progress(&format!("公开信息 {done}"));
        }
    }
    Ok(())
}
