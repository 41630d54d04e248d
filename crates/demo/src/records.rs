//! The demo district's applications and review cases for 2020 and 2021, generated with a fixed
//! seed so that every figure of the seed report's section 一（二） comes out of the records:
//! 2021: 455 received, 9 carried in from 2020, 451 concluded (all on time), 13 carried to 2022;
//! 18 reconsiderations (15 · 0 · 2 · 1) and 10 lawsuits (3 · 0 · 4 · 3); 20560元 of fees, all
//! collected by 区住房城乡建设局. Every application goes through the same checks as a real one.

use crate::Demo;
use chrono::{Datelike, NaiveDate};
use gongkai_core::Calendar;
use gongkai_core::application::{Channel, Event};
use gongkai_core::fees::{FeeMethod, pages_fee};
use gongkai_core::ids::{credit_code_check_char, id_check_char};
use gongkai_core::taxonomy::ApplicantType;
use gongkai_store::actor::Actor;
use gongkai_store::applications::{AnswerInput, ApplicationInput, NewCase};
use gongkai_store::{Result, StoreError};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Outcomes of the 451 applications concluded in 2021 (all rows of table 三 used).
const OUTCOMES_2021: &[(&str, usize)] = &[
    ("1", 180),
    ("2", 45),
    ("3.1", 1),
    ("3.2", 2),
    ("3.3", 1),
    ("3.4", 6),
    ("3.5", 4),
    ("3.6", 8),
    ("3.7", 3),
    ("3.8", 10),
    ("4.1", 95),
    ("4.2", 12),
    ("4.3", 3),
    ("5.1", 20),
    ("5.2", 9),
    ("5.3", 2),
    ("5.4", 1),
    ("5.5", 3),
    ("6.1", 18),
    ("6.2", 2),
    ("6.3", 26),
];

/// Applicant types of the 455 applications received in 2021.
const TYPES_2021: &[(ApplicantType, usize)] = &[
    (ApplicantType::Natural, 380),
    (ApplicantType::Commercial, 45),
    (ApplicantType::Research, 3),
    (ApplicantType::PublicInterest, 2),
    (ApplicantType::LegalService, 15),
    (ApplicantType::Other, 10),
];

/// Units that receive applications, with weights.
const UNIT_WEIGHTS: &[(&str, u32)] = &[
    ("py-zjj", 26),
    ("py-ghzy", 20),
    ("py-gaj", 7),
    ("py-rsj", 6),
    ("py-scjgj", 7),
    ("py-wjj", 3),
    ("py-jyj", 4),
    ("py-cgj", 6),
    ("py-zfb", 3),
    ("py-fgj", 2),
    ("py-sthj", 3),
    ("py-jtj", 2),
    ("py-swj", 1),
    ("py-nyj", 1),
    ("py-mzj", 1),
    ("py-ncz", 2),
    ("py-slz", 2),
    ("py-sqz", 1),
    ("py-dsj", 2),
    ("py-zcj", 1),
    ("py-dlj", 1),
];

const SURNAMES: &[&str] = &[
    "陈", "李", "黄", "张", "梁", "刘", "何", "林", "罗", "郭", "吴", "谢", "冯", "邓", "曾", "麦",
    "苏", "叶",
];
const GIVEN: &[&str] = &[
    "伟明", "志强", "秀英", "丽华", "建国", "小红", "国辉", "美玲", "家豪", "嘉欣", "俊杰", "婉婷",
    "少华", "永康", "慧敏", "锦荣",
];
const ORGS: &[&str] = &[
    "置业有限公司",
    "建筑工程有限公司",
    "物业管理有限公司",
    "贸易有限公司",
    "科技有限公司",
    "房地产开发有限公司",
];
const TOPICS: &[&str] = &[
    "某小区建设工程规划许可证及附图",
    "某地块征收补偿安置方案",
    "某村留用地开发审批文件",
    "某路段道路改造工程立项批复",
    "2020年度部门预算执行情况",
    "某项目环境影响评价批复",
    "某楼盘预售许可证及监管账户信息",
    "某工地安全生产检查记录",
    "旧楼加装电梯审批材料",
    "某河涌整治工程招标文件",
    "某学校学位分配办法",
    "某企业行政处罚决定书",
    "城中村改造实施方案",
    "某市场升级改造补助资金发放情况",
    "某宗地土地出让合同",
];

struct Gen {
    rng: StdRng,
    n: u32,
}

