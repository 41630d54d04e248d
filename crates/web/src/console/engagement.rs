//! The console of engagement (consultations, interviews, the message box, moderation) and
//! supervision (new-media registry, inspections, 通报 and 整改, training, service figures).

use crate::AppState;
use crate::error::AppError;
use crate::posted::ChForm;
use crate::posted::Posted;
use crate::session::CurrentStaff;
use crate::site::today;
use crate::view::{Errors, Me, Options, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use gongkai_core::Role;
use gongkai_core::access::Action;
use gongkai_core::supervision::{Finding, Rule, vetoes};
use gongkai_store::engagement::{
    Consultation, ConsultationInput, Contribution, Interview, InterviewInput,
};
use gongkai_store::supervision::{
    FILING_KINDS, InspectionRun, MediaAccount, Notice, PLATFORMS, Rectification, StoredFinding,
    Training,
};
use gongkai_store::units::Unit;
use gongkai_store::{FieldError, StoreError};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/engagement", get(engagement))
        .route("/console/consultations", post(create_consultation))
        .route("/console/consultations/{id}", get(consultation))
        .route("/console/consultations/{id}/feedback", post(feedback))
        .route("/console/interviews", post(create_interview))
        .route(
            "/console/interviews/{id}",
            get(interview).post(record_interview),
        )
        .route("/console/contributions/{id}", post(moderate))
        .route("/console/messages", get(messages))
        .route(
            "/console/supervision",
            get(supervision).post(supervision_action),
        )
        .route(
            "/console/inspections/{id}",
            get(inspection).post(issue_notice),
        )
        .route("/console/rectifications/{id}", post(rectification))
}

async fn unit_of(state: &AppState, me: &CurrentStaff, code: &str) -> Result<Unit, AppError> {
    let code = if code.trim().is_empty() {
        me.staff().unit_code.clone()
    } else {
        code.trim().to_string()
    };
    let unit = state
        .store
        .unit_by_code(&code)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个单位。".into()))?;
    if !me.reaches(Action::Engage, unit.id) {
        return Err(AppError::Forbidden("您只能为本单位办理。".into()));
    }
    Ok(unit)
}

async fn unit_names(state: &AppState) -> Result<BTreeMap<i64, String>, AppError> {
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The date in form field `field`, or what is wrong with it (under that field's name).
fn date_field(field: &'static str, s: &str, label: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| FieldError {
        field,
        message: format!("{label}应为“年-月-日”格式，例如 2021-03-15"),
    })
}

fn parse_day(field: &'static str, s: &str, label: &str) -> Result<NaiveDate, AppError> {
    date_field(field, s, label).map_err(|e| AppError::Store(StoreError::Invalid(vec![e])))
}

// ---- engagement ----

