//! The demo district's engagement and supervision of 2021, chosen so that the report reads as
//! the seed: 60 consultations, 14 interviews, 7 new-media accounts on file (番禺网 849 posts,
//! 广州番禺发布 近4800 on three platforms), 4 inspection notices with 85 problems rectified, 3
//! trainings (1 city-level, 近300 attendances), 1473 + 1995 service items. Interpretations (57, 5
//! on video) and responses (57) are publications, made with the others.

use crate::Demo;
use crate::publishing::RECTIFYING_ITEMS_2021;
use chrono::{Datelike, NaiveDate};
use gongkai_store::actor::Actor;
use gongkai_store::engagement::{ConsultationInput, ContributionInput, InterviewInput};
use gongkai_store::publishing::BulkItem;
use gongkai_store::{Result, StoreError};

const CONSULTATIONS: usize = 60;
const INTERVIEWS: usize = 14;
/// Problems taken into each of the year's four notices (85 in all).
const NOTICE_PROBLEMS: [usize; 4] = [25, 22, 20, 18];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

const TOPICS: &[&str] = &[
    "番禺区老旧小区改造实施方案",
    "番禺区养老服务设施布局规划",
    "番禺区生活垃圾分类管理办法",
    "番禺区中小学学位保障方案",
    "番禺区河长制工作考核办法",
    "番禺区促进消费若干措施",
    "番禺区公共停车场建设规划",
    "番禺区农村集体资产管理办法",
];

