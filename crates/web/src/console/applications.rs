//! The console side of 依申请公开: the workbench sorted by due date, registering applications
//! received on paper, the application page with its timeline and actions, answers with their
//! letters, review cases. Handlers and the office act; auditors read; others see nothing of
//! applicants' personal data.

use crate::AppState;
use crate::documents::letter::file_response;
use crate::error::AppError;
use crate::posted::ChForm;
use crate::session::CurrentStaff;
use crate::site::today;
use crate::view::*;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use gongkai_core::Role;
use gongkai_core::access::Action;
use gongkai_core::application::{Channel, Event, Stage};
use gongkai_core::calendar::parse_date;
use gongkai_core::fees::FeeMethod;
use gongkai_core::taxonomy::{ApplicantType, CaseKind, CaseResult, OUTCOMES, outcome};
use gongkai_store::StoreError;
use gongkai_store::applications::{
    AnswerInput, Application, ApplicationInput, DELIVERIES, FORMS, ID_KINDS, NewCase, label_of,
};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/applications", get(workbench))
        .route(
            "/console/applications/new",
            get(register_page).post(register),
        )
        .route("/console/applications/{id}", get(application_page))
        .route("/console/applications/{id}/events", post(add_event))
        .route(
            "/console/applications/{id}/answer",
            get(answer_page).post(answer),
        )
        .route("/console/applications/{id}/cases", post(add_case))
        .route("/console/applications/{id}/transfer", post(transfer))
        .route("/console/cases/{id}", post(update_case))
        .route("/console/letters/{id}", get(letter))
        .route("/console/letters/{id}/{format}", get(letter_file))
        .route("/console/attachments/{id}", get(attachment_file))
}

/// The application, if this staff member may see it (other units' applications do not exist
/// for them: 404).
async fn visible(state: &AppState, me: &CurrentStaff, id: i64) -> Result<Application, AppError> {
    me.may(Action::ReadApplications)?;
    state
        .store
        .application(id)
        .await?
        .filter(|a| me.staff().sees_unit(a.unit_id))
        .ok_or_else(|| AppError::NotFound("没有找到这件申请，或它不属于您的单位。".into()))
}

const STAGES: [Stage; 7] = [
    Stage::AwaitingReceipt,
    Stage::AwaitingCorrection,
    Stage::Consulting,
    Stage::AwaitingFee,
    Stage::InProgress,
    Stage::Answered,
    Stage::Archived,
];