#[derive(Template)]
#[template(path = "console/engagement.html")]
struct EngagementPage {
    me: Me,
    units: Options,
    consultations: Vec<(Consultation, &'static str, String)>,
    interviews: Vec<(Interview, String)>,
    pending: usize,
    today: String,
    forms: Forms,
}

/// What the two forms of the page hold: empty, or as sent back with what is wrong beside each
/// field.
#[derive(Default)]
struct Forms {
    /// The unit chosen in the form that was sent.
    unit: String,
    consultation: ConsultationInput,
    consultation_errors: Errors,
    interview: InterviewInput,
    interview_errors: Errors,
}

async fn engagement(State(state): State<AppState>, me: CurrentStaff) -> Result<Response, AppError> {
    engagement_page(&state, &me, Forms::default()).await
}

/// The engagement page; with a form sent back, 422 so that the browser and tests see it failed.
async fn engagement_page(
    state: &AppState,
    me: &CurrentStaff,
    forms: Forms,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let sees = |u: i64| me.staff().sees_unit(u);
    let day = today();
    let name = |u: &i64| names.get(u).cloned().unwrap_or_default();
    let pending = ["opinion", "question", "message"];
    let mut waiting = 0;
    for k in pending {
        waiting += state
            .store
            .contributions(k, None, None, false)
            .await?
            .iter()
            .filter(|c| c.status == "pending" && sees(c.unit_id))
            .count();
    }
    let accepted = forms.consultation_errors.is_empty() && forms.interview_errors.is_empty();
    let page = EngagementPage {
        me: Me::of(&me.0),
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| me.reaches(Action::Engage, u.id))
            .map(|u| (u.code, u.name))
            .collect(),
        consultations: state
            .store
            .consultations(None)
            .await?
            .into_iter()
            .filter(|c| sees(c.unit_id))
            .map(|c| {
                let stage = c.stage(day);
                let n = name(&c.unit_id);
                (c, stage, n)
            })
            .collect(),
        interviews: state
            .store
            .interviews(None)
            .await?
            .into_iter()
            .filter(|v| sees(v.unit_id))
            .map(|v| {
                let n = name(&v.unit_id);
                (v, n)
            })
            .collect(),
        pending: waiting,
        today: day.to_string(),
        forms,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

/// Draft the announcement of a consultation or interview in the unit's column for them; it goes
/// through the review workflow like any publication, and the public sees the item once it is
/// published. Returns the publication's id.
async fn announce(
    state: &AppState,
    me: &CurrentStaff,
    unit: &Unit,
    column: &str,
    title: &str,
    summary: &str,
    body: &str,
) -> Result<i64, AppError> {
    let column_id = state
        .store
        .announcement_column(&me.actor(), unit.id, column)
        .await?;
    let input = gongkai_store::publishing::PublicationInput {
        title: title.to_string(),
        summary: summary.chars().take(1000).collect(),
        formed_on: today().to_string(),
        genre: "announcement".into(),
        body: body.to_string(),
        column_ids: vec![column_id],
        ..Default::default()
    };
    Ok(state
        .store
        .create_publication(me.staff(), unit.id, &input, today())
        .await?
        .id)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConsultationForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: ConsultationInput,
}

async fn create_consultation(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<ConsultationForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let unit = unit_of(&state, &me, &f.unit).await?;
    let (opens, closes) = match gongkai_store::Store::check_consultation(&f.input) {
        Ok(days) => days,
        Err(StoreError::Invalid(errs)) => {
            let forms = Forms {
                unit: f.unit,
                consultation: f.input,
                consultation_errors: Errors(errs),
                ..Forms::default()
            };
            return engagement_page(&state, &me, forms).await;
        }
        Err(e) => return Err(e.into()),
    };
    let body = format!(
        "{}<p>征集时间：{opens} 至 {closes}。</p><h2>起草说明</h2><p>{}</p>",
        f.input.draft,
        crate::view::escape(f.input.explanation.trim())
    );
    let announcement = announce(
        &state,
        &me,
        &unit,
        "调查征集",
        &f.input.title,
        &f.input.explanation,
        &body,
    )
    .await?;
    let c = state
        .store
        .create_consultation(&me.actor(), unit.id, &f.input, Some(announcement))
        .await?;
    Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
}

#[derive(Template)]
#[template(path = "console/consultation.html")]
struct ConsultationPage {
    me: Me,
    announcement: Option<gongkai_store::publishing::Publication>,
    c: Consultation,
    stage: &'static str,
    opinions: Vec<Contribution>,
    can_manage: bool,
    /// The feedback as sent back, and what is wrong with it.
    feedback: String,
    errors: Errors,
    reply_back: ReplyBack,
}

async fn consultation(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    consultation_page(
        &state,
        &me,
        id,
        String::new(),
        Errors::default(),
        ReplyBack::default(),
    )
    .await
}

async fn consultation_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    feedback: String,
    errors: Errors,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let c = state
        .store
        .consultation(id)
        .await?
        .filter(|c| me.staff().sees_unit(c.unit_id))
        .ok_or_else(|| AppError::NotFound("没有这项调查征集。".into()))?;
    let announcement = match c.publication_id {
        Some(id) => state.store.publication(id).await?,
        None => None,
    };
    let accepted = errors.is_empty() && reply_back.0.is_none();
    let page = render(&ConsultationPage {
        me: Me::of(&me.0),
        announcement,
        stage: c.stage(today()),
        opinions: state
            .store
            .contributions("opinion", Some(id), None, false)
            .await?,
        can_manage: me.reaches(Action::Engage, c.unit_id),
        c,
        feedback,
        errors,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}

/// A form's store failure as messages beside its fields: what was invalid, or why it was
/// refused (under `field`); any other failure stays an error page.
fn sent_back(e: StoreError, field: &'static str) -> Result<Errors, AppError> {
    match e {
        StoreError::Invalid(errs) => Ok(Errors(errs)),
        StoreError::Refused(message) => Ok(Errors(vec![FieldError { field, message }])),
        e => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FeedbackForm {
    csrf: String,
    feedback: String,
}

async fn feedback(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<FeedbackForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    match state
        .store
        .publish_feedback(&me.actor(), id, &f.feedback, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/consultations/{id}")).into_response()),
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let errors = sent_back(e, "feedback")?;
            consultation_page(&state, &me, id, f.feedback, errors, ReplyBack::default()).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InterviewForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: InterviewInput,
}

async fn create_interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<InterviewForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let unit = unit_of(&state, &me, &f.unit).await?;
    let mut errs = Vec::new();
    if f.input.title.trim().is_empty() {
        errs.push(FieldError {
            field: "title",
            message: "请填写访谈主题".into(),
        });
    }
    let day = match date_field("scheduled_on", &f.input.scheduled_on, "访谈日期") {
        Ok(d) => Some(d),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let (Some(day), true) = (day, errs.is_empty()) else {
        let forms = Forms {
            unit: f.unit,
            interview: f.input,
            interview_errors: Errors(errs),
            ..Forms::default()
        };
        return engagement_page(&state, &me, forms).await;
    };
    let body = format!(
        "<p>访谈日期：{day}</p><p>嘉宾：{}</p><p>{}</p><p>欢迎网友在访谈前提问。</p>",
        crate::view::escape(f.input.guests.trim()),
        crate::view::escape(f.input.summary.trim())
    );
    let announcement = announce(
        &state,
        &me,
        &unit,
        "在线访谈",
        &f.input.title,
        &f.input.summary,
        &body,
    )
    .await?;
    let v = state
        .store
        .create_interview(&me.actor(), unit.id, &f.input, Some(announcement))
        .await?;
    Ok(Redirect::to(&format!("/console/interviews/{}", v.id)).into_response())
}

#[derive(Template)]
#[template(path = "console/interview.html")]
struct InterviewPage {
    me: Me,
    announcement: Option<gongkai_store::publishing::Publication>,
    v: Interview,
    questions: Vec<Contribution>,
    can_manage: bool,
    /// The record as sent back (transcript, video address), and what is wrong with it.
    sent: Option<(String, String)>,
    errors: Errors,
    reply_back: ReplyBack,
}

async fn interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    interview_page(
        &state,
        &me,
        id,
        None,
        Errors::default(),
        ReplyBack::default(),
    )
    .await
}

async fn interview_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    sent: Option<(String, String)>,
    errors: Errors,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let v = state
        .store
        .interview(id)
        .await?
        .filter(|v| me.staff().sees_unit(v.unit_id))
        .ok_or_else(|| AppError::NotFound("没有这场访谈。".into()))?;
    let announcement = match v.publication_id {
        Some(id) => state.store.publication(id).await?,
        None => None,
    };
    let accepted = errors.is_empty() && reply_back.0.is_none();
    let page = render(&InterviewPage {
        me: Me::of(&me.0),
        announcement,
        questions: state
            .store
            .contributions("question", Some(id), None, false)
            .await?,
        can_manage: me.reaches(Action::Engage, v.unit_id),
        v,
        sent,
        errors,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RecordForm {
    csrf: String,
    transcript: String,
    video_url: String,
}

async fn record_interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<RecordForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    match state
        .store
        .record_interview(&me.actor(), id, &f.transcript, &f.video_url)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/console/interviews/{id}")).into_response()),
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let errors = sent_back(e, "transcript")?;
            interview_page(
                &state,
                &me,
                id,
                Some((f.transcript, f.video_url)),
                errors,
                ReplyBack::default(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ModerateForm {
    csrf: String,
    decision: String,
    reply: String,
}

/// Where a contribution is handled in the console.
fn page_of(c: &Contribution) -> String {
    match c.kind.as_str() {
        "opinion" => format!("/console/consultations/{}", c.target_id),
        "question" => format!("/console/interviews/{}", c.target_id),
        _ => "/console/messages".into(),
    }
}

async fn moderate(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<ModerateForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let c = state
        .store
        .contribution(id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这条内容。".into()))?;
    let approve = f.decision == "approve";
    let e = match state
        .store
        .moderate(&me.actor(), id, approve, &f.reply, today())
        .await
    {
        Ok(_) => return Ok(Redirect::to(&page_of(&c)).into_response()),
        Err(e @ StoreError::Forbidden(_)) => return Err(e.into()),
        Err(e) => e,
    };
    // Back on the page it was typed on, the reply kept and the message beside it.
    let message = sent_back(e, "reply")?
        .0
        .into_iter()
        .map(|e| e.message)
        .collect::<Vec<_>>()
        .join("；");
    let back = ReplyBack(Some((id, f.reply, message)));
    let none = Errors::default;
    match c.kind.as_str() {
        "opinion" => consultation_page(&state, &me, c.target_id, String::new(), none(), back).await,
        "question" => interview_page(&state, &me, c.target_id, None, none(), back).await,
        _ => messages_page(&state, &me, back).await,
    }
}

/// A moderation reply sent back to the page it was typed on: the item, the reply as typed
/// and what is wrong with it.
#[derive(Default)]
struct ReplyBack(Option<(i64, String, String)>);

impl ReplyBack {
    /// The reply an item's form shows: as typed when it came back, else as stored.
    fn value<'a>(&'a self, x: &'a Contribution) -> &'a str {
        match &self.0 {
            Some((id, typed, _)) if *id == x.id => typed,
            _ => &x.reply,
        }
    }

    /// What is wrong with an item's reply ("" for nothing).
    fn error(&self, x: &Contribution) -> &str {
        match &self.0 {
            Some((id, _, message)) if *id == x.id => message,
            _ => "",
        }
    }

    /// The item whose reply came back, and the message (for the summary atop the page).
    fn sent(&self) -> Option<(i64, &str)> {
        self.0.as_ref().map(|(id, _, m)| (*id, m.as_str()))
    }
}

#[derive(Template)]
#[template(path = "console/messages.html")]
struct MessagesPage {
    me: Me,
    rows: Vec<(Contribution, String, bool)>,
    reply_back: ReplyBack,
}

async fn messages(State(state): State<AppState>, me: CurrentStaff) -> Result<Response, AppError> {
    messages_page(&state, &me, ReplyBack::default()).await
}

async fn messages_page(
    state: &AppState,
    me: &CurrentStaff,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let rows = state
        .store
        .contributions("message", None, None, false)
        .await?
        .into_iter()
        .filter(|c| me.staff().sees_unit(c.unit_id))
        .map(|c| {
            let n = names.get(&c.unit_id).cloned().unwrap_or_default();
            let m = me.reaches(Action::Engage, c.unit_id);
            (c, n, m)
        })
        .collect();
    let accepted = reply_back.0.is_none();
    let page = render(&MessagesPage {
        me: Me::of(&me.0),
        rows,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}

// ---- supervision ----

/// A rectification task with its unit's name and whether this person may report on it.
type TaskRow = (Rectification, String, bool);

/// An account with its unit, last post and whether it has been silent for two weeks.
struct AccountRow {
    account: MediaAccount,
    unit: String,
    last_post: String,
    silent: bool,
}

#[derive(Template)]
#[template(path = "console/supervision.html")]
struct SupervisionPage {
    me: Me,
    is_office: bool,
    accounts: Vec<AccountRow>,
    runs: Vec<InspectionRun>,
    notices: Vec<(Notice, Vec<TaskRow>)>,
    trainings: Vec<Training>,
    units: Options,
    platforms: Vec<&'static str>,
    filings: Options,
    today: String,
    year: i32,
    /// Last year's assessment: unit, score, disclosure component.
    assessments: Vec<(String, i64, i64)>,
    last_year: String,
    this_year: String,
    levels: Options,
    service_kinds: Options,
    /// The form sent back with its mistakes, if one was.
    sent: Sent,
}

/// The mistakes of every form that was not the one sent back.
static NO_ERRORS: Errors = Errors(Vec::new());

/// A form of the page as it was sent, with what is wrong in it.
#[derive(Default)]
struct Sent {
    /// The form's `action` field.
    action: String,
    fields: Vec<(String, String)>,
    errors: Errors,
}

impl SupervisionPage {
    /// What the form `action` holds in field `name`: as sent, when it is the form sent back;
    /// otherwise `default`.
    fn value<'a>(&'a self, action: &str, name: &str, default: &'a str) -> &'a str {
        if self.sent.action != action {
            return default;
        }
        self.sent
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, action: &str, name: &str) -> &str {
        self.errors_of(action).get(name)
    }

    fn errors_of(&self, action: &str) -> &Errors {
        if self.sent.action == action {
            &self.sent.errors
        } else {
            &NO_ERRORS
        }
    }
}

const TRAINING_LEVELS: [(&str, &str); 3] =
    [("district", "区级"), ("city", "市级"), ("province", "省级")];
const SERVICE_KINDS: [(&str, &str); 4] = [
    ("services", "依申请政务服务事项"),
    ("one_visit", "其中“最多跑一次”"),
    ("public_services", "依申请及公共服务事项"),
    ("online", "其中可网上办理"),
];

async fn supervision(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    supervision_page(&state, &me, Sent::default()).await
}

/// The supervision page; with a form sent back, 422 and its mistakes beside its fields.
async fn supervision_page(
    state: &AppState,
    me: &CurrentStaff,
    sent: Sent,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let name = |u: &i64| names.get(u).cloned().unwrap_or_default();
    let day = today();
    let last = state.store.last_posts().await?;
    let accounts = state
        .store
        .media_accounts()
        .await?
        .into_iter()
        .filter(|a| me.staff().sees_unit(a.unit_id))
        .map(|a| {
            let l = last.get(&a.id).copied();
            AccountRow {
                unit: name(&a.unit_id),
                last_post: l.map_or("无记录".into(), |d| d.to_string()),
                silent: a.status == "active" && l.is_none_or(|d| (day - d).num_days() > 14),
                account: a,
            }
        })
        .collect();
    let mut notices = Vec::new();
    for n in state.store.notices().await? {
        let tasks = state
            .store
            .rectifications(Some(n.id), None)
            .await?
            .into_iter()
            .filter(|r| me.staff().sees_unit(r.unit_id))
            .map(|r| {
                let u = name(&r.unit_id);
                let m = me.reaches(Action::Engage, r.unit_id);
                (r, u, m)
            })
            .collect::<Vec<_>>();
        if !tasks.is_empty() || me.staff().role() == Role::OfficeAdmin {
            notices.push((n, tasks));
        }
    }
    let accepted = sent.errors.is_empty();
    let pairs = |list: &[(&str, &str)]| -> Options {
        list.iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect()
    };
    let page = render(&SupervisionPage {
        me: Me::of(&me.0),
        is_office: me.staff().role() == Role::OfficeAdmin,
        accounts,
        runs: state.store.inspection_runs().await?,
        notices,
        trainings: state.store.trainings(None).await?,
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect(),
        platforms: PLATFORMS.to_vec(),
        filings: FILING_KINDS
            .iter()
            .filter(|(k, _)| *k != "open")
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        today: day.to_string(),
        year: day.year(),
        assessments: state
            .store
            .assessments(day.year() - 1)
            .await?
            .into_iter()
            .filter(|(u, _, _)| me.staff().sees_unit(*u))
            .map(|(u, s, d)| (name(&u), s, d))
            .collect(),
        last_year: (day.year() - 1).to_string(),
        this_year: day.year().to_string(),
        levels: pairs(&TRAINING_LEVELS),
        service_kinds: pairs(&SERVICE_KINDS),
        sent,
    });
    Ok(crate::view::form_page(page, accepted))
}

async fn supervision_action(
    State(state): State<AppState>,
    me: CurrentStaff,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    me.may(Action::Administer)?;
    match apply_supervision(&state, &me, &posted).await {
        Err(AppError::Store(StoreError::Invalid(errs))) => {
            let sent = Sent {
                action: posted.get("action").to_string(),
                errors: Errors(errs),
                fields: posted.fields,
            };
            supervision_page(&state, &me, sent).await
        }
        done => done,
    }
}

/// Carry out one of the supervision page's forms.
async fn apply_supervision(
    state: &AppState,
    me: &CurrentStaff,
    posted: &Posted,
) -> Result<Response, AppError> {
    let who = me.actor();
    let int = |k: &'static str, label: &str| {
        posted
            .get(k)
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::Store(StoreError::invalid(k, format!("{label}应为整数"))))
    };
    match posted.get("action") {
        "open_account" => {
            let unit = unit_of(state, me, posted.get("unit")).await?;
            state
                .store
                .open_media_account(
                    &who,
                    unit.id,
                    posted.get("platform"),
                    posted.get("name"),
                    posted.get("purpose"),
                    parse_day("on", posted.get("on"), "开设日期")?,
                )
                .await?;
        }
        "file" => {
            state
                .store
                .file_media(
                    &who,
                    int("account_id", "账号")?,
                    posted.get("kind"),
                    parse_day("on", posted.get("on"), "备案日期")?,
                    posted.get("note"),
                )
                .await?;
        }
        "posts" => {
            let last = posted.get("last_post_on");
            let last = if last.trim().is_empty() {
                None
            } else {
                Some(parse_day("last_post_on", last, "最近发布日期")?)
            };
            state
                .store
                .record_posts(
                    &who,
                    int("account_id", "账号")?,
                    posted.get("month").trim(),
                    int("posts", "发布数量")?,
                    last,
                )
                .await?;
        }
        "inspect" => {
            let run = state
                .store
                .run_inspection(&who, parse_day("as_of", posted.get("as_of"), "检查日期")?)
                .await?;
            return Ok(Redirect::to(&format!("/console/inspections/{}", run.id)).into_response());
        }
        "training" => {
            state
                .store
                .add_training(
                    &who,
                    parse_day("held_on", posted.get("held_on"), "培训日期")?,
                    posted.get("level"),
                    posted.get("topic"),
                    int("attendance", "参训人次")?,
                )
                .await?;
        }
        "assessment" => {
            let unit = unit_of(state, me, posted.get("unit")).await?;
            state
                .store
                .set_assessment(
                    &who,
                    unit.id,
                    int("year", "年度")? as i32,
                    int("score", "总分")?,
                    int("disclosure_score", "政务公开分项")?,
                )
                .await?;
        }
        "services" => {
            state
                .store
                .set_service_count(
                    &who,
                    int("year", "年度")? as i32,
                    posted.get("kind"),
                    int("amount", "数量")?,
                    posted.get("source"),
                )
                .await?;
        }
        _ => return Err(AppError::BadRequest("未知的操作。".into())),
    }
    Ok(Redirect::to("/console/supervision").into_response())
}

#[derive(Template)]
#[template(path = "console/inspection.html")]
struct InspectionPage {
    me: Me,
    run: InspectionRun,
    groups: Vec<(String, Vec<StoredFinding>, Vec<String>)>,
    is_office: bool,
    /// The notice form: title, deadline and chosen findings (as sent back, or the defaults),
    /// and what is wrong with it.
    title: String,
    deadline: String,
    chosen: Vec<i64>,
    errors: Errors,
}

/// The notice form as sent: title, deadline, chosen findings.
type NoticeForm = (String, String, Vec<i64>);

async fn inspection(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    inspection_page(&state, &me, id, None, Errors::default()).await
}

async fn inspection_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    sent: Option<NoticeForm>,
    errors: Errors,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let run = state
        .store
        .inspection_runs()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound("没有这次巡查。".into()))?;
    let names = unit_names(state).await?;
    let mut by_unit: BTreeMap<Option<i64>, Vec<StoredFinding>> = BTreeMap::new();
    for f in state.store.inspection_findings(id).await? {
        if f.unit_id.is_none_or(|u| me.staff().sees_unit(u)) {
            by_unit.entry(f.unit_id).or_default().push(f);
        }
    }
    let groups = by_unit
        .into_iter()
        .map(|(unit, fs)| {
            let as_core: Vec<Finding> = fs
                .iter()
                .filter_map(|f| {
                    Some(Finding {
                        rule: Rule::parse(&f.rule)?,
                        unit_id: f.unit_id,
                        subject: f.subject.clone(),
                        detail: f.detail.clone(),
                    })
                })
                .collect();
            let label = unit.map_or("门户网站整体".to_string(), |u| {
                names.get(&u).cloned().unwrap_or_default()
            });
            (label, fs, vetoes(&as_core))
        })
        .collect();
    let (title, deadline, chosen) = sent.unwrap_or_else(|| {
        (
            "关于政府网站和政务新媒体检查情况的通报".to_string(),
            (today() + chrono::Days::new(15)).to_string(),
            Vec::new(),
        )
    });
    let accepted = errors.is_empty();
    let page = render(&InspectionPage {
        me: Me::of(&me.0),
        is_office: me.staff().role() == Role::OfficeAdmin,
        run,
        groups,
        title,
        deadline,
        chosen,
        errors,
    });
    Ok(crate::view::form_page(page, accepted))
}

async fn issue_notice(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    me.may(Action::Administer)?;
    let ids: Vec<i64> = posted
        .all("finding")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let issued = match date_field("deadline", posted.get("deadline"), "整改期限") {
        Ok(deadline) => state
            .store
            .issue_notice(
                &me.actor(),
                posted.get("title"),
                id,
                &ids,
                today(),
                deadline,
            )
            .await
            .map(|_| ()),
        Err(e) => Err(StoreError::Invalid(vec![e])),
    };
    match issued {
        Ok(()) => Ok(Redirect::to("/console/supervision").into_response()),
        Err(e) => {
            let errors = sent_back(e, "title")?;
            let sent = (
                posted.get("title").to_string(),
                posted.get("deadline").to_string(),
                ids,
            );
            inspection_page(&state, &me, id, Some(sent), errors).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RectificationForm {
    csrf: String,
    action: String,
    evidence: String,
}

async fn rectification(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<RectificationForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let r = state
        .store
        .rectifications(None, None)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound("没有这项整改。".into()))?;
    match f.action.as_str() {
        "submit" => {
            if !me.reaches(Action::Engage, r.unit_id) {
                return Err(AppError::Forbidden("您只能为本单位提交整改情况。".into()));
            }
            if let Err(e) = state
                .store
                .submit_rectification(&me.actor(), id, r.unit_id, &f.evidence)
                .await
            {
                // Back on the supervision page, beside this task's field.
                let sent = Sent {
                    action: format!("rectification-{id}"),
                    errors: sent_back(e, "evidence")?,
                    fields: vec![("evidence".into(), f.evidence)],
                };
                return supervision_page(&state, &me, sent).await;
            }
        }
        "close" => {
            me.may(Action::Administer)?;
            state
                .store
                .close_rectification(&me.actor(), id, today())
                .await?;
        }
        _ => return Err(AppError::BadRequest("未知的操作。".into())),
    }
    Ok(Redirect::to("/console/supervision").into_response())
}
