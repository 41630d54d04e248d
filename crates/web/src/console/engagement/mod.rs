//! The console of engagement and supervision: routes and what their pages share. Beside it:
//! `interaction` (consultations, interviews, the message box, moderation) and `supervision`
//! (new media, inspections, 通报 and 整改, training, service figures).

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

mod interaction;
mod supervision;
use interaction::*;
use supervision::*;

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
