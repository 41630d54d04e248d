//! Proactive disclosure (主动公开): the review workflow every publication goes through, the
//! catalog templates columns are set up from, index numbers, and the Art. 26 timeliness rule.
//!
//! The workflow (our reading of Arts. 17–18 and the 三审三校 practice): draft → 初审 → 复审 →
//! 终审 → 保密审查 → published. Each review passes (with the 三校 proofreading checklist ticked)
//! or returns the item to its author. **Our rules**: nobody reviews their own draft, and nobody
//! passes the same item at two of the three review levels; a published item is withdrawn with a
//! reason, and after a change it goes through the whole review again.

use crate::calendar::{Calendar, CalendarError};
use chrono::NaiveDate;
use serde::Serialize;

/// Where a publication stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    FirstReview,
    SecondReview,
    FinalReview,
    SecrecyReview,
    Published,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::FirstReview,
        Status::SecondReview,
        Status::FinalReview,
        Status::SecrecyReview,
        Status::Published,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::FirstReview => "first_review",
            Status::SecondReview => "second_review",
            Status::FinalReview => "final_review",
            Status::SecrecyReview => "secrecy_review",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::FirstReview => "待初审",
            Status::SecondReview => "待复审",
            Status::FinalReview => "待终审",
            Status::SecrecyReview => "待保密审查",
            Status::Published => "已发布",
            Status::Withdrawn => "已撤回",
        }
    }

    /// The review step an item in this status waits for.
    pub fn review_step(self) -> Option<Step> {
        match self {
            Status::FirstReview => Some(Step::First),
            Status::SecondReview => Some(Step::Second),
            Status::FinalReview => Some(Step::Final),
            Status::SecrecyReview => Some(Step::Secrecy),
            _ => None,
        }
    }

    /// Whether the author may still change the item.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Withdrawn)
    }
}

/// A stored status read back: an unknown one is an error, never a draft.
impl TryFrom<String> for Status {
    type Error = String;
    fn try_from(s: String) -> Result<Status, String> {
        Status::parse(&s).ok_or_else(|| format!("未知的信息状态“{s}”"))
    }
}

/// Templates compare a status with its stored name (`p.status == "published"`).
impl PartialEq<&str> for Status {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A review level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    First,
    Second,
    Final,
    Secrecy,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::First, Step::Second, Step::Final, Step::Secrecy];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::First => "first",
            Step::Second => "second",
            Step::Final => "final",
            Step::Secrecy => "secrecy",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::First => "初审",
            Step::Second => "复审",
            Step::Final => "终审",
            Step::Secrecy => "保密审查",
        }
    }

    /// Whether the step is one of the three content reviews (三审), each with the 三校 checklist.
    pub fn is_content_review(self) -> bool {
        !matches!(self, Step::Secrecy)
    }

    /// Where an item goes when this step passes.
    pub fn next(self) -> Status {
        match self {
            Step::First => Status::SecondReview,
            Step::Second => Status::FinalReview,
            Step::Final => Status::SecrecyReview,
            Step::Secrecy => Status::Published,
        }
    }
}

/// The 三校 proofreading checklist every content review ticks.
pub const PROOFREADING: [(&str, &str); 3] = [
    ("text", "文字校对：错别字、标点、数字、计量单位准确"),
    (
        "facts",
        "内容校对：标题、文号、日期、发布机构与原件一致，引用的政策法规准确",
    ),
    (
        "format",
        "格式校对：版式、附件、链接完整可用，无多余或遗漏内容",
    ),
];

/// The checks of the 保密审查.
pub const SECRECY_CHECKS: [(&str, &str); 2] = [
    ("secrets", "不涉及国家秘密、工作秘密，无密级标识"),
    ("privacy", "不涉及个人隐私和商业秘密，或已依法处理"),
];

/// A review already given on the current version of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastReview {
    pub step: Step,
    pub reviewer: i64,
}