fn stage_key(s: Stage) -> &'static str {
    match s {
        Stage::AwaitingReceipt => "awaiting_receipt",
        Stage::AwaitingCorrection => "awaiting_correction",
        Stage::Consulting => "consulting",
        Stage::AwaitingFee => "awaiting_fee",
        Stage::InProgress => "in_progress",
        Stage::Answered => "answered",
        Stage::Archived => "archived",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filters {
    stage: String,
    channel: String,
    applicant_type: String,
    handler: String,
    all: String,
}

async fn workbench(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    me.may(Action::ReadApplications)?;
    let scope = (!me.staff().role().sees_all_units()).then_some(me.staff().unit_id);
    let show_all = !f.all.is_empty();
    let apps = state.store.applications(scope, !show_all).await?;
    let staff = state.store.staff_list(scope).await?;
    let names: HashMap<i64, String> = staff
        .iter()
        .map(|s| (s.id, s.display_name.clone()))
        .collect();
    let cal = state.store.calendar().await?;
    let today = today();
    let mut rows = Vec::new();
    for app in apps {
        if (!f.channel.is_empty() && app.channel != f.channel)
            || (!f.applicant_type.is_empty() && app.applicant_type != f.applicant_type)
            || (!f.handler.is_empty()
                && app.handler_id.map(|h| h.to_string()) != Some(f.handler.clone()))
        {
            continue;
        }
        let events: Vec<Event> = state
            .store
            .events(app.id)
            .await?
            .into_iter()
            .map(|r| r.event)
            .collect();
        let p = match gongkai_core::application::progress(&cal, &events, today) {
            Ok(p) => p,
            Err(e) => {
                // A calendar gap must not hide the application: show it without a due date.
                tracing::warn!(application = app.id, error = %e, "no due date");
                gongkai_core::application::progress(&cal, &[], today)
                    .map_err(|e| AppError::Internal(e.to_string()))?
            }
        };
        if !f.stage.is_empty() && stage_key(p.stage) != f.stage {
            continue;
        }
        let remaining = match (&p.due, p.stage.is_open()) {
            (Some(d), true) if d.date >= today => {
                cal.count_workdays(today, d.date).ok().map(i64::from)
            }
            (Some(d), true) => cal
                .count_workdays(d.date, today)
                .ok()
                .map(|n| -i64::from(n)),
            _ => None,
        };
        rows.push(WorkRow {
            channel: app.channel()?.label(),
            stage: p.stage.label(),
            received: p
                .received
                .map(|d| d.to_string())
                .unwrap_or_else(|| "待确认".into()),
            due: p
                .due
                .map(|d| d.date.to_string())
                .unwrap_or_else(|| "—".into()),
            remaining,
            handler: app
                .handler_id
                .and_then(|h| names.get(&h).cloned())
                .unwrap_or_default(),
            app,
        });
    }
    // Overdue first (most overdue first), then by time left; those without a due date last.
    rows.sort_by_key(|r| {
        (
            r.remaining.is_none(),
            r.remaining.unwrap_or(i64::MAX),
            r.app.id,
        )
    });
    Ok(render(&WorkbenchPage {
        me: Me::of(&me.0),
        rows,
        stages: STAGES
            .iter()
            .map(|s| (stage_key(*s).to_string(), s.label().to_string()))
            .collect(),
        channels: Channel::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        applicant_types: ApplicantType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.label().to_string()))
            .collect(),
        handlers: staff
            .iter()
            .filter(|s| matches!(s.role(), Role::Handler | Role::OfficeAdmin))
            .map(|s| (s.id.to_string(), s.display_name.clone()))
            .collect(),
        f_stage: f.stage,
        f_channel: f.channel,
        f_type: f.applicant_type,
        f_handler: f.handler,
        show_all,
        can_act: me.may(Action::HandleApplications).is_ok(),
    }))
}

async fn register_form(
    state: &AppState,
    me: &CurrentStaff,
    input: ApplicationInput,
    channel: String,
    received_on: String,
    errors: Errors,
) -> Result<Response, AppError> {
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| me.staff().sees_unit(u.id))
        .map(|u| (u.code, u.name))
        .collect();
    let accepted = errors.is_empty();
    let page = RegisterPage {
        me: Me::of(&me.0),
        input,
        channel,
        received_on,
        errors,
        units,
        channels: Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Online)
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        applicant_types: ApplicantType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.label().to_string()))
            .collect(),
        id_kinds: options(&ID_KINDS),
        forms: options(&FORMS),
        deliveries: options(&DELIVERIES),
        rules: [Channel::InPerson, Channel::Post, Channel::Fax]
            .iter()
            .map(|c| (c.label(), c.receipt_rule()))
            .collect(),
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn register_page(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    me.may(Action::HandleApplications)?;
    let input = ApplicationInput {
        unit_code: me.staff().unit_code.clone(),
        ..Default::default()
    };
    register_form(
        &state,
        &me,
        input,
        "in_person".into(),
        today().to_string(),
        Errors::default(),
    )
    .await
}

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_on: String,
    #[serde(flatten)]
    input: ApplicationInput,
}

