//! The console of proactive disclosure: its routes and what its pages share (the unit a page
//! is about, an item visible to this staff member, attachments). Beside it: `columns`,
//! `publications` (with the review workflow and the Art. 26 view) and `normative` (normative
//! documents, campaigns, table 二's figures, basic catalogs).

use crate::AppState;
use crate::error::AppError;
use crate::posted::ChForm;
use crate::posted::Posted;
use crate::session::CurrentStaff;
use crate::site::today;
use crate::view::{Errors, Me, Options, options, render};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use gongkai_core::Role;
use gongkai_core::access::Action;
use gongkai_core::files::PUBLICATION_LIMITS;
use gongkai_core::publishing::{
    Catalog, DISCLOSURE, GENRES, PROOFREADING, SECRECY_CHECKS, Status, TEMPLATES, TOPICS,
    UpdateRule, VALIDITY,
};
use gongkai_store::StoreError;
use gongkai_store::files::{AttachmentInfo, NewAttachment};
use gongkai_store::normative::{
    Campaign, CampaignReview, DECISION_KINDS, DecisionCount, Evaluation, NormativeDocument,
    NormativeInput,
};
use gongkai_store::publishing::{
    ColumnNode, Publication, PublicationFilter, PublicationInput, PublicationRow, Review,
    ReviewInput, Timeliness,
};
use gongkai_store::units::Unit;
use serde::Deserialize;

mod columns;
mod normative;
mod publications;
use columns::*;
use normative::*;
use publications::*;

/// The unit a page is about (the office picks one; others see their own).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct UnitQuery {
    pub(super) unit: String,
    pub(super) done: String,
}

/// A year and unit a page is about.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct YearQuery {
    pub(super) year: Option<i32>,
    pub(super) unit: String,
}

pub fn routes() -> Router<AppState> {
    let upload = || DefaultBodyLimit::max(PUBLICATION_LIMITS.max_total_bytes + 1024 * 1024);
    Router::new()
        .route("/console/columns", get(columns_page).post(columns_action))
        .route("/console/publications", get(list))
        .route(
            "/console/publications/new",
            get(new_page).post(create).layer(upload()),
        )
        .route("/console/publications/{id}", get(detail))
        .route(
            "/console/publications/{id}/edit",
            get(edit_page).post(update).layer(upload()),
        )
        .route("/console/publications/{id}/submit", post(submit))
        .route("/console/publications/{id}/review", post(review))
        .route("/console/publications/{id}/withdraw", post(withdraw))
        .route("/console/timeliness", get(timeliness))
        .route("/console/normative", get(normative).post(add_normative))
        .route("/console/campaigns", post(add_campaign))
        .route("/console/campaigns/{id}", get(campaign).post(evaluate))
        .route("/console/decisions", get(decisions).post(set_decision))
        .route("/console/catalogs", get(catalogs).post(publish_catalog))
        .route(
            "/console/publication-attachments/{id}",
            get(attachment_file),
        )
        .route(
            "/console/publication-attachments/{id}/remove",
            post(remove_attachment),
        )
}

/// Remove a file from a draft (to replace one, remove it and add the new one on the edit page).
async fn remove_attachment(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<CsrfForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let missing = || AppError::NotFound("没有找到这个附件。".into());
    let info = state.store.attachment_info(id).await?.ok_or_else(missing)?;
    if info.owner_kind != "publication" {
        return Err(missing());
    }
    visible(&state, &me, info.owner_id).await?;
    let r = state
        .store
        .remove_publication_attachment(me.staff(), id)
        .await;
    after(&state, &me, info.owner_id, r).await
}

/// An attachment of a publication, for staff who may see the publication (drafts included).
async fn attachment_file(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (info, data) = crate::console::attachment_of(&state, id, "publication").await?;
    visible(&state, &me, info.owner_id).await?;
    Ok(crate::view::download(&info, data))
}

/// The unit a page is about: the one asked for if this person sees it, else their own.
async fn unit_for(state: &AppState, me: &CurrentStaff, code: &str) -> Result<Unit, AppError> {
    let code = if code.trim().is_empty() {
        me.staff().unit_code.clone()
    } else {
        code.trim().to_string()
    };
    state
        .store
        .unit_by_code(&code)
        .await?
        .filter(|u| me.staff().sees_unit(u.id))
        .ok_or_else(|| AppError::NotFound("没有这个单位，或您无权查看。".into()))
}

async fn unit_options(state: &AppState, me: &CurrentStaff) -> Result<Options, AppError> {
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| me.staff().sees_unit(u.id))
        .map(|u| (u.code, u.name))
        .collect())
}

/// The publication, if this person sees its unit.
async fn visible(state: &AppState, me: &CurrentStaff, id: i64) -> Result<Publication, AppError> {
    me.may(Action::ReadUnitWork)?;
    state
        .store
        .publication(id)
        .await?
        .filter(|p| me.staff().sees_unit(p.unit_id))
        .ok_or_else(|| AppError::NotFound("没有找到这条信息，或它不属于您的单位。".into()))
}

/// What the personal-data and secret scan finds in a publication: its body, its title and
/// summary, and every attachment.
async fn scan_publication(state: &AppState, p: &Publication) -> Result<Vec<String>, AppError> {
    Ok(state.store.release_findings(p, today()).await?)
}