/// Why a review may not be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("该信息当前状态为“{0}”，不在审核环节")]
    NotInReview(&'static str),
    #[error("不能审核本人起草的信息")]
    OwnDraft,
    #[error("同一人不能对同一信息进行两级审核（已进行{0}）")]
    AlreadyReviewed(&'static str),
    #[error("请逐项确认{0}清单：尚未确认“{1}”")]
    Checklist(&'static str, &'static str),
}

/// Check that `reviewer` may pass or return `status` for an item drafted by `author`, with the
/// checklist items `ticked` (keys of [`PROOFREADING`] or [`SECRECY_CHECKS`]); returns the step.
/// Returning an item needs no checklist.
pub fn check_review(
    status: Status,
    author: i64,
    reviewer: i64,
    past: &[PastReview],
    ticked: &[&str],
    passing: bool,
) -> Result<Step, Refusal> {
    let step = status
        .review_step()
        .ok_or(Refusal::NotInReview(status.label()))?;
    if reviewer == author {
        return Err(Refusal::OwnDraft);
    }
    if step.is_content_review()
        && let Some(p) = past
            .iter()
            .find(|p| p.reviewer == reviewer && p.step.is_content_review() && p.step != step)
    {
        return Err(Refusal::AlreadyReviewed(p.step.label()));
    }
    if passing {
        let (name, list): (&'static str, &[(&str, &'static str)]) = if step.is_content_review() {
            ("三校", &PROOFREADING)
        } else {
            ("保密审查", &SECRECY_CHECKS)
        };
        if let Some((_, label)) = list.iter().find(|(k, _)| !ticked.contains(k)) {
            return Err(Refusal::Checklist(name, label));
        }
    }
    Ok(step)
}

/// The index number (索引号) of a unit's `seq`-th publication of `year`: the unit's code
/// (its 统一社会信用代码 where it has one), the year and a five-digit sequence —
/// `11440113007502043X/2021-00042`. Our rule, after the common practice of provincial portals.
pub fn index_number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}/{year}-{seq:05}")
}

/// The families of catalogs a column can belong to; the first six are the "major catalogs" the
/// seed report counts together (超3.3万条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Catalog {
    /// 政府信息公开目录 (the Art. 20 and Art. 21 items)
    GovInfo,
    /// 重点领域信息公开目录
    KeyAreas,
    /// “五公开”目录
    FiveOpen,
    /// “重大建设项目批准实施”目录
    MajorProjects,
    /// “公共资源配置”目录
    PublicResources,
    /// “社会公益事业建设”目录
    PublicWelfare,
    /// 基层政务公开标准目录 (the 26 pilot areas)
    Grassroots,
    /// 专题专栏
    Topic,
    /// Portal columns outside the catalogs (要闻, 通知公告 …)
    Portal,
}

impl Catalog {
    pub const ALL: [Catalog; 9] = [
        Catalog::GovInfo,
        Catalog::KeyAreas,
        Catalog::FiveOpen,
        Catalog::MajorProjects,
        Catalog::PublicResources,
        Catalog::PublicWelfare,
        Catalog::Grassroots,
        Catalog::Topic,
        Catalog::Portal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Catalog::GovInfo => "gov_info",
            Catalog::KeyAreas => "key_areas",
            Catalog::FiveOpen => "five_open",
            Catalog::MajorProjects => "major_projects",
            Catalog::PublicResources => "public_resources",
            Catalog::PublicWelfare => "public_welfare",
            Catalog::Grassroots => "grassroots",
            Catalog::Topic => "topic",
            Catalog::Portal => "portal",
        }
    }

    pub fn parse(s: &str) -> Option<Catalog> {
        Catalog::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Catalog::GovInfo => "政府信息公开目录",
            Catalog::KeyAreas => "重点领域信息公开目录",
            Catalog::FiveOpen => "“五公开”目录",
            Catalog::MajorProjects => "“重大建设项目批准实施”目录",
            Catalog::PublicResources => "“公共资源配置”目录",
            Catalog::PublicWelfare => "“社会公益事业建设”目录",
            Catalog::Grassroots => "基层政务公开标准目录",
            Catalog::Topic => "专题专栏",
            Catalog::Portal => "网站栏目",
        }
    }

    /// One of the six major catalogs the seed's 超3.3万条 counts.
    pub fn is_major(self) -> bool {
        matches!(
            self,
            Catalog::GovInfo
                | Catalog::KeyAreas
                | Catalog::FiveOpen
                | Catalog::MajorProjects
                | Catalog::PublicResources
                | Catalog::PublicWelfare
        )
    }
}

