//! The console side of 依申请公开: routes, the workbench sorted by due date and the application
//! page with its timeline. Beside it: `register` (applications received on paper) and `actions`
//! (events, answers with their letters, review cases, transfer, downloads). Handlers and the
//! office act; auditors read; others see nothing of applicants' personal data.

use crate::AppState;
use crate::error::AppError;
use crate::letter::file_response;
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

mod actions;
mod register;
use actions::*;
use register::*;

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
