//! Page models (askama templates, escaped by default) and the shared pieces of every page.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::FieldError;
use gongkai_store::audit::AuditEntry;
use gongkai_store::auth::Session;
use gongkai_store::staff::Staff;
use gongkai_store::units::{Unit, UnitInput};

/// Render a page; a template failure is logged and becomes a plain 500.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "系统错误").into_response()
        }
    }
}

/// Form errors by field, for showing each next to its field.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// The message for a field, or "" when the field is fine.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
            .unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.0
    }
}

/// Who is logged in, as every console page shows it.
pub struct Me {
    pub display_name: String,
    pub role_label: &'static str,
    pub unit_name: String,
    pub csrf: String,
    pub is_office: bool,
    pub reads_audit: bool,
}

impl Me {
    pub fn of(s: &Session) -> Me {
        let role = s.staff.role();
        Me {
            display_name: s.staff.display_name.clone(),
            role_label: role.label(),
            unit_name: s.staff.unit_name.clone(),
            csrf: s.csrf_token.clone(),
            is_office: role.is_office(),
            reads_audit: role.reads_audit(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    pub status: u16,
}

// ---- portal ----

pub struct UnitGroup {
    pub label: &'static str,
    pub units: Vec<Unit>,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub site_name: String,
    pub root: Option<Unit>,
    pub groups: Vec<UnitGroup>,
    /// The newest published items of every unit.
    pub latest: Vec<gongkai_store::publishing::PublicationRow>,
    /// The government's portal columns (工作动态, 通知公告, 政策解读, 回应关切 …) with their
    /// newest items.
    pub columns: Vec<(
        gongkai_store::publishing::Column,
        Vec<gongkai_store::publishing::PublicationRow>,
    )>,
    /// Special topics (专题专栏) with their item counts.
    pub topics: Vec<(gongkai_store::publishing::Column, i64)>,
}

#[derive(Template)]
#[template(path = "portal/guide.html")]
pub struct GuidePage {
    pub site_name: String,
    pub unit: Unit,
    pub parent: Option<Unit>,
}

// ---- console ----

#[derive(Template)]
#[template(path = "console/login.html")]
pub struct LoginPage {
    pub error: String,
    pub username: String,
    pub next: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
pub struct DashboardPage {
    pub me: Me,
    pub unit_count: usize,
    pub staff_count: usize,
    pub audit_count: i64,
    pub years: String,
    pub warnings: Vec<String>,
}

pub struct UnitRow {
    pub unit: Unit,
    pub parent_name: String,
}

#[derive(Template)]
#[template(path = "console/units.html")]
pub struct UnitsPage {
    pub me: Me,
    pub rows: Vec<UnitRow>,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "console/unit_form.html")]
pub struct UnitFormPage {
    pub me: Me,
    /// The unit's current code (empty when adding).
    pub code: String,
    pub input: UnitInput,
    pub errors: Errors,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub parents: Vec<(String, String)>,
    pub readonly: bool,
    pub notice: String,
    /// Earlier versions of the unit's guide (Art. 12), newest first.
    pub versions: Vec<gongkai_store::units::GuideVersion>,
}

#[derive(Template)]
#[template(path = "console/staff.html")]
pub struct StaffPage {
    pub me: Me,
    pub staff: Vec<Staff>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "console/staff_form.html")]
pub struct StaffFormPage {
    pub me: Me,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: String,
    pub errors: Errors,
    pub units: Vec<(String, String)>,
    pub roles: Vec<(&'static str, &'static str)>,
}

pub struct YearRow {
    pub year: i32,
    pub off: usize,
    pub work: usize,
    pub notices: String,
}

pub struct DayRow {
    pub date: String,
    pub weekday: &'static str,
    pub name: String,
    pub kind_label: &'static str,
}

#[derive(Template)]
#[template(path = "console/calendar.html")]
pub struct CalendarPage {
    pub me: Me,
    pub years: Vec<YearRow>,
    pub selected: i32,
    pub days: Vec<DayRow>,
    pub error: String,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
pub struct AuditPage {
    pub me: Me,
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub has_next: bool,
    pub verification: String,
    pub verified_ok: bool,
}

// ---- applications, public ----

pub type Options = Vec<(String, String)>;

pub fn options(table: &[(&str, &str)]) -> Options {
    table
        .iter()
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "portal/apply.html")]
pub struct ApplyPage {
    pub site_name: String,
    pub token: String,
    pub input: gongkai_store::applications::ApplicationInput,
    pub errors: Errors,
    pub units: Options,
    pub applicant_types: Options,
    pub id_kinds: Options,
    pub forms: Options,
    pub deliveries: Options,
}

#[derive(Template)]
#[template(path = "portal/apply_done.html")]
pub struct ApplyDonePage {
    pub site_name: String,
    pub unit_name: String,
    pub code: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "portal/status_form.html")]
pub struct StatusFormPage {
    pub site_name: String,
    pub code: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "portal/status.html")]
pub struct StatusPage {
    pub site_name: String,
    pub app: gongkai_store::applications::Application,
    pub password: String,
    pub masked_name: String,
    pub masked_phone: String,
    pub stage: &'static str,
    pub received: Option<chrono::NaiveDate>,
    pub due: Option<chrono::NaiveDate>,
    pub no_due: &'static str,
    pub letters: Vec<gongkai_store::applications::Letter>,
}

#[derive(Template)]
#[template(path = "letter.html")]
pub struct LetterPage {
    pub letter: gongkai_store::applications::Letter,
    pub tracking_code: String,
    pub paragraphs: Vec<String>,
}