/// How often a column must be updated (国办秘函〔2019〕19号): news columns every 2 weeks,
/// 通知公告 and 政策文件 every 6 months; others when there is something to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateRule {
    News,
    HalfYear,
    AsNeeded,
}

impl UpdateRule {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateRule::News => "news",
            UpdateRule::HalfYear => "half_year",
            UpdateRule::AsNeeded => "as_needed",
        }
    }

    pub fn parse(s: &str) -> Option<UpdateRule> {
        [UpdateRule::News, UpdateRule::HalfYear, UpdateRule::AsNeeded]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            UpdateRule::News => "每两周至少更新一次",
            UpdateRule::HalfYear => "每六个月至少更新一次",
            UpdateRule::AsNeeded => "按需更新",
        }
    }
}

/// A column as a template sets it up: its name, family, update rule and sub-columns.
#[derive(Debug, Clone, Copy)]
pub struct ColumnTemplate {
    pub name: &'static str,
    pub catalog: Catalog,
    pub rule: UpdateRule,
    pub children: &'static [ColumnTemplate],
}

const fn col(name: &'static str, catalog: Catalog) -> ColumnTemplate {
    ColumnTemplate {
        name,
        catalog,
        rule: UpdateRule::AsNeeded,
        children: &[],
    }
}

const fn ruled(name: &'static str, catalog: Catalog, rule: UpdateRule) -> ColumnTemplate {
    ColumnTemplate {
        name,
        catalog,
        rule,
        children: &[],
    }
}

use Catalog::*;

/// The 15 items of Art. 20, as the columns of a unit's 政府信息公开目录.
pub const ART20: [ColumnTemplate; 15] = [
    ruled("法规文件", GovInfo, UpdateRule::HalfYear),
    col("机构职能", GovInfo),
    col("规划信息", GovInfo),
    col("统计信息", GovInfo),
    col("行政许可和其他对外管理服务事项", GovInfo),
    col("行政处罚和行政强制", GovInfo),
    col("财政预算决算", GovInfo),
    col("行政事业性收费", GovInfo),
    col("政府集中采购", GovInfo),
    col("重大建设项目", GovInfo),
    col("扶贫、教育、医疗、社会保障、促进就业", GovInfo),
    col("突发公共事件应对", GovInfo),
    col("监督检查情况", GovInfo),
    col("公务员招考录用", GovInfo),
    col("其他应当主动公开的信息", GovInfo),
];

/// The Art. 21 items a district or town government adds.
pub const ART21: [ColumnTemplate; 5] = [
    col("城乡建设和管理的重大事项", GovInfo),
    col("社会公益事业建设", GovInfo),
    col(
        "征收或者征用土地、房屋拆迁及其补偿、补助费用的发放、使用情况",
        GovInfo,
    ),
    col(
        "抢险救灾、优抚、救济、社会捐助等款物的管理、使用和分配情况",
        GovInfo,
    ),
    col("乡（镇）、街道的其他信息", GovInfo),
];

/// 重点领域 columns.
pub const KEY_AREAS: [ColumnTemplate; 6] = [
    col("财政资金", KeyAreas),
    col("生态环境", KeyAreas),
    col("食品药品安全", KeyAreas),
    col("安全生产", KeyAreas),
    col("教育卫生", KeyAreas),
    col("住房保障", KeyAreas),
];

