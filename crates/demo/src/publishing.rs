//! The demo district's proactive disclosure: each unit's catalog columns, its publications of
//! 2020 and 2021 with their review ledger, the basic catalogs, the normative documents and the
//! 2021 evaluation campaign, and the decision counts of table 二.
//!
//! The counts are chosen so that the 2021 report reads as the seed: 4.16万 items on the portal,
//! 超3.3万 in the major catalogs, 587 in the epidemic column (150多 in its sub-column), 2446 in the
//! pilot catalogs to the end of 2021, 43 basic catalogs, 30 + 58 documents evaluated and 8
//! re-labelled. Every figure of the report is then counted from these records.

use crate::Demo;
use chrono::{Datelike, NaiveDate};
use gongkai_core::Calendar;
use gongkai_core::publishing::{Catalog, TOPICS, index_number};
use gongkai_store::actor::Actor;
use gongkai_store::normative::{BasicCatalogEntry, Evaluation, NormativeInput};
use gongkai_store::publishing::{BulkItem, ColumnNode};
use gongkai_store::{Result, StoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Items of 2021 by where they go (they add up to 41,600).
const MAJOR_2021: usize = 33_210;
const EPIDEMIC_MAIN_2021: usize = 434;
const STABILITY_2021: usize = 153;
const PILOT_2021: usize = 1_346;
const PORTAL_ONLY_2021: usize = 6_184;
/// Items the units publish in 2021 to fill the empty columns the inspections found (85, one
/// per problem rectified; see demo_engagement). The 60 consultations and 14 interviews of 2021
/// are announced by publications too (74 more).
pub(crate) const RECTIFYING_ITEMS_2021: usize = 85;
/// Policy interpretations (5 of them on video) and responses to public concerns of 2021.
const INTERPRETATIONS_2021: usize = 57;
const VIDEO_INTERPRETATIONS_2021: usize = 5;
const RESPONSES_2021: usize = 57;
/// Items of 2020 (a lighter year on record: the pilot catalog's first 1,100 and the rest).
const PILOT_2020: usize = 1_100;
const OTHER_2020: usize = 2_400;
/// Of the 2021 items, how many went out later than Art. 26 allows (the dashboard shows them).
const LATE_2021: usize = 37;

/// Templates every unit gets, and the ones only governments (district, towns, streets) get.
const ALL_UNITS: [&str; 2] = ["art20", "portal"];
const GOVERNMENTS: [&str; 1] = ["art21"];
const ROOT_ONLY: [&str; 5] = ["key_areas", "five_open", "sector", "grassroots", "epidemic"];

const SUBJECTS: &[&str] = &[
    "老旧小区改造",
    "城中村改造",
    "河涌综合整治",
    "垃圾分类",
    "学位供给",
    "基层医疗服务",
    "就业创业补贴",
    "中小企业纾困",
    "消费券发放",
    "农村人居环境整治",
    "安全生产专项整治",
    "食品安全抽检",
    "道路交通设施提升",
    "公共租赁住房分配",
    "养老服务设施建设",
    "文化惠民活动",
    "森林防火",
    "防汛防旱",
    "营商环境改革",
    "生态环境保护督察整改",
];

const PATTERNS: &[&str] = &[
    "关于印发{s}工作方案的通知",
    "关于做好{s}工作的通知",
    "{u}{s}工作情况通报",
    "关于{s}的公示",
    "{u}关于{s}的公告",
    "{s}政策问答",
    "{u}2021年{s}工作总结",
    "关于{s}专项资金安排的公示",
];

const EPIDEMIC_PATTERNS: &[&str] = &[
    "番禺区新冠肺炎疫情防控情况通报",
    "关于做好新冠病毒疫苗接种工作的通告",
    "番禺区疫情防控指挥部关于调整风险区域的通告",
    "{u}核酸检测点开放时间公告",
];

const STABILITY_PATTERNS: &[&str] = &[
    "关于进一步稳就业保市场主体的若干措施",
    "{u}“六稳”“六保”工作进展情况",
    "关于支持中小微企业应对疫情影响的政策解读",
];

struct Gen {
    rng: StdRng,
    cal: &'static Calendar,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.rng.random_range(0..xs.len())]
    }

    fn title(&mut self, patterns: &[&str], unit_short: &str) -> String {
        let p = self.pick(patterns).to_string();
        let s = self.pick(SUBJECTS).to_string();
        p.replace("{s}", &s).replace("{u}", unit_short)
    }

    /// A formed date in `year` and its publication a few working days later (within the year);
    /// `late` ones go out after the 20 working days of Art. 26.
    fn dates(&mut self, year: i32, late: bool) -> (NaiveDate, NaiveDate) {
        let start = NaiveDate::from_ymd_opt(year, 1, 4).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(year, 11, 20).unwrap_or_default();
        let span = (last - start).num_days();
        let mut formed = start + chrono::Days::new(self.rng.random_range(0..span) as u64);
        while self.cal.is_workday(formed) == Ok(false) {
            formed = formed.succ_opt().unwrap_or(formed);
        }
        let wd = if late {
            self.rng.random_range(22..30)
        } else {
            self.rng.random_range(0..8)
        };
        let published = self.cal.add_workdays(formed, wd).unwrap_or(formed);
        (formed, published)
    }
}

