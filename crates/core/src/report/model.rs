//! The computed annual report as data: tables 二, 三 and 四 and every narrative figure, as the
//! store computes them from records and as the renderers (HTML, DOCX, PDF, JSON, CSV) and the
//! narrative's placeholders read them. Plain values: no database and no formatting here.

use super::{Format, Problem, Table2, Table3, Table4};
use serde::Serialize;
use std::collections::BTreeMap;

/// Figures of the narrative sections that come from applications and cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplicationFigures {
    pub applications_received: u64,
    pub applications_carried_in: u64,
    pub applications_concluded: u64,
    /// Concluded this year on or before the due date derived from their events.
    pub applications_concluded_on_time: u64,
    pub applications_carried_out: u64,
    pub reconsiderations: u64,
    pub lawsuits: u64,
    pub fees_collected_yuan: u64,
    /// Fees by the unit that collected them (short names, as the report writes them).
    pub fees_by_unit: BTreeMap<String, u64>,
}

/// Figures of section 一（一） and （三） that come from publications, catalogs and normative
/// documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DisclosureFigures {
    /// 主动公开基本目录 published in the year.
    pub catalogs_published: u64,
    /// Items in the 基层政务公开标准目录 (pilot areas), cumulative to the year's end.
    pub pilot_catalog_items: u64,
    /// Items published on the portal in the year.
    pub portal_items: u64,
    /// Items published in the year in the six major catalogs.
    pub major_catalog_items: u64,
    /// Items of the year in the epidemic topic column (with its sub-columns).
    pub epidemic_column_items: u64,
    /// Items of the year in its “六稳”“六保” sub-column.
    pub stability_column_items: u64,
    /// Every topic column of the year: name → items (sub-columns included).
    pub topic_columns: BTreeMap<String, u64>,
    /// Normative documents evaluated in the year's campaigns, and how many were re-labelled.
    pub documents_evaluated: u64,
    pub documents_adjusted: u64,
    pub documents_evaluated_by_unit: BTreeMap<String, u64>,
}

/// A computed annual report (tables 二, 三 and 四, and the figures from the same records).
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub format: Format,
    pub year: i32,
    pub unit_code: String,
    pub unit_name: String,
    /// `district` (every unit) or `unit`.
    pub scope: &'static str,
    pub table2: Table2,
    pub table3: Table3,
    pub table4: Table4,
    pub figures: ApplicationFigures,
    pub disclosure: DisclosureFigures,
    pub engagement: EngagementFigures,
    pub problems: Vec<Problem>,
}

/// Figures of sections 一（一）、（三）、（四）、（五） from engagement and supervision records.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EngagementFigures {
    pub interpretations: u64,
    pub video_interpretations: u64,
    pub hot_responses: u64,
    pub consultations: u64,
    pub interviews: u64,
    pub new_media_accounts: u64,
    /// Posts of the year by account name (accounts of one name on several platforms summed).
    pub new_media_posts: BTreeMap<String, u64>,
    pub inspection_notices: u64,
    pub problems_rectified: u64,
    pub trainings: u64,
    pub city_trainings: u64,
    pub training_attendance: u64,
    pub service_items: Option<u64>,
    pub service_items_one_visit: Option<u64>,
    pub public_service_items: Option<u64>,
    pub service_items_online: Option<u64>,
}

impl ReportData {
    /// Every figure by its placeholder key, as the report prints it.
    pub fn figure_map(&self) -> crate::narrative::Figures {
        let f = &self.figures;
        let d = &self.disclosure;
        let e = &self.engagement;
        let mut m = crate::narrative::Figures::new();
        let mut put = |k: &str, v: String| {
            m.insert(k.to_string(), v);
        };
        put("year", self.year.to_string());
        put("applications_received", f.applications_received.to_string());
        put(
            "applications_carried_in",
            f.applications_carried_in.to_string(),
        );
        put(
            "applications_concluded",
            f.applications_concluded.to_string(),
        );
        put(
            "applications_concluded_on_time",
            f.applications_concluded_on_time.to_string(),
        );
        put(
            "applications_carried_out",
            f.applications_carried_out.to_string(),
        );
        put("reconsiderations", f.reconsiderations.to_string());
        put("lawsuits", f.lawsuits.to_string());
        put("fees_collected_yuan", f.fees_collected_yuan.to_string());
        put("catalogs_published", d.catalogs_published.to_string());
        put("pilot_catalog_items", d.pilot_catalog_items.to_string());
        put("portal_items", d.portal_items.to_string());
        put("major_catalog_items", d.major_catalog_items.to_string());
        put("epidemic_column_items", d.epidemic_column_items.to_string());
        put(
            "stability_column_items",
            d.stability_column_items.to_string(),
        );
        put("documents_evaluated", d.documents_evaluated.to_string());
        put("documents_adjusted", d.documents_adjusted.to_string());
        put("interpretations", e.interpretations.to_string());
        put("video_interpretations", e.video_interpretations.to_string());
        put("hot_responses", e.hot_responses.to_string());
        put("consultations", e.consultations.to_string());
        put("interviews", e.interviews.to_string());
        put("new_media_accounts", e.new_media_accounts.to_string());
        put(
            "new_media_posts",
            e.new_media_posts
                .iter()
                .map(|(n, c)| format!("“{n}”推送信息{c}条"))
                .collect::<Vec<_>>()
                .join("，"),
        );
        put("inspection_notices", e.inspection_notices.to_string());
        put("problems_rectified", e.problems_rectified.to_string());
        put("trainings", e.trainings.to_string());
        put("city_trainings", e.city_trainings.to_string());
        put("training_attendance", e.training_attendance.to_string());
        let opt = |v: Option<u64>| v.map_or("（未登记）".to_string(), |v| v.to_string());
        put("service_items", opt(e.service_items));
        put("service_items_one_visit", opt(e.service_items_one_visit));
        put("public_service_items", opt(e.public_service_items));
        put("service_items_online", opt(e.service_items_online));
        m
    }
}