/// The “五公开” catalog.
pub const FIVE_OPEN: [ColumnTemplate; 5] = [
    col("决策公开", FiveOpen),
    col("执行公开", FiveOpen),
    col("管理公开", FiveOpen),
    col("服务公开", FiveOpen),
    col("结果公开", FiveOpen),
];

/// The three catalogs of the 国办 opinions on major projects, public resources and public welfare.
pub const SECTOR_CATALOGS: [ColumnTemplate; 3] = [
    col("重大建设项目批准和实施", MajorProjects),
    col("公共资源配置", PublicResources),
    col("社会公益事业建设", PublicWelfare),
];

/// The 基层政务公开标准目录 pilot areas (26 areas of the 2019 State Council guidance; the first
/// ones most districts carry).
pub const GRASSROOTS: [ColumnTemplate; 8] = [
    col("重大建设项目", Grassroots),
    col("公共资源交易", Grassroots),
    col("财政预决算", Grassroots),
    col("安全生产", Grassroots),
    col("税收管理", Grassroots),
    col("征地补偿", Grassroots),
    col("国有土地上房屋征收与补偿", Grassroots),
    col("户籍管理", Grassroots),
];

/// Portal columns every unit site has.
pub const PORTAL: [ColumnTemplate; 3] = [
    ruled("工作动态", Portal, UpdateRule::News),
    ruled("通知公告", Portal, UpdateRule::HalfYear),
    ruled("政策解读", Portal, UpdateRule::AsNeeded),
];

/// A special topic with a sub-column, as the seed's epidemic column.
pub const EPIDEMIC_TOPIC: ColumnTemplate = ColumnTemplate {
    name: "疫情防控专栏",
    catalog: Topic,
    rule: UpdateRule::AsNeeded,
    children: &[col("“六稳”“六保”", Topic)],
};

/// The templates the office sets columns up from, by key.
pub fn template(key: &str) -> Option<&'static [ColumnTemplate]> {
    Some(match key {
        "art20" => &ART20,
        "art21" => &ART21,
        "key_areas" => &KEY_AREAS,
        "five_open" => &FIVE_OPEN,
        "sector" => &SECTOR_CATALOGS,
        "grassroots" => &GRASSROOTS,
        "portal" => &PORTAL,
        "epidemic" => std::slice::from_ref(&EPIDEMIC_TOPIC),
        _ => return None,
    })
}

/// The templates with their names, for a choice list.
pub const TEMPLATES: [(&str, &str); 8] = [
    ("art20", "第二十条 15 项主动公开内容"),
    ("art21", "第二十一条 区县、乡镇政府增加的内容"),
    ("key_areas", "重点领域信息公开"),
    ("five_open", "“五公开”目录"),
    ("sector", "重大建设项目、公共资源配置、社会公益事业建设目录"),
    ("grassroots", "基层政务公开标准目录（试点领域）"),
    ("portal", "网站常设栏目（工作动态、通知公告、政策解读）"),
    ("epidemic", "专题：疫情防控专栏（含“六稳”“六保”子栏目）"),
];

/// Art. 26: the last day an item formed on `formed` may be published (20 working days).
pub fn publish_by(calendar: &Calendar, formed: NaiveDate) -> Result<NaiveDate, CalendarError> {
    calendar.add_workdays(formed, 20)
}

/// Validity of a normative document (有效性).
pub const VALIDITY: [(&str, &str); 3] = [
    ("valid", "现行有效"),
    ("amended", "已修改"),
    ("repealed", "已废止"),
];

/// Disclosure attribute (公开属性).
pub const DISCLOSURE: [(&str, &str); 3] = [
    ("active", "主动公开"),
    ("on_request", "依申请公开"),
    ("not_public", "不予公开"),
];

/// The forms of a policy interpretation (解读形式).
pub const MEDIA_FORMS: [(&str, &str); 7] = [
    ("text", "文字解读"),
    ("graphic", "图解"),
    ("video", "视频解读"),
    ("audio", "音频解读"),
    ("animation", "动画解读"),
    ("interview", "在线访谈"),
    ("press", "新闻发布会"),
];