struct UnitCols {
    id: i64,
    kind: String,
    code: String,
    name: String,
    short: String,
    nodes: Vec<ColumnNode>,
}

impl UnitCols {
    fn of_catalog(&self, catalog: Catalog) -> Vec<i64> {
        self.nodes
            .iter()
            .filter(|n| n.column.catalog == catalog.as_str())
            .map(|n| n.column.id)
            .collect()
    }

    fn named(&self, name: &str) -> Option<i64> {
        self.nodes
            .iter()
            .find(|n| n.column.name == name)
            .map(|n| n.column.id)
    }
}

impl Demo<'_> {
    pub(crate) async fn create_publishing(&self) -> Result<()> {
        let cal = Calendar::builtin();
        let mut g = Gen {
            rng: StdRng::seed_from_u64(4160),
            cal,
        };
        let units = self.units().await?;
        let root = units
            .iter()
            .find(|u| u.parent_id.is_none())
            .cloned()
            .ok_or_else(|| StoreError::NotFound("演示单位未建立".into()))?;

        // Columns from the templates.
        let mut cols = Vec::new();
        for u in &units {
            let mut keys: Vec<&str> = ALL_UNITS.to_vec();
            if u.kind != "department" {
                keys.extend(GOVERNMENTS);
            }
            if u.id == root.id {
                keys.extend(ROOT_ONLY);
            }
            for k in keys {
                self.apply_column_template(&Actor::DEMO, u.id, None, k)
                    .await?;
            }
            cols.push(UnitCols {
                id: u.id,
                kind: u.kind.clone(),
                code: u.code.clone(),
                name: u.name.clone(),
                short: if u.short_name.is_empty() {
                    u.name.clone()
                } else {
                    u.short_name.clone()
                },
                nodes: self.column_tree(u.id, false).await?,
            });
        }
        // The columns were set up when the district's portal was, well before 2020.
        let set_up = NaiveDate::from_ymd_opt(2019, 1, 2)
            .unwrap_or_default()
            .and_hms_opt(9, 0, 0)
            .unwrap_or_default()
            .and_utc();
        self.date_columns_opened(&Actor::DEMO, None, set_up).await?;
        let root_cols = cols
            .iter()
            .position(|c| c.id == root.id)
            .unwrap_or_default();

        // Who reviews the demo's items: each unit's own staff, by name, as the ledger reads.
        let reviews = |short: &str| -> Vec<(&'static str, String)> {
            vec![
                ("submit", format!("{short}信息编辑")),
                ("first", format!("{short}科室负责人")),
                ("second", format!("{short}办公室主任")),
                ("final", format!("{short}分管领导")),
                ("secrecy", format!("{short}保密审查员")),
            ]
        };

        let mut seq: HashMap<(i64, i32), i64> = HashMap::new();
        let mut items: Vec<BulkItem> = Vec::new();
        let mut make = |g: &mut Gen,
                        special: Option<(&'static str, &'static str)>,
                        unit: &UnitCols,
                        column_ids: Vec<i64>,
                        title: String,
                        year: i32,
                        late: bool,
                        doc_number: String| {
            let (formed_on, published_on) = g.dates(year, late);
            let n = seq.entry((unit.id, formed_on.year())).or_insert(0);
            *n += 1;
            let summary = format!("{}发布{}。", unit.short, title);
            let body = format!(
                "<p>{title}</p><p>为深入贯彻落实上级有关部署，{short}结合工作实际，现将有关事项公开如下。\
                 如有疑问，请在工作日与{short}联系。</p><p>{short}</p><p>{formed_on}</p>",
                short = unit.short
            );
            items.push(BulkItem {
                unit_id: unit.id,
                index_no: index_number(&unit.code.to_uppercase(), formed_on.year(), *n),
                title,
                summary,
                formed_on,
                published_on,
                publisher: unit.name.clone(),
                doc_number,
                topic: TOPICS[g.rng.random_range(0..TOPICS.len())].to_string(),
                genre: special.map_or_else(
                    || {
                        ["notice", "announcement", "report", "plan", "other"]
                            [g.rng.random_range(0..5)]
                        .to_string()
                    },
                    |(genre, _)| genre.to_string(),
                ),
                validity: String::new(),
                body: gongkai_store::safe_html::sanitise(&body),
                column_ids,
                reviews: reviews(&unit.short),
                media_form: special.map_or(String::new(), |(_, form)| form.to_string()),
            });
        };

        // 2021: the major catalogs, spread over every unit by size (the district and the
        // large departments publish most).
        let weights: Vec<usize> = cols
            .iter()
            .map(|c| match c.kind.as_str() {
                "government" => 12,
                "department" => 3,
                _ => 2,
            })
            .collect();
        let total_weight: usize = weights.iter().sum();
        let pick_unit = |g: &mut Gen| -> usize {
            let mut x = g.rng.random_range(0..total_weight);
            for (i, w) in weights.iter().enumerate() {
                if x < *w {
                    return i;
                }
                x -= w;
            }
            0
        };
        let mut late_left = LATE_2021;
        for i in 0..MAJOR_2021 {
            let u = pick_unit(&mut g);
            let unit = &cols[u];
            let mut majors: Vec<i64> = unit
                .nodes
                .iter()
                .filter(|n| Catalog::parse(&n.column.catalog).is_some_and(|c| c.is_major()))
                .map(|n| n.column.id)
                .collect();
            if majors.is_empty() {
                majors = unit.of_catalog(Catalog::GovInfo);
            }
            let col = majors[g.rng.random_range(0..majors.len())];
            let title = g.title(PATTERNS, &unit.short);
            let late = late_left > 0 && i % 900 == 17;
            if late {
                late_left -= 1;
            }
            let doc = if i % 7 == 0 {
                format!("{}〔2021〕{}号", doc_prefix(&unit.short), i / 7 % 300 + 1)
            } else {
                String::new()
            };
            make(&mut g, None, unit, vec![col], title, 2021, late, doc);
        }
        // The epidemic column and its sub-column (the district's).
        let rc = &cols[root_cols];
        let epidemic = rc.named("疫情防控专栏");
        let stability = rc.named("“六稳”“六保”");
        if let (Some(e), Some(s)) = (epidemic, stability) {
            for _ in 0..EPIDEMIC_MAIN_2021 {
                let t = g.title(EPIDEMIC_PATTERNS, &rc.short);
                make(&mut g, None, rc, vec![e], t, 2021, false, String::new());
            }
            for _ in 0..STABILITY_2021 {
                let t = g.title(STABILITY_PATTERNS, &rc.short);
                make(&mut g, None, rc, vec![s], t, 2021, false, String::new());
            }
        }
        // The pilot catalogs (基层政务公开标准目录), 2020 and 2021.
        let pilot = rc.of_catalog(Catalog::Grassroots);
        for (year, n) in [(2020, PILOT_2020), (2021, PILOT_2021)] {
            for _ in 0..n {
                let col = pilot[g.rng.random_range(0..pilot.len())];
                let t = g
                    .title(PATTERNS, &rc.short)
                    .replace("2021", &year.to_string());
                make(&mut g, None, rc, vec![col], t, year, false, String::new());
            }
        }
        // Portal columns (工作动态, 通知公告, 政策解读) of every unit.
        for _ in 0..PORTAL_ONLY_2021 {
            let unit = &cols[pick_unit(&mut g)];
            let portal = unit.of_catalog(Catalog::Portal);
            let col = portal[g.rng.random_range(0..portal.len())];
            let t = g.title(PATTERNS, &unit.short);
            make(&mut g, None, unit, vec![col], t, 2021, false, String::new());
        }
        // Interpretations of the district's policies (the 政策解读 column) and responses to
        // public concerns (a 回应关切 column the demo adds).
        let interp_col = rc.named("政策解读");
        let response_col = self
            .add_column(&Actor::DEMO, rc.id, None, "回应关切", "portal", "as_needed")
            .await?
            .id;
        if let Some(col) = interp_col {
            for i in 0..INTERPRETATIONS_2021 {
                let form = if i < VIDEO_INTERPRETATIONS_2021 {
                    "video"
                } else if i % 4 == 0 {
                    "graphic"
                } else {
                    "text"
                };
                let t = format!("《{}》政策解读", g.title(PATTERNS, &rc.short));
                make(
                    &mut g,
                    Some(("interpretation", form)),
                    rc,
                    vec![col],
                    t,
                    2021,
                    false,
                    String::new(),
                );
            }
        }
        for _ in 0..RESPONSES_2021 {
            let t = format!("关于{}问题的回应", g.pick(SUBJECTS));
            make(
                &mut g,
                Some(("response", "")),
                rc,
                vec![response_col],
                t,
                2021,
                false,
                String::new(),
            );
        }
        // 2020: the other columns, lighter.
        for _ in 0..OTHER_2020 {
            let unit = &cols[pick_unit(&mut g)];
            let gov = unit.of_catalog(Catalog::GovInfo);
            let col = gov[g.rng.random_range(0..gov.len())];
            let t = g.title(PATTERNS, &unit.short).replace("2021", "2020");
            make(&mut g, None, unit, vec![col], t, 2020, false, String::new());
        }

        let counters: Vec<(i64, i32, i64)> = seq
            .iter()
            .map(|((unit_id, year), last)| (*unit_id, *year, *last))
            .collect();
        self.import_published(&Actor::DEMO, "demo", &items, &counters)
            .await?;

        // 43 basic catalogs: one per unit, and the district's key-areas catalog.
        let on = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap_or_default();
        for c in &cols {
            let entries: Vec<BasicCatalogEntry> = c
                .nodes
                .iter()
                .filter(|n| n.depth == 0 && n.column.catalog != "portal")
                .map(|n| BasicCatalogEntry {
                    column_id: Some(n.column.id),
                    item: n.column.name.clone(),
                    basis: "《中华人民共和国政府信息公开条例》第二十条、第二十一条".into(),
                    deadline: "信息形成或者变更之日起20个工作日内".into(),
                    section: format!("{}办公室", c.short),
                })
                .collect();
            let title = format!("{}主动公开基本目录（2021年版）", c.short);
            self.publish_basic_catalog(&Actor::DEMO, c.id, 2021, &title, &entries, on)
                .await?;
        }
        let key_entries: Vec<BasicCatalogEntry> = rc
            .nodes
            .iter()
            .filter(|n| n.column.catalog == "key_areas")
            .map(|n| BasicCatalogEntry {
                column_id: Some(n.column.id),
                item: n.column.name.clone(),
                basis: "国务院办公厅关于重点领域信息公开的有关规定".into(),
                deadline: "信息形成或者变更之日起20个工作日内".into(),
                section: "区政务公开办".into(),
            })
            .collect();
        self.publish_basic_catalog(
            &Actor::DEMO,
            rc.id,
            2021,
            "番禺区重点领域信息公开基本目录（2021年版）",
            &key_entries,
            on,
        )
        .await?;

        self.create_normative(&mut g, &units).await
    }

    /// The district government's and its office's documents of 2018, re-evaluated in 2021
    /// (30 + 58, 8 re-labelled), documents of 2021, and the decision counts of table 二.
    async fn create_normative(
        &self,
        g: &mut Gen,
        units: &[gongkai_store::units::Unit],
    ) -> Result<()> {
        let today = gongkai_core::clock::today();
        let by_code = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.id);
        let (Some(gov), Some(office)) = (by_code("py"), by_code("py-zfb")) else {
            return Ok(());
        };
        let mut docs_2018 = Vec::new();
        // Documents first labelled 依申请公开 that the campaign opens up.
        const OPENED: [usize; 3] = [25, 52, 83];
        for (unit, prefix, n) in [(gov, "番府", 30), (office, "番府办", 58)] {
            for i in 1..=n {
                let disclosure = if OPENED.contains(&docs_2018.len()) {
                    "on_request"
                } else {
                    "active"
                };
                let subject = g.pick(SUBJECTS).to_string();
                let issued = NaiveDate::from_ymd_opt(
                    2018,
                    1 + (i as u32 * 11 % 12),
                    1 + (i as u32 * 7 % 27),
                )
                .unwrap_or_default();
                let input = NormativeInput {
                    kind: "normative".into(),
                    title: format!("关于印发番禺区{subject}管理办法的通知"),
                    doc_number: format!("{prefix}〔2018〕{i}号"),
                    issued_on: issued.to_string(),
                    disclosure: disclosure.into(),
                    index_no: String::new(),
                };
                docs_2018.push(
                    self.add_normative(&Actor::DEMO, unit, &input, today)
                        .await?,
                );
            }
        }
        for i in 1..=12 {
            let subject = g.pick(SUBJECTS).to_string();
            let input = NormativeInput {
                kind: "normative".into(),
                title: format!("关于印发番禺区{subject}实施细则的通知"),
                doc_number: format!("番府〔2021〕{i}号"),
                issued_on: NaiveDate::from_ymd_opt(2021, i, 10)
                    .unwrap_or_default()
                    .to_string(),
                disclosure: "active".into(),
                index_no: String::new(),
            };
            self.add_normative(&Actor::DEMO, gov, &input, today).await?;
        }
        let started = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default();
        let campaign = self
            .create_campaign(
                &Actor::DEMO,
                gov,
                "2018年印发文件公开属性和有效性评估",
                "区政府、区政府办公室2018年印发的全部文件",
                2021,
                started,
            )
            .await?;
        for (i, d) in docs_2018.iter().enumerate() {
            // Eight are re-labelled: five repealed, three opened up from 依申请公开.
            let (validity, disclosure, note) = match i {
                3 | 17 | 41 | 60 | 77 => ("repealed", "active", "已被新文件替代，标注为已废止"),
                i if OPENED.contains(&i) => ("valid", "active", "经评估可主动公开，重新标注"),
                _ => ("valid", "active", ""),
            };
            let on = started + chrono::Days::new(i as u64 / 4);
            let found = Evaluation {
                validity,
                disclosure,
                note,
            };
            self.evaluate_document(&Actor::DEMO, campaign.id, d.id, &found, on)
                .await?;
        }
        // Table 二's decision counts, as the units' business systems report them.
        for (code, license, penalty, coercion, fees) in [
            ("py", 0, 0, 0, 0),
            ("py-zjj", 1_862, 96, 4, 1_253_600),
            ("py-scjgj", 3_410, 412, 37, 86_200),
            ("py-sthj", 318, 147, 21, 0),
            ("py-gaj", 25_903, 6_218, 189, 2_047_300),
            ("py-cgj", 1_126, 2_954, 71, 0),
        ] {
            let Some(unit) = by_code(code) else { continue };
            for (year, percent) in [(2020, 91), (2021, 100)] {
                for (kind, amount) in [
                    ("license", license),
                    ("penalty", penalty),
                    ("coercion", coercion),
                    ("fees", fees),
                ] {
                    self.set_decision_count(
                        &Actor::DEMO,
                        unit,
                        year,
                        kind,
                        amount * percent / 100,
                        &format!("广东省政务服务网及本单位业务系统{year}年统计"),
                    )
                    .await?;
                }
            }
        }
        Ok(())
    }
}

/// The 文号 prefix of a unit (番府 for the government, 番 + the short name otherwise).
fn doc_prefix(short: &str) -> String {
    match short {
        "番禺区人民政府" => "番府".into(),
        s => format!(
            "番{}",
            s.trim_start_matches('区')
                .chars()
                .take(2)
                .collect::<String>()
        ),
    }
}