impl Gen {
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.random_range(0..xs.len())]
    }

    fn unit(&mut self) -> &'static str {
        let total: u32 = UNIT_WEIGHTS.iter().map(|(_, w)| w).sum();
        let mut x = self.rng.random_range(0..total);
        for (code, w) in UNIT_WEIGHTS {
            if x < *w {
                return code;
            }
            x -= w;
        }
        "py-zjj"
    }

    fn id_card(&mut self) -> String {
        let y = self.rng.random_range(1950..2000);
        let m = self.rng.random_range(1..=12);
        let d = self.rng.random_range(1..=28);
        let seq = self.rng.random_range(100..999);
        let first = format!("440113{y:04}{m:02}{d:02}{seq:03}");
        let c = id_check_char(first.as_bytes()) as char;
        format!("{first}{c}")
    }

    fn credit_code(&mut self) -> String {
        const CH: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let body: String = (0..9)
            .map(|_| CH[self.rng.random_range(0..CH.len())] as char)
            .collect();
        let prefix = format!("91440113{body}");
        let c = credit_code_check_char(&prefix).unwrap_or('0');
        format!("{prefix}{c}")
    }

    fn input(&mut self, unit: &str, t: ApplicantType) -> ApplicationInput {
        self.n += 1;
        let natural = t.is_natural_person();
        let (name, id_kind, id_number) = if natural {
            let name = format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN));
            (name, "id_card", self.id_card())
        } else {
            let name = match t {
                ApplicantType::LegalService => format!("广东某某律师事务所（{}）", self.n),
                ApplicantType::Research => format!("某某研究院（{}）", self.n),
                ApplicantType::PublicInterest => format!("某某公益服务中心（{}）", self.n),
                _ => format!("广州市番禺区某某{}（{}）", self.pick(ORGS), self.n),
            };
            (name, "credit_code", self.credit_code())
        };
        let delivery = *self.pick(&["email", "post", "pickup", "online"]);
        ApplicationInput {
            unit_code: unit.into(),
            applicant_type: t.as_str().into(),
            applicant_name: name,
            id_kind: id_kind.into(),
            id_number,
            phone: format!("139{:08}", self.rng.random_range(0..100_000_000u32)),
            email: format!("applicant{}@example.com", self.n),
            address: "广州市番禺区市桥街某路某号".into(),
            postcode: "511400".into(),
            info_description: format!("请提供{}", self.pick(TOPICS)),
            info_doc_number: String::new(),
            purpose: "自身生产生活需要".into(),
            form_wanted: if delivery == "post" { "paper" } else { "email" }.into(),
            delivery: delivery.into(),
        }
    }

    fn channel(&mut self) -> Channel {
        match self.rng.random_range(0..100) {
            0..60 => Channel::Online,
            60..75 => Channel::InPerson,
            75..90 => Channel::Post,
            90..97 => Channel::Email,
            _ => Channel::Fax,
        }
    }
}

/// How one demo application unfolds.
struct Plan {
    unit: &'static str,
    applicant: ApplicantType,
    received: NaiveDate,
    outcome: &'static str,
    /// Working days from receipt to the answer.
    answer_after: u32,
    /// Pages of a fee notice that is paid.
    paid_pages: Option<u64>,
}

fn workdays_of(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| cal.is_workday(*d).unwrap_or(false))
        .collect()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// The events of a plan, ending in the answer.
fn events(cal: &Calendar, p: &Plan) -> Result<Vec<Event>> {
    let wd = |n: u32| {
        cal.add_workdays(p.received, n)
            .map_err(|e| StoreError::Internal(e.to_string()))
    };
    let mut ev = vec![Event::Received { on: p.received }];
    let mut answer_at = p.answer_after;
    match p.outcome {
        "6.1" => {
            let on = wd(2)?;
            ev.push(Event::CorrectionRequested {
                on,
                content: "请明确所需信息的名称、文号或其他特征描述".into(),
                by: on + chrono::Days::new(15),
            });
            // Abandoned after the correction period passes.
            answer_at = 16;
        }
        "4.3" => {
            let on = wd(2)?;
            ev.push(Event::CorrectionRequested {
                on,
                content: "请明确所需信息的名称、文号或其他特征描述".into(),
                by: on + chrono::Days::new(15),
            });
            ev.push(Event::CorrectionReceived { on: wd(5)? });
            answer_at = answer_at.max(8);
        }
        "3.4" => {
            ev.push(Event::ConsultationSent {
                on: wd(3)?,
                third_party: true,
                party: "相关企业".into(),
            });
            ev.push(Event::ConsultationReplied {
                on: wd(8)?,
                sent_on: wd(3)?,
                party: "相关企业".into(),
                consents: false,
            });
            answer_at = answer_at.max(12);
        }
        "6.2" => {
            let pages = 120;
            ev.push(Event::FeeNotice {
                on: wd(4)?,
                method: FeeMethod::Pages,
                quantity: pages,
                amount_yuan: pages_fee(pages),
            });
            // Unpaid for 20 WD: no longer handled.
            answer_at = 26;
        }
        _ => {}
    }
    if let Some(pages) = p.paid_pages {
        ev.push(Event::FeeNotice {
            on: wd(3)?,
            method: FeeMethod::Pages,
            quantity: pages,
            amount_yuan: pages_fee(pages),
        });
        ev.push(Event::FeePaid {
            on: wd(6)?,
            amount_yuan: pages_fee(pages),
        });
        answer_at = answer_at.max(12);
    }
    if p.outcome == "2" && answer_at > 15 {
        ev.push(Event::Extended {
            on: wd(15)?,
            approved_by: "政府信息公开工作机构负责人".into(),
        });
        answer_at += 6;
    }
    ev.push(Event::Answered {
        on: wd(answer_at)?,
        outcome: p.outcome.to_string(),
    });
    Ok(ev)
}