/// 体裁 of a publication.
pub const GENRES: [(&str, &str); 10] = [
    ("notice", "通知"),
    ("announcement", "公告"),
    ("opinion", "意见"),
    ("measures", "办法"),
    ("plan", "方案"),
    ("report", "报告"),
    ("reply", "批复"),
    ("interpretation", "解读"),
    ("response", "回应"),
    ("other", "其他"),
];

/// 主题分类 (the State Council's subject classification, first level).
pub const TOPICS: [&str; 12] = [
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "城乡建设、环境保护",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "科技、教育",
    "卫生、体育",
    "劳动、人事、监察",
    "民政、扶贫、救灾",
    "公安、安全、司法",
];

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_TICKED: [&str; 3] = ["text", "facts", "format"];

    #[test]
    fn nobody_reviews_their_own_draft() {
        assert_eq!(
            check_review(Status::FirstReview, 7, 7, &[], &ALL_TICKED, true),
            Err(Refusal::OwnDraft)
        );
        // Not even the secrecy review.
        assert_eq!(
            check_review(
                Status::SecrecyReview,
                7,
                7,
                &[],
                &["secrets", "privacy"],
                true
            ),
            Err(Refusal::OwnDraft)
        );
    }

    #[test]
    fn three_reviews_by_three_people_then_secrecy() {
        let past = [PastReview {
            step: Step::First,
            reviewer: 2,
        }];
        assert_eq!(
            check_review(Status::SecondReview, 1, 2, &past, &ALL_TICKED, true),
            Err(Refusal::AlreadyReviewed("初审"))
        );
        assert_eq!(
            check_review(Status::SecondReview, 1, 3, &past, &ALL_TICKED, true),
            Ok(Step::Second)
        );
        // The secrecy review may be done by someone who did a content review.
        assert_eq!(
            check_review(
                Status::SecrecyReview,
                1,
                2,
                &past,
                &["secrets", "privacy"],
                true
            ),
            Ok(Step::Secrecy)
        );
        assert_eq!(Step::Final.next(), Status::SecrecyReview);
        assert_eq!(Step::Secrecy.next(), Status::Published);
    }

    #[test]
    fn passing_needs_every_checklist_item_returning_does_not() {
        let e = check_review(Status::FirstReview, 1, 2, &[], &["text", "facts"], true);
        assert!(matches!(e, Err(Refusal::Checklist("三校", l)) if l.starts_with("格式校对")));
        assert_eq!(
            check_review(Status::FirstReview, 1, 2, &[], &[], false),
            Ok(Step::First)
        );
        assert_eq!(
            check_review(Status::Draft, 1, 2, &[], &ALL_TICKED, true),
            Err(Refusal::NotInReview("草稿"))
        );
    }

    #[test]
    fn index_numbers_sort_within_a_year() {
        assert_eq!(
            index_number("11440113007502043X", 2021, 42),
            "11440113007502043X/2021-00042"
        );
        assert!(index_number("p", 2021, 9) < index_number("p", 2021, 10));
    }

    #[test]
    fn templates_cover_art20_and_the_major_catalogs() {
        assert_eq!(template("art20").unwrap().len(), 15);
        assert_eq!(template("epidemic").unwrap()[0].children.len(), 1);
        assert!(template("nothing").is_none());
        let majors = Catalog::ALL.iter().filter(|c| c.is_major()).count();
        assert_eq!(majors, 6);
    }

    #[test]
    fn art26_counts_twenty_working_days() {
        let cal = Calendar::builtin();
        // Formed on Friday 2021-09-24: the National Day week is not counted, the make-up
        // working days (Sunday 26 September, Saturday 9 October) are.
        let by = publish_by(cal, NaiveDate::from_ymd_opt(2021, 9, 24).unwrap()).unwrap();
        assert_eq!(by, NaiveDate::from_ymd_opt(2021, 10, 27).unwrap());
    }
}