async fn register(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<RegisterForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let mut errs = Vec::new();
    let channel = Channel::parse(&f.channel).filter(|c| *c != Channel::Online);
    if channel.is_none() {
        errs.push(gongkai_store::FieldError {
            field: "channel",
            message: "请选择收件渠道".into(),
        });
    }
    let received = match parse_date(&f.received_on) {
        Ok(d) => Some(d),
        Err(m) => {
            errs.push(gongkai_store::FieldError {
                field: "received_on",
                message: m,
            });
            None
        }
    };
    if let Some(u) = state.store.unit_by_code(f.input.unit_code.trim()).await?
        && !me.staff().sees_unit(u.id)
    {
        return Err(AppError::Forbidden("只能登记本单位收到的申请。".into()));
    }
    let result = match (channel, received, errs.is_empty()) {
        (Some(c), Some(r), true) => {
            state
                .store
                .submit_application(&me.actor(), c, &f.input, Some(r), None, today())
                .await
        }
        _ => {
            // Report the form's own errors together with the application's.
            let (more, _) = f.input.check(today());
            errs.extend(more);
            Err(StoreError::Invalid(errs))
        }
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!(
            "/console/applications/{}?registered={}",
            s.application.id, s.password
        ))
        .into_response()),
        Err(StoreError::Invalid(errs)) => {
            register_form(&state, &me, f.input, f.channel, f.received_on, Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    registered: String,
    done: String,
    transferred: String,
}

async fn application_view(
    state: &AppState,
    me: &CurrentStaff,
    app: Application,
    error: String,
    notice: String,
) -> Result<Response, AppError> {
    let today = today();
    let records = state.store.events(app.id).await?;
    let events: Vec<Event> = records.iter().map(|r| r.event.clone()).collect();
    let cal = state.store.calendar().await?;
    let (p, calendar_error) = match gongkai_core::application::progress(&cal, &events, today) {
        Ok(p) => (Some(p), String::new()),
        Err(e) => (None, e.to_string()),
    };
    let stage = p.as_ref().map(|p| p.stage).unwrap_or(Stage::InProgress);
    let received = p.as_ref().and_then(|p| p.received);
    let month_count = match received {
        Some(r) => state.store.applicant_month_count(&app.id_number, r).await?,
        None => {
            state
                .store
                .applicant_month_count(&app.id_number, today)
                .await?
                + 1
        }
    };
    let mut open_consultations = Vec::new();
    for e in &events {
        if let Event::ConsultationSent { on, party, .. } = e {
            let replied = events.iter().any(|x| matches!(x, Event::ConsultationReplied { sent_on, party: p2, .. } if sent_on == on && p2 == party));
            if !replied {
                open_consultations.push((format!("{on}|{party}"), format!("{on} 致 {party}")));
            }
        }
    }
    let has = |pred: fn(&Event) -> bool| events.iter().any(pred);
    let labels = AppLabels {
        channel: app.channel()?.label(),
        applicant_type: app.applicant_type_label(),
        id_kind: label_of(&ID_KINDS, &app.id_kind),
        form_wanted: label_of(&FORMS, &app.form_wanted),
        delivery: label_of(&DELIVERIES, &app.delivery),
        outcome: app
            .outcome
            .as_deref()
            .and_then(outcome)
            .map(|o| o.label.to_string())
            .unwrap_or_default(),
    };
    let page = ApplicationPage {
        me: Me::of(&me.0),
        stage: stage.label(),
        is_open: stage.is_open(),
        received: received.is_some(),
        due_steps: p
            .as_ref()
            .and_then(|p| p.due.as_ref())
            .map(|d| d.steps.clone())
            .unwrap_or_default(),
        no_due: if calendar_error.is_empty() {
            p.as_ref()
                .and_then(|p| p.no_due_reason)
                .unwrap_or("")
                .to_string()
        } else {
            calendar_error
        },
        warnings: p.as_ref().map(|p| p.warnings.clone()).unwrap_or_default(),
        timeline: records
            .iter()
            .map(|r| TimelineRow {
                text: r.event.describe(),
                actor: r.actor.clone(),
                recorded: r.recorded_at.format("%Y-%m-%d %H:%M").to_string(),
            })
            .collect(),
        open_consultations,
        fee_notice: has(|e| matches!(e, Event::FeeNotice { .. })),
        fee_paid: has(|e| matches!(e, Event::FeePaid { .. })),
        extended: has(|e| matches!(e, Event::Extended { .. })),
        correction_allowed: !has(|e| matches!(e, Event::CorrectionRequested { .. }))
            && p.as_ref()
                .and_then(|p| p.correction_notice_by)
                .is_some_and(|by| today <= by),
        awaiting_correction: stage == Stage::AwaitingCorrection,
        month_count,
        letters: state.store.letters(app.id).await?,
        attachments: state.store.attachments("application", app.id).await?,
        cases: state.store.cases(app.id).await?,
        repeats: state.store.possible_repeats(&app).await?,
        outcomes: OUTCOMES
            .iter()
            .map(|o| (o.key.to_string(), outcome_option(o)))
            .collect(),
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.id != app.unit_id)
            .map(|u| (u.code, u.name))
            .collect(),
        case_kinds: CaseKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label().to_string()))
            .collect(),
        case_results: CaseResult::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        error: error.clone(),
        notice,
        today: today.to_string(),
        can_act: me.may(Action::HandleApplications).is_ok(),
        is_office: me.staff().role() == Role::OfficeAdmin,
        labels,
        app,
    };
    let accepted = error.is_empty();
    Ok(crate::view::form_page(render(&page), accepted))
}