impl Demo<'_> {
    /// A published announcement of a consultation or interview, in the unit's column for them
    /// (set up with the portal); returns its id.
    async fn announce(
        &self,
        unit_id: i64,
        column: &str,
        title: &str,
        on: NaiveDate,
        tag: &str,
        n: usize,
    ) -> Result<i64> {
        let column_id = self
            .announcement_column(&Actor::DEMO, unit_id, column)
            .await?;
        let set_up = day(2019, 1, 2)
            .and_hms_opt(9, 0, 0)
            .unwrap_or_default()
            .and_utc();
        self.date_columns_opened(&Actor::DEMO, Some(&[column_id]), set_up)
            .await?;
        let unit = self
            .unit_by_id(unit_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("演示单位未建立".into()))?;
        let index_no = format!("{}/2021-{tag}{n:03}", unit.code.to_uppercase());
        let item = BulkItem {
            unit_id,
            index_no: index_no.clone(),
            title: title.to_string(),
            summary: String::new(),
            formed_on: on,
            published_on: on,
            publisher: unit.name.clone(),
            doc_number: String::new(),
            topic: "综合政务".into(),
            genre: "announcement".into(),
            validity: String::new(),
            body: gongkai_store::safe_html::sanitise(&format!("<p>{title}</p>")),
            column_ids: vec![column_id],
            reviews: vec![
                ("submit", format!("{}信息编辑", unit.display_short())),
                ("first", format!("{}科室负责人", unit.display_short())),
                ("second", format!("{}办公室主任", unit.display_short())),
                ("final", format!("{}分管领导", unit.display_short())),
                ("secrecy", format!("{}保密审查员", unit.display_short())),
            ],
            media_form: String::new(),
        };
        self.import_published(&Actor::DEMO, "demo", &[item], &[])
            .await?;
        self.publication_by_index(&index_no)
            .await?
            .map(|p| p.id)
            .ok_or_else(|| StoreError::Internal("announcement not stored".into()))
    }

    pub(crate) async fn create_engagement(&self) -> Result<()> {
        let units = self.units().await?;
        let root = units
            .iter()
            .find(|u| u.parent_id.is_none())
            .cloned()
            .ok_or_else(|| StoreError::NotFound("演示单位未建立".into()))?;
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();

        // Interpretations point at the district's documents they explain.
        let policies = self.published_ids(Some(root.id), None, true, 57).await?;
        let interps = self
            .published_ids(None, Some("interpretation"), false, i64::MAX)
            .await?;
        let pairs: Vec<(i64, i64)> = interps
            .into_iter()
            .zip(policies.iter().copied().cycle())
            .collect();
        self.link_interpretations(&Actor::DEMO, &pairs).await?;

        // Consultations: opened through the year, each three weeks long, with opinions; the
        // closed ones have their feedback published.
        for i in 0..CONSULTATIONS {
            let unit = unit_ids[i % unit_ids.len()];
            let opens = day(2021, 1 + (i as u32 % 11), 1 + (i as u32 * 3 % 25));
            let closes = opens + chrono::Days::new(21);
            let title = format!("关于公开征求《{}》意见的公告", TOPICS[i % TOPICS.len()]);
            let announcement = self
                .announce(unit, "调查征集", &title, opens, "C", i)
                .await?;
            let c = self
                .create_consultation(
                    &Actor::DEMO,
                    unit,
                    &ConsultationInput {
                        title,
                        draft: "<p>（征求意见稿全文）</p>".into(),
                        explanation: "起草说明：为落实上级部署，结合本区实际，起草了本征求意见稿。"
                            .into(),
                        opens_on: opens.to_string(),
                        closes_on: closes.to_string(),
                    },
                    Some(announcement),
                )
                .await?;
            for k in 0..(i % 4) {
                let o = self
                    .contribute(
                        "opinion",
                        c.id,
                        unit,
                        &ContributionInput {
                            content: format!("建议进一步明确第{}条的适用范围和办理时限。", k + 2),
                            name: ["陈", "李", "黄", "梁"][k].to_string() + "先生",
                            contact: format!("1380013{:04}", i * 4 + k),
                            ..Default::default()
                        },
                        opens + chrono::Days::new(3 + k as u64),
                    )
                    .await?;
                self.moderate(&Actor::DEMO, o.id, k != 3, "", opens + chrono::Days::new(5))
                    .await?;
            }
            let feedback_day = closes + chrono::Days::new(10);
            if feedback_day <= day(2021, 12, 31) {
                self.publish_feedback(
                    &Actor::DEMO,
                    c.id,
                    &format!(
                        "征集期间共收到意见建议{}条，经研究采纳{}条，未采纳的主要原因是超出本文件规范范围。",
                        i % 4,
                        (i % 4).saturating_sub(1)
                    ),
                    feedback_day,
                )
                .await?;
            }
        }

        // Interviews with questions sent in beforehand.
        for i in 0..INTERVIEWS {
            let unit = unit_ids[(i * 3) % unit_ids.len()];
            let on = day(2021, 1 + (i as u32 % 12), 10 + (i as u32 % 15));
            let title = format!("在线访谈：解读{}", TOPICS[i % TOPICS.len()]);
            let announcement = self
                .announce(unit, "在线访谈", &title, on - chrono::Days::new(7), "V", i)
                .await?;
            let v = self
                .create_interview(
                    &Actor::DEMO,
                    unit,
                    &InterviewInput {
                        title,
                        scheduled_on: on.to_string(),
                        guests: "区有关部门负责同志".into(),
                        summary: "围绕政策要点、办理流程回应群众关切。".into(),
                    },
                    Some(announcement),
                )
                .await?;
            let q = self
                .contribute(
                    "question",
                    v.id,
                    unit,
                    &ContributionInput {
                        content: "政策什么时候开始实施？需要准备哪些材料？".into(),
                        name: "网友".into(),
                        ..Default::default()
                    },
                    on - chrono::Days::new(3),
                )
                .await?;
            self.moderate(
                &Actor::DEMO,
                q.id,
                true,
                "自印发之日起施行，所需材料见办事指南。",
                on,
            )
            .await?;
            self.record_interview(
                &Actor::DEMO,
                v.id,
                "主持人：各位网友大家好……（文字实录）",
                "",
            )
            .await?;
        }

        // The message box: messages answered within weeks.
        for i in 0..24u32 {
            let unit = unit_ids[(i as usize * 5) % unit_ids.len()];
            let received = day(2021, 1 + i % 12, 5 + i % 20);
            let m = self
                .contribute(
                    "message",
                    0,
                    unit,
                    &ContributionInput {
                        subject: "咨询办事流程".into(),
                        content: "请问办理相关业务需要预约吗？".into(),
                        name: "市民".into(),
                        ..Default::default()
                    },
                    received,
                )
                .await?;
            self.moderate(
                &Actor::DEMO,
                m.id,
                true,
                "您好，可通过“番禺政务”微信公众号预约，也可现场办理。",
                received + chrono::Days::new(5),
            )
            .await?;
        }

        // New-media accounts: seven on file at the end of 2021, one closed during the year.
        let by_code = |c: &str| units.iter().find(|u| u.code == c).map_or(root.id, |u| u.id);
        let accounts = [
            ("py", "微信公众号", "番禺网", 849),
            ("py", "微博", "广州番禺发布", 1_890),
            ("py", "微信公众号", "广州番禺发布", 1_620),
            ("py", "南方号", "广州番禺发布", 1_254),
            ("py-zsj", "微信公众号", "番禺政务", 612),
            ("py-jyj", "微信公众号", "番禺教育", 388),
            ("py-wjj", "微博", "番禺卫健", 296),
        ];
        for (code, platform, name, posts) in accounts {
            let a = self
                .open_media_account(
                    &Actor::DEMO,
                    by_code(code),
                    platform,
                    name,
                    "政务信息发布与互动",
                    day(2019, 3, 1),
                )
                .await?;
            let per_month = posts / 12;
            for m in 1..=12u32 {
                let n = if m == 12 {
                    posts - per_month * 11
                } else {
                    per_month
                };
                let last = day(2021, m, 28);
                self.record_posts(&Actor::DEMO, a.id, &format!("2021-{m:02}"), n, Some(last))
                    .await?;
            }
        }
        let old = self
            .open_media_account(
                &Actor::DEMO,
                by_code("py-sjj"),
                "微博",
                "番禺审计",
                "工作动态",
                day(2018, 5, 1),
            )
            .await?;
        self.file_media(
            &Actor::DEMO,
            old.id,
            "close",
            day(2021, 6, 30),
            "整合至区政府账号发布",
        )
        .await?;

        // Inspections through the year. Before each, some units had opened columns they left
        // empty; the inspection finds them (with whatever else it finds), the office's notice
        // lists them, and each unit fills its column and has the task closed.
        let mut seq = 0usize;
        let mut filled = 0usize;
        for (i, as_of) in [
            day(2021, 3, 15),
            day(2021, 6, 15),
            day(2021, 9, 15),
            day(2021, 11, 15),
        ]
        .into_iter()
        .enumerate()
        {
            let mut new_columns = Vec::new();
            for _ in 0..NOTICE_PROBLEMS[i] {
                let u = &units[seq % units.len()];
                seq += 1;
                let name = format!("专项工作{seq}");
                let c = self
                    .add_column(&Actor::DEMO, u.id, None, &name, "portal", "as_needed")
                    .await?;
                let opened = (as_of - chrono::Days::new(30))
                    .and_hms_opt(9, 0, 0)
                    .unwrap_or_default()
                    .and_utc();
                self.date_columns_opened(&Actor::DEMO, Some(&[c.id]), opened)
                    .await?;
                new_columns.push((u.clone(), c));
            }
            let run = self.run_inspection(&Actor::DEMO, as_of).await?;
            let findings = self.inspection_findings(run.id).await?;
            let ids: Vec<i64> = findings
                .iter()
                .filter(|f| {
                    f.rule == "empty_column"
                        && new_columns
                            .iter()
                            .any(|(u, c)| Some(u.id) == f.unit_id && c.name == f.subject)
                })
                .map(|f| f.id)
                .collect();
            let notice = self
                .issue_notice(
                    &Actor::DEMO,
                    &format!(
                        "关于{}年第{}季度政府网站和政务新媒体检查情况的通报",
                        as_of.year(),
                        i + 1
                    ),
                    run.id,
                    &ids,
                    as_of + chrono::Days::new(2),
                    as_of + chrono::Days::new(20),
                )
                .await?;
            // Each unit fills its column, then reports and is closed.
            let published = as_of + chrono::Days::new(10);
            let items: Vec<BulkItem> = new_columns
                .iter()
                .map(|(u, c)| {
                    filled += 1;
                    BulkItem {
                        unit_id: u.id,
                        index_no: format!("{}/2021-R{filled:04}", u.code.to_uppercase()),
                        title: format!("{}{}工作情况", u.display_short(), c.name),
                        summary: String::new(),
                        formed_on: published,
                        published_on: published,
                        publisher: u.name.clone(),
                        doc_number: String::new(),
                        topic: "综合政务".into(),
                        genre: "report".into(),
                        validity: String::new(),
                        body: gongkai_store::safe_html::sanitise(
                            "<p>按照检查通报要求，现将有关工作情况公开如下。</p>",
                        ),
                        column_ids: vec![c.id],
                        reviews: vec![("submit", format!("{}信息编辑", u.display_short()))],
                        media_form: String::new(),
                    }
                })
                .collect();
            self.import_published(&Actor::DEMO, "demo", &items, &[])
                .await?;
            for r in self.rectifications(Some(notice.id), None).await? {
                self.submit_rectification(
                    &Actor::DEMO,
                    r.id,
                    r.unit_id,
                    "已在该栏目发布信息，并建立栏目更新台账",
                )
                .await?;
                self.close_rectification(&Actor::DEMO, r.id, as_of + chrono::Days::new(25))
                    .await?;
            }
        }
        debug_assert_eq!(filled, RECTIFYING_ITEMS_2021);

        // Training, assessment and the service figures.
        for (on, level, topic, n) in [
            (
                day(2021, 4, 20),
                "district",
                "政府信息公开条例及年度报告格式培训",
                120,
            ),
            (day(2021, 7, 8), "city", "全市政务公开工作业务培训", 60),
            (
                day(2021, 10, 26),
                "district",
                "依申请公开办理实务与政府网站管理培训",
                115,
            ),
        ] {
            self.add_training(&Actor::DEMO, on, level, topic, n).await?;
        }
        for (i, u) in units.iter().enumerate() {
            let score = 80 + (i as i64 * 7 % 19);
            self.set_assessment(&Actor::DEMO, u.id, 2021, score, score / 10)
                .await?;
        }
        for (kind, amount) in [
            ("services", 1473),
            ("one_visit", 1473),
            ("public_services", 1995),
            ("online", 1995),
        ] {
            self.set_service_count(
                &Actor::DEMO,
                2021,
                kind,
                amount,
                "番禺区政务服务数据管理局统计",
            )
            .await?;
        }
        Ok(())
    }
}