fn expand<T: Copy>(table: &[(T, usize)]) -> Vec<T> {
    table
        .iter()
        .flat_map(|(x, n)| std::iter::repeat_n(*x, *n))
        .collect()
}

/// Plans for both years, in the order they happen.
fn plans(cal: &Calendar, g: &mut Gen) -> Vec<Plan> {
    let mut plans = Vec::new();
    // 2021's outcome pool also serves the 9 applications carried in from 2020.
    let mut pool21: Vec<&'static str> = expand(OUTCOMES_2021);
    pool21.shuffle(&mut g.rng);
    let pool20: Vec<&'static str> = [
        "1", "1", "1", "2", "4.1", "4.1", "3.6", "3.8", "5.1", "6.3", "4.2", "6.1", "5.2", "3.4",
    ]
    .to_vec();

    for year in [2020, 2021] {
        let (received, open_at_end) = if year == 2020 {
            (382usize, 9usize)
        } else {
            (455, 13)
        };
        let mut types: Vec<ApplicantType> = if year == 2021 {
            expand(TYPES_2021)
        } else {
            (0..received)
                .map(|i| {
                    if i % 9 == 0 {
                        ApplicantType::Commercial
                    } else if i % 31 == 0 {
                        ApplicantType::LegalService
                    } else {
                        ApplicantType::Natural
                    }
                })
                .collect()
        };
        types.shuffle(&mut g.rng);
        let days = workdays_of(cal, ymd(year, 1, 4), ymd(year, 11, 30));
        let late = workdays_of(cal, ymd(year, 12, 20), ymd(year, 12, 31));
        let mut in_year: Vec<NaiveDate> = (0..received - open_at_end)
            .map(|_| *g.pick(&days))
            .collect();
        in_year.sort();
        for (i, day) in in_year.iter().enumerate() {
            let outcome = if year == 2020 {
                *g.pick(&pool20)
            } else {
                pool21.pop().unwrap_or("1")
            };
            plans.push(Plan {
                unit: g.unit(),
                applicant: types[i],
                received: *day,
                outcome,
                answer_after: g.rng.random_range(3..=18),
                paid_pages: None,
            });
        }
        for (j, t) in types[received - open_at_end..].iter().enumerate() {
            // Received in the last days of December, answered on time in January.
            let outcome = if year == 2020 {
                pool21.pop().unwrap_or("1")
            } else {
                if j % 3 == 0 { "4.1" } else { "1" }
            };
            plans.push(Plan {
                unit: g.unit(),
                applicant: *t,
                received: late[j % late.len()],
                outcome,
                answer_after: 12 + (j as u32 % 4),
                paid_pages: None,
            });
        }
    }
    // The fees of 2021, all at 区住房城乡建设局: 7 × 200 pages (2700元) + 148 pages (1660元) = 20560元.
    let mut fee_pages = vec![200u64, 200, 200, 200, 200, 200, 200, 148].into_iter();
    for p in plans.iter_mut() {
        if p.received.year() == 2021
            && p.received.month() <= 10
            && p.outcome == "1"
            && p.unit == "py-zjj"
        {
            match fee_pages.next() {
                Some(pages) => p.paid_pages = Some(pages),
                None => break,
            }
        }
    }
    for p in plans.iter_mut().filter(|p| p.outcome == "6.2") {
        // Fee notices only where fees are charged: the same unit.
        p.unit = "py-zjj";
    }
    plans
}