fn outcome_option(o: &gongkai_core::taxonomy::Outcome) -> String {
    if o.group == o.label {
        o.label.to_string()
    } else {
        format!("{} {}", o.group, o.label)
    }
}

async fn application_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let app = visible(&state, &me, id).await?;
    let notice = if !q.registered.is_empty() {
        format!(
            "已登记。请将查询码 {} 和查询密码 {} 告知申请人。",
            app.tracking_code,
            q.registered.chars().take(16).collect::<String>()
        )
    } else if !q.transferred.is_empty() {
        format!(
            "已转送。该申请在受理机关的查询码为 {}，转送告知书已出具。",
            q.transferred.chars().take(32).collect::<String>()
        )
    } else if !q.done.is_empty() {
        "已记录。".into()
    } else {
        String::new()
    };
    application_view(&state, &me, app, String::new(), notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventForm {
    csrf: String,
    action: String,
    on: String,
    content: String,
    by: String,
    party: String,
    third_party: String,
    consultation: String,
    consents: String,
    approved_by: String,
    method: String,
    quantity: String,
    reason: String,
}

async fn add_event(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<EventForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let event = match build_event(&f) {
        Ok(e) => e,
        Err(msg) => return application_view(&state, &me, app, msg, String::new()).await,
    };
    match state
        .store
        .record_event(&me.actor(), app.id, event, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

fn date(s: &str, what: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|m| format!("{what}：{m}"))
}

/// The event a form asks for. Amounts are never read from the form: the command computes fees
/// by the 109号 brackets (按件 from the applicant's applications that month) and takes a
/// payment's amount from its notice.
fn build_event(f: &EventForm) -> Result<Event, String> {
    let on = date(&f.on, "日期")?;
    Ok(match f.action.as_str() {
        "receive" => Event::Received { on },
        "correct_receipt" => Event::ReceiptCorrected {
            on,
            reason: f.reason.trim().to_string(),
        },
        "correction" => Event::CorrectionRequested {
            on,
            content: f.content.trim().to_string(),
            by: date(&f.by, "补正期限")?,
        },
        "correction_received" => Event::CorrectionReceived { on },
        "consult" => Event::ConsultationSent {
            on,
            third_party: f.third_party != "0",
            party: f.party.trim().to_string(),
        },
        "consult_reply" => {
            let (sent, party) = f.consultation.split_once('|').ok_or("请选择征求意见函")?;
            Event::ConsultationReplied {
                on,
                sent_on: date(sent, "发函日期")?,
                party: party.to_string(),
                consents: f.consents == "1",
            }
        }
        "extend" => Event::Extended {
            on,
            approved_by: f.approved_by.trim().to_string(),
        },
        "fee_notice" => {
            let (method, quantity) = match f.method.as_str() {
                "pages" => (
                    FeeMethod::Pages,
                    f.quantity
                        .trim()
                        .parse()
                        .map_err(|_| "页数应为正整数".to_string())?,
                ),
                "items" => (FeeMethod::Items, 0),
                _ => return Err("请选择计收方式".into()),
            };
            Event::FeeNotice {
                on,
                method,
                quantity,
                amount_yuan: 0,
            }
        }
        "fee_paid" => Event::FeePaid { on, amount_yuan: 0 },
        "archive" => Event::Archived { on },
        other => return Err(format!("未知的办理操作“{other}”")),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerQuery {
    outcome: String,
}

async fn answer_editor(
    state: &AppState,
    me: &CurrentStaff,
    app: Application,
    outcome_key: String,
    on: String,
    draft: Option<(String, String)>,
    error: String,
) -> Result<Response, AppError> {
    let o =
        outcome(&outcome_key).ok_or_else(|| AppError::BadRequest("请选择一项办理结果。".into()))?;
    let (title, body) = match draft {
        Some(d) => d,
        None => {
            state
                .store
                .draft_answer(
                    &app,
                    &outcome_key,
                    parse_date(&on).unwrap_or_else(|_| today()),
                )
                .await?
        }
    };
    let accepted = error.is_empty();
    Ok(crate::view::form_page(
        render(&AnswerPage {
            me: Me::of(&me.0),
            outcome_label: outcome_option(o),
            outcome: outcome_key,
            outcomes: OUTCOMES
                .iter()
                .map(|o| (o.key.to_string(), outcome_option(o)))
                .collect(),
            on,
            title,
            body,
            error,
            app,
        }),
        accepted,
    ))
}

async fn answer_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    Query(q): Query<AnswerQuery>,
) -> Result<Response, AppError> {
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    answer_editor(
        &state,
        &me,
        app,
        q.outcome,
        today().to_string(),
        None,
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    csrf: String,
    outcome: String,
    on: String,
    title: String,
    body: String,
    override_reason: String,
}

async fn answer(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<AnswerForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let again = |msg: String| {
        answer_editor(
            &state,
            &me,
            app.clone(),
            f.outcome.clone(),
            f.on.clone(),
            Some((f.title.clone(), f.body.clone())),
            msg,
        )
    };
    let on = match parse_date(&f.on) {
        Ok(d) => d,
        Err(m) => return again(m).await,
    };
    let answer = AnswerInput {
        outcome: f.outcome.clone(),
        on,
        title: Some(f.title.clone()),
        body: Some(f.body.clone()),
        override_reason: f.override_reason.clone(),
    };
    match state
        .store
        .answer(&me.actor(), app.id, &answer, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e) if e.is_client_error() => again(e.to_string()).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CaseForm {
    csrf: String,
    kind: String,
    filed_on: String,
    result: String,
    result_on: String,
    note: String,
}

fn optional_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(s).map(Some)
    }
}

async fn add_case(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<CaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let parsed = parse_date(&f.filed_on)
        .map_err(|m| format!("立案日期：{m}"))
        .and_then(|filed| {
            Ok((
                filed,
                optional_date(&f.result_on).map_err(|m| format!("审结日期：{m}"))?,
            ))
        });
    let (filed, result_on) = match parsed {
        Ok(x) => x,
        Err(m) => return application_view(&state, &me, app, m, String::new()).await,
    };
    let case = NewCase {
        kind: f.kind.clone(),
        filed_on: filed,
        result: f.result.clone(),
        result_on,
        note: f.note.clone(),
    };
    match state
        .store
        .add_case(&me.actor(), app.id, &case, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn update_case(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(case_id): Path<i64>,
    ChForm(f): ChForm<CaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app_id = state
        .store
        .case_application(case_id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个案件。".into()))?;
    let app = visible(&state, &me, app_id).await?;
    let result_on = match optional_date(&f.result_on) {
        Ok(d) => d,
        Err(m) => {
            return application_view(&state, &me, app, format!("审结日期：{m}"), String::new())
                .await;
        }
    };
    match state
        .store
        .set_case_result(&me.actor(), case_id, &f.result, result_on, today())
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/console/applications/{app_id}?done=1")).into_response())
        }
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn staff_letter(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
) -> Result<(gongkai_store::applications::Letter, String), AppError> {
    let letter = state
        .store
        .letter(id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这份文书。".into()))?;
    let app = visible(state, me, letter.application_id).await?;
    Ok((letter, app.tracking_code))
}

async fn letter(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (letter, code) = staff_letter(&state, &me, id).await?;
    Ok(render(&LetterPage::new(letter, code)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TransferForm {
    csrf: String,
    to_unit: String,
    on: String,
}

async fn transfer(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<TransferForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let on = match parse_date(&f.on) {
        Ok(d) => d,
        Err(m) => {
            return application_view(&state, &me, app, format!("转送日期：{m}"), String::new())
                .await;
        }
    };
    match state
        .store
        .transfer_application(&me.actor(), app.id, &f.to_unit, on, today())
        .await
    {
        Ok(new) => Ok(Redirect::to(&format!(
            "/console/applications/{id}?transferred={}",
            new.tracking_code
        ))
        .into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn letter_file(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (letter, code) = staff_letter(&state, &me, id).await?;
    file_response(&letter, &code, &format).await
}

/// A supporting document of an application, for staff who may see the application.
async fn attachment_file(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let missing = || AppError::NotFound("没有找到这个附件。".into());
    let (info, data) = state.store.attachment(id).await?.ok_or_else(missing)?;
    if info.owner_kind != "application" {
        return Err(missing());
    }
    visible(&state, &me, info.owner_id).await?;
    Ok(crate::view::download(&info, data))
}
