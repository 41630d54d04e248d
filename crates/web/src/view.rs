//! Page models (askama templates, escaped by default) and the shared pieces of every page.

use askama::Template;
use axum::http::StatusCode;
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