/// What a 部分公开 answer of the demo withholds, and why.
const WITHHELD: &str = "材料中涉及的第三方自然人姓名、身份证号码、联系电话等个人信息，公开会对第三方合法权益造成损害，根据《中华人民共和国政府信息公开条例》第十五条的规定不予公开";

/// Why the demo's 其他 (6.3) applications were no longer handled.
const WITHDRAWN: &str = "您于本机关答复前书面撤回了该政府信息公开申请";

/// Review cases: (kind, result, year filed, decided in the same year).
const CASES: &[(&str, &str, i32, bool)] = &[
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "upheld", 2021, true),
    ("reconsideration", "other", 2021, true),
    ("reconsideration", "other", 2021, true),
    ("reconsideration", "upheld", 2021, false),
    ("direct_lawsuit", "upheld", 2021, true),
    ("direct_lawsuit", "upheld", 2021, true),
    ("direct_lawsuit", "other", 2021, true),
    ("direct_lawsuit", "other", 2021, true),
    ("direct_lawsuit", "upheld", 2021, false),
    ("direct_lawsuit", "other", 2021, false),
    ("lawsuit_after_reconsideration", "upheld", 2021, true),
    ("lawsuit_after_reconsideration", "other", 2021, true),
    ("lawsuit_after_reconsideration", "other", 2021, true),
    ("lawsuit_after_reconsideration", "upheld", 2021, false),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "upheld", 2020, true),
    ("reconsideration", "corrected", 2020, true),
    ("reconsideration", "other", 2020, true),
    ("direct_lawsuit", "upheld", 2020, true),
    ("direct_lawsuit", "upheld", 2020, true),
    ("direct_lawsuit", "other", 2020, true),
];

impl Demo<'_> {
    /// Add the demo applications, letters and cases (the demo's units and staff must exist).
    pub(crate) async fn create_records(&self) -> Result<()> {
        let cal = self.calendar().await?;
        let mut g = Gen {
            rng: StdRng::seed_from_u64(2021),
            n: 0,
        };
        let handler = self.staff_by_username("zjj-handler").await?.map(|s| s.id);
        let mut answered: Vec<(i64, NaiveDate, &'static str)> = Vec::new();
        for p in plans(&cal, &mut g) {
            let input = g.input(p.unit, p.applicant);
            let channel = g.channel();
            let evs = events(&cal, &p)?;
            let received = (channel != Channel::Online).then_some(p.received);
            let submitted = self
                .submit_application(&Actor::DEMO, channel, &input, received, None, p.received)
                .await?;
            let app = submitted.application;
            if p.unit == "py-zjj" {
                self.assign_handler(&Actor::DEMO, app.id, handler).await?;
            }
            // Through the same commands as staff, each on the day it happened.
            for e in evs.into_iter().skip(usize::from(received.is_some())) {
                let on = e.on();
                match e {
                    Event::Answered { outcome, .. } => {
                        let (title, body) = self.draft_answer(&app, &outcome, on).await?;
                        let answer = AnswerInput {
                            body: Some(
                                body.replace("［请写明不予公开的内容及理由］", WITHHELD)
                                    .replace("［请写明不再处理的原因及依据］", WITHDRAWN),
                            ),
                            title: Some(title),
                            outcome,
                            on,
                            override_reason: String::new(),
                        };
                        self.answer_on(&cal, &Actor::DEMO, app.id, &answer, on)
                            .await?;
                        answered.push((app.id, on, p.outcome));
                    }
                    e => {
                        self.record_event_on(&cal, &Actor::DEMO, app.id, e, on)
                            .await?;
                    }
                }
            }
        }
        // Cases are brought against refusals, answered well before the filing.
        let mut candidates: Vec<&(i64, NaiveDate, &str)> =
            answered.iter().filter(|(_, _, o)| *o != "1").collect();
        candidates.shuffle(&mut g.rng);
        let today = gongkai_core::clock::today();
        for (kind, result, year, decided) in CASES {
            let Some(pos) = candidates
                .iter()
                .position(|(_, on, _)| on.year() == *year && on.month() <= 8)
            else {
                continue;
            };
            let (app_id, answered_on, _) = *candidates.remove(pos);
            let filed_on = answered_on + chrono::Days::new(20 + g.rng.random_range(0..30));
            let result_on = if *decided {
                (filed_on + chrono::Days::new(45)).min(ymd(*year, 12, 28))
            } else {
                ymd(*year + 1, 3, 15)
            };
            let case = NewCase {
                kind: (*kind).into(),
                filed_on,
                result: (*result).into(),
                result_on: Some(result_on),
                note: String::new(),
            };
            self.add_case(&Actor::DEMO, app_id, &case, today).await?;
        }
        Ok(())
    }
}