impl LetterPage {
    pub fn new(letter: gongkai_store::applications::Letter, tracking_code: String) -> LetterPage {
        let paragraphs = letter
            .body
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        LetterPage {
            letter,
            tracking_code,
            paragraphs,
        }
    }
}

// ---- applications, console ----

pub struct WorkRow {
    pub app: gongkai_store::applications::Application,
    pub channel: &'static str,
    pub stage: &'static str,
    pub received: String,
    pub due: String,
    /// Working days left (negative: overdue), when there is a due date.
    pub remaining: Option<i64>,
    pub handler: String,
}

impl WorkRow {
    pub fn class(&self) -> &'static str {
        match self.remaining {
            Some(r) if r < 0 => "overdue",
            Some(r) if r <= 3 => "soon",
            _ => "",
        }
    }

    pub fn remaining_text(&self) -> String {
        match self.remaining {
            Some(r) if r < 0 => format!("已超期 {} 个工作日", -r),
            Some(0) => "今天到期".into(),
            Some(r) => format!("剩余 {r} 个工作日"),
            None => "—".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/applications.html")]
pub struct WorkbenchPage {
    pub me: Me,
    pub rows: Vec<WorkRow>,
    pub stages: Options,
    pub channels: Options,
    pub applicant_types: Options,
    pub handlers: Options,
    pub f_stage: String,
    pub f_channel: String,
    pub f_type: String,
    pub f_handler: String,
    pub show_all: bool,
    pub can_act: bool,
}

#[derive(Template)]
#[template(path = "console/application_new.html")]
pub struct RegisterPage {
    pub me: Me,
    pub input: gongkai_store::applications::ApplicationInput,
    pub channel: String,
    pub received_on: String,
    pub errors: Errors,
    pub units: Options,
    pub channels: Options,
    pub applicant_types: Options,
    pub id_kinds: Options,
    pub forms: Options,
    pub deliveries: Options,
    pub rules: Vec<(&'static str, &'static str)>,
}

pub struct TimelineRow {
    pub text: String,
    pub actor: String,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "console/application.html")]
pub struct ApplicationPage {
    pub me: Me,
    /// The office may correct a receipt date.
    pub is_office: bool,
    pub app: gongkai_store::applications::Application,
    pub labels: AppLabels,
    pub stage: &'static str,
    pub is_open: bool,
    pub received: bool,
    pub due_steps: Vec<String>,
    pub no_due: String,
    pub warnings: Vec<String>,
    pub timeline: Vec<TimelineRow>,
    pub open_consultations: Options,
    pub fee_notice: bool,
    pub fee_paid: bool,
    pub extended: bool,
    pub correction_allowed: bool,
    pub awaiting_correction: bool,
    pub month_count: u64,
    pub letters: Vec<gongkai_store::applications::Letter>,
    pub attachments: Vec<gongkai_store::files::AttachmentInfo>,
    pub cases: Vec<gongkai_store::applications::ReviewCase>,
    pub repeats: Vec<gongkai_store::applications::Application>,
    pub outcomes: Options,
    /// Units an application can be transferred to.
    pub units: Options,
    pub case_kinds: Options,
    pub case_results: Options,
    pub error: String,
    pub notice: String,
    pub today: String,
    pub can_act: bool,
}

pub struct AppLabels {
    pub channel: &'static str,
    pub applicant_type: &'static str,
    pub id_kind: &'static str,
    pub form_wanted: &'static str,
    pub delivery: &'static str,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "console/answer.html")]
pub struct AnswerPage {
    pub me: Me,
    pub app: gongkai_store::applications::Application,
    pub outcome: String,
    pub outcome_label: String,
    pub outcomes: Options,
    pub on: String,
    pub title: String,
    pub body: String,
    pub error: String,
}

/// A stored file as a download, under its own name (RFC 5987 for the Chinese characters).
pub fn download(info: &gongkai_store::files::AttachmentInfo, data: Vec<u8>) -> Response {
    let ascii: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = info
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, info.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        data,
    )
        .into_response()
}

/// A form's page as answered: 422 when what was sent came back with mistakes (shown beside
/// the fields), so that browsers and tests see it failed.
pub fn form_page(page: Response, accepted: bool) -> Response {
    form_page_or(page, accepted, StatusCode::UNPROCESSABLE_ENTITY)
}

/// [`form_page`] with another status for what was not accepted. A page that could not be
/// rendered keeps its 500 (a status put before it in a tuple would have replaced it).
pub fn form_page_or(mut page: Response, accepted: bool, failure: StatusCode) -> Response {
    if !accepted && page.status() == StatusCode::OK {
        *page.status_mut() = failure;
    }
    page
}

/// Text made safe to put into XML (SVG, RSS, the sitemap) with the named entities.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text made safe to put into HTML, as the templates escape it.
pub fn escape(s: &str) -> String {
    askama::filters::escape(s, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_page_says_422_for_mistakes_and_keeps_a_500() {
        let page = || Html("<p>表单</p>").into_response();
        assert_eq!(form_page(page(), true).status(), StatusCode::OK);
        assert_eq!(
            form_page(page(), false).status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            form_page_or(page(), false, StatusCode::CONFLICT).status(),
            StatusCode::CONFLICT
        );
        let broken = (StatusCode::INTERNAL_SERVER_ERROR, "系统错误").into_response();
        assert_eq!(
            form_page(broken, false).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
