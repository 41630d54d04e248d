//! The console of proactive disclosure: catalog columns, publications with their review
//! workflow and ledger, the Art. 26 view, normative documents and evaluation campaigns, the
//! figures of table 二, and the basic catalogs.

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
    let missing = || AppError::NotFound("没有找到这个附件。".into());
    let (info, data) = state.store.attachment(id).await?.ok_or_else(missing)?;
    if info.owner_kind != "publication" {
        return Err(missing());
    }
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

// ---- columns ----

#[derive(Template)]
#[template(path = "console/columns.html")]
struct ColumnsPage {
    me: Me,
    unit: Unit,
    units: Options,
    nodes: Vec<ColumnNode>,
    counts: std::collections::HashMap<i64, i64>,
    templates: Options,
    catalogs: Options,
    rules: Options,
    is_office: bool,
    error: String,
    notice: String,
}

impl ColumnsPage {
    fn count(&self, id: &i64) -> i64 {
        self.counts.get(id).copied().unwrap_or(0)
    }
    fn indent(&self, depth: &usize) -> String {
        "　".repeat(*depth)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnitQuery {
    unit: String,
    done: String,
}

async fn columns_view(
    state: &AppState,
    me: &CurrentStaff,
    unit: Unit,
    error: String,
    notice: String,
) -> Result<Response, AppError> {
    let nodes = state.store.column_tree(unit.id, true).await?;
    let counts = state.store.column_counts(unit.id).await?;
    let page = ColumnsPage {
        me: Me::of(&me.0),
        units: unit_options(state, me).await?,
        nodes,
        counts,
        templates: options(&TEMPLATES),
        catalogs: Catalog::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        rules: [UpdateRule::News, UpdateRule::HalfYear, UpdateRule::AsNeeded]
            .iter()
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        is_office: me.staff().role() == Role::OfficeAdmin,
        error,
        notice,
        unit,
    };
    let accepted = page.error.is_empty();
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn columns_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let notice = if q.done.is_empty() {
        String::new()
    } else {
        "已保存。".into()
    };
    columns_view(&state, &me, unit, String::new(), notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ColumnForm {
    csrf: String,
    unit: String,
    action: String,
    template: String,
    parent_id: String,
    column_id: String,
    name: String,
    catalog: String,
    update_rule: String,
}

fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

async fn columns_action(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<ColumnForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    let who = me.actor();
    let parent = parse_id(&f.parent_id);
    let column =
        || parse_id(&f.column_id).ok_or_else(|| StoreError::invalid("column_id", "请选择栏目"));
    let result = match f.action.as_str() {
        "template" => state
            .store
            .apply_column_template(&who, unit.id, parent, &f.template)
            .await
            .map(|_| ()),
        "add" => state
            .store
            .add_column(&who, unit.id, parent, &f.name, &f.catalog, &f.update_rule)
            .await
            .map(|_| ()),
        "rename" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, Some(&f.name), None, None)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "move" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, None, Some(parent), None)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "retire" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, None, None, Some(today()))
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        _ => Err(StoreError::invalid("action", "未知的操作")),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/console/columns?unit={}&done=1", unit.code)).into_response(),
        ),
        Err(e) if e.is_client_error() => {
            columns_view(&state, &me, unit, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- publications ----

#[derive(Template)]
#[template(path = "console/publications.html")]
struct ListPage {
    me: Me,
    units: Options,
    statuses: Options,
    f_unit: String,
    f_status: String,
    total: i64,
    rows: Vec<PublicationRow>,
    page: i64,
    pages: i64,
    can_draft: bool,
    query: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    unit: String,
    status: String,
    page: i64,
}

const PER_PAGE: i64 = 50;

async fn list(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let unit = if q.unit.is_empty() && me.staff().role() == Role::OfficeAdmin {
        None
    } else {
        Some(unit_for(&state, &me, &q.unit).await?)
    };
    let status = Status::parse(&q.status);
    let (total, rows) = state
        .store
        .publications(&PublicationFilter {
            unit_id: unit.as_ref().map(|u| u.id),
            status,
            page: q.page.max(0),
            per_page: PER_PAGE,
            ..Default::default()
        })
        .await?;
    let page = ListPage {
        me: Me::of(&me.0),
        units: unit_options(&state, &me).await?,
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string()))
            .collect(),
        f_unit: unit.map(|u| u.code).unwrap_or_default(),
        f_status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        total,
        rows,
        page: q.page.max(0),
        pages: (total + PER_PAGE - 1) / PER_PAGE,
        can_draft: matches!(me.staff().role(), Role::Editor | Role::OfficeAdmin),
        query: format!("unit={}&status={}", q.unit, q.status),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "console/publication_form.html")]
struct FormPage {
    me: Me,
    unit: Unit,
    action: String,
    input: PublicationInput,
    nodes: Vec<ColumnNode>,
    genres: Options,
    validities: Options,
    media_forms: Options,
    topics: Vec<&'static str>,
    attachments: Vec<AttachmentInfo>,
    errors: Errors,
}

impl FormPage {
    fn checked(&self, id: &i64) -> bool {
        self.input.column_ids.contains(id)
    }
    fn indent(&self, depth: &usize) -> String {
        "　".repeat(*depth)
    }
}

async fn form_page(
    state: &AppState,
    me: &CurrentStaff,
    unit: Unit,
    action: String,
    input: PublicationInput,
    attachments: Vec<AttachmentInfo>,
    errors: Errors,
) -> Result<Response, AppError> {
    let accepted = errors.is_empty();
    let page = FormPage {
        me: Me::of(&me.0),
        nodes: state.store.column_tree(unit.id, false).await?,
        unit,
        action,
        input,
        genres: options(&GENRES),
        validities: options(&VALIDITY),
        media_forms: options(&gongkai_core::publishing::MEDIA_FORMS),
        topics: TOPICS.to_vec(),
        attachments,
        errors,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

fn require_editor(me: &CurrentStaff) -> Result<(), AppError> {
    if matches!(me.staff().role(), Role::Editor | Role::OfficeAdmin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "只有信息编辑人员或政务公开办可以起草和修改信息。".into(),
        ))
    }
}

async fn new_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    require_editor(&me)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let input = PublicationInput {
        formed_on: today().to_string(),
        genre: "notice".into(),
        ..Default::default()
    };
    let action = format!("/console/publications/new?unit={}", unit.code);
    form_page(
        &state,
        &me,
        unit,
        action,
        input,
        Vec::new(),
        Errors::default(),
    )
    .await
}

fn input_of(p: &Posted) -> PublicationInput {
    PublicationInput {
        title: p.get("title").into(),
        summary: p.get("summary").into(),
        formed_on: p.get("formed_on").into(),
        publisher: p.get("publisher").into(),
        doc_number: p.get("doc_number").into(),
        topic: p.get("topic").into(),
        genre: p.get("genre").into(),
        validity: p.get("validity").into(),
        body: p.get("body").into(),
        column_ids: p
            .all("column_ids")
            .iter()
            .filter_map(|s| parse_id(s))
            .collect(),
        interprets: p.get("interprets").into(),
        media_form: p.get("media_form").into(),
    }
}

/// The files of a posted form, checked; the error names the field.
fn checked_files(p: &Posted, already: usize) -> Result<Vec<NewAttachment>, StoreError> {
    let files = p.files_of("attachments");
    if files.len() + already > PUBLICATION_LIMITS.max_files {
        return Err(StoreError::invalid(
            "attachments",
            format!("附件最多 {} 个", PUBLICATION_LIMITS.max_files),
        ));
    }
    NewAttachment::check_all(files, PUBLICATION_LIMITS)
}

async fn create(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<UnitQuery>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    require_editor(&me)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let input = input_of(&posted);
    let action = format!("/console/publications/new?unit={}", unit.code);
    let files = match checked_files(&posted, 0) {
        Ok(f) => f,
        Err(StoreError::Invalid(errs)) => {
            return form_page(&state, &me, unit, action, input, Vec::new(), Errors(errs)).await;
        }
        Err(e) => return Err(e.into()),
    };
    match state
        .store
        .create_publication(me.staff(), unit.id, &input, today())
        .await
    {
        Ok(p) => {
            state
                .store
                .add_publication_attachments(me.staff(), p.id, files, today())
                .await?;
            Ok(Redirect::to(&format!("/console/publications/{}", p.id)).into_response())
        }
        Err(StoreError::Invalid(errs)) => {
            form_page(&state, &me, unit, action, input, Vec::new(), Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_editor(&me)?;
    let p = visible(&state, &me, id).await?;
    let unit = state
        .store
        .unit_by_id(p.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound("单位不存在".into()))?;
    let interprets = match p.interprets_id {
        Some(i) => state
            .store
            .publication(i)
            .await?
            .map(|x| x.index_no)
            .unwrap_or_default(),
        None => String::new(),
    };
    let input = PublicationInput {
        title: p.title.clone(),
        summary: p.summary.clone(),
        formed_on: p.formed_on.to_string(),
        publisher: p.publisher.clone(),
        doc_number: p.doc_number.clone(),
        topic: p.topic.clone(),
        genre: p.genre.clone(),
        validity: p.validity.clone(),
        body: p.body.clone(),
        column_ids: state
            .store
            .publication_columns(id)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect(),
        interprets,
        media_form: p.media_form.clone(),
    };
    let attachments = state.store.attachments("publication", id).await?;
    let action = format!("/console/publications/{id}/edit");
    form_page(
        &state,
        &me,
        unit,
        action,
        input,
        attachments,
        Errors::default(),
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    require_editor(&me)?;
    let p = visible(&state, &me, id).await?;
    let unit = state
        .store
        .unit_by_id(p.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound("单位不存在".into()))?;
    let input = input_of(&posted);
    let attachments = state.store.attachments("publication", id).await?;
    let action = format!("/console/publications/{id}/edit");
    let files = match checked_files(&posted, attachments.len()) {
        Ok(f) => f,
        Err(StoreError::Invalid(errs)) => {
            return form_page(&state, &me, unit, action, input, attachments, Errors(errs)).await;
        }
        Err(e) => return Err(e.into()),
    };
    match state
        .store
        .update_publication(me.staff(), id, &input, today())
        .await
    {
        Ok(_) => {
            state
                .store
                .add_publication_attachments(me.staff(), id, files, today())
                .await?;
            Ok(Redirect::to(&format!("/console/publications/{id}?done=1")).into_response())
        }
        Err(StoreError::Invalid(errs)) => {
            form_page(&state, &me, unit, action, input, attachments, Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/publication.html")]
struct DetailPage {
    me: Me,
    p: Publication,
    unit_name: String,
    columns: Vec<String>,
    attachments: Vec<AttachmentInfo>,
    reviews: Vec<Review>,
    findings: Vec<String>,
    interprets: Option<Publication>,
    interpretations: Vec<PublicationRow>,
    author: String,
    step_label: &'static str,
    is_secrecy: bool,
    checklist: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    can_review: bool,
    can_withdraw: bool,
    error: String,
    notice: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DoneQuery {
    done: String,
}

async fn detail_view(
    state: &AppState,
    me: &CurrentStaff,
    p: Publication,
    error: String,
    notice: String,
) -> Result<Response, AppError> {
    let role = me.staff().role();
    let status = p.status();
    let step = status.review_step();
    let findings = if status == Status::Published {
        Vec::new()
    } else {
        scan_publication(state, &p).await?
    };
    let author = match p.author_id {
        Some(a) => state
            .store
            .staff_by_id(a)
            .await?
            .map(|s| s.display_name)
            .unwrap_or_default(),
        None => "导入".into(),
    };
    let interprets = match p.interprets_id {
        Some(i) => state.store.publication(i).await?,
        None => None,
    };
    let page = DetailPage {
        me: Me::of(&me.0),
        unit_name: state
            .store
            .unit_by_id(p.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        columns: state
            .store
            .publication_columns(p.id)
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect(),
        attachments: state.store.attachments("publication", p.id).await?,
        reviews: state.store.publication_reviews(p.id).await?,
        interpretations: state.store.interpretations_of(p.id).await?,
        findings,
        interprets,
        author,
        step_label: step.map_or("", |s| s.label()),
        is_secrecy: step == Some(gongkai_core::publishing::Step::Secrecy),
        checklist: if step == Some(gongkai_core::publishing::Step::Secrecy) {
            SECRECY_CHECKS.to_vec()
        } else {
            PROOFREADING.to_vec()
        },
        can_edit: status.editable() && matches!(role, Role::Editor | Role::OfficeAdmin),
        can_review: step.is_some() && matches!(role, Role::Reviewer | Role::OfficeAdmin),
        can_withdraw: status == Status::Published
            && matches!(role, Role::Editor | Role::Reviewer | Role::OfficeAdmin),
        error,
        notice,
        p,
    };
    let accepted = page.error.is_empty();
    Ok(crate::view::form_page_or(
        render(&page),
        accepted,
        axum::http::StatusCode::CONFLICT,
    ))
}

async fn detail(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let p = visible(&state, &me, id).await?;
    let notice = if q.done.is_empty() {
        String::new()
    } else {
        "已保存。".into()
    };
    detail_view(&state, &me, p, String::new(), notice).await
}

/// After an action: the page again with the outcome, or the refusal on it.
async fn after(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    result: Result<Publication, StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(p) => {
            // Published or taken off: the portal's search follows at once.
            if matches!(p.status(), Status::Published | Status::Withdrawn) {
                state.search.refresh(&state.store).await;
            }
            Ok(Redirect::to(&format!("/console/publications/{id}?done=1")).into_response())
        }
        Err(e) if e.is_client_error() => {
            let p = visible(state, me, id).await?;
            detail_view(state, me, p, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
    reason: String,
}

async fn submit(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<CsrfForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    visible(&state, &me, id).await?;
    let r = state.store.submit_publication(me.staff(), id).await;
    after(&state, &me, id, r).await
}

async fn withdraw(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<CsrfForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    visible(&state, &me, id).await?;
    let r = state
        .store
        .withdraw_publication(me.staff(), id, &f.reason)
        .await;
    after(&state, &me, id, r).await
}

async fn review(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    visible(&state, &me, id).await?;
    let passed = posted.get("decision") == "pass";
    // The review command scans what is stored itself: what the reviewer saw may be stale.
    let input = ReviewInput {
        passed,
        ticked: posted
            .all("checklist")
            .iter()
            .map(|s| s.to_string())
            .collect(),
        note: posted.get("note").into(),
        override_reason: posted.get("override_reason").into(),
    };
    let r = state
        .store
        .review_publication(me.staff(), id, &input, today())
        .await;
    after(&state, &me, id, r).await
}

// ---- Art. 26 ----

#[derive(Template)]
#[template(path = "console/timeliness.html")]
struct TimelinessPage {
    me: Me,
    year: i32,
    rows: Vec<Timeliness>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
    unit: String,
}

async fn timeliness(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let year = q.year.unwrap_or(today().year());
    if !gongkai_core::report::REPORT_YEARS.contains(&year) {
        return Err(AppError::BadRequest("年度不在有效范围内。".into()));
    }
    let cal = state.store.calendar().await?;
    let rows = state
        .store
        .timeliness(&cal, year, today())
        .await?
        .into_iter()
        .filter(|t| me.staff().sees_unit(t.unit_id))
        .collect();
    Ok(render(&TimelinessPage {
        me: Me::of(&me.0),
        year,
        rows,
    }))
}

// ---- normative documents, campaigns, decisions, basic catalogs ----

#[derive(Template)]
#[template(path = "console/normative.html")]
struct NormativePage {
    me: Me,
    unit: Unit,
    units: Options,
    docs: Vec<NormativeDocument>,
    campaigns: Vec<Campaign>,
    disclosures: Options,
    input: NormativeInput,
    errors: Errors,
    is_office: bool,
}

async fn normative_view(
    state: &AppState,
    me: &CurrentStaff,
    unit: Unit,
    input: NormativeInput,
    errors: Errors,
) -> Result<Response, AppError> {
    let accepted = errors.is_empty();
    let page = NormativePage {
        me: Me::of(&me.0),
        docs: state.store.normative_documents(Some(unit.id)).await?,
        campaigns: state
            .store
            .campaigns()
            .await?
            .into_iter()
            .filter(|c| me.staff().sees_unit(c.unit_id))
            .collect(),
        units: unit_options(state, me).await?,
        disclosures: options(&DISCLOSURE),
        input,
        errors,
        is_office: me.staff().role() == Role::OfficeAdmin,
        unit,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn normative(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let input = NormativeInput {
        kind: "normative".into(),
        disclosure: "active".into(),
        ..Default::default()
    };
    normative_view(&state, &me, unit, input, Errors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NormativeForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: NormativeInput,
}

async fn add_normative(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<NormativeForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    match state
        .store
        .add_normative(&me.actor(), unit.id, &f.input, today())
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/console/normative?unit={}", unit.code)).into_response())
        }
        Err(StoreError::Invalid(errs)) => {
            normative_view(&state, &me, unit, f.input, Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CampaignForm {
    csrf: String,
    unit: String,
    title: String,
    scope: String,
    year: String,
}

async fn add_campaign(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<CampaignForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    let year = gongkai_core::report::parse_year(&f.year).unwrap_or(today().year());
    let c = state
        .store
        .create_campaign(&me.actor(), unit.id, &f.title, &f.scope, year, today())
        .await?;
    Ok(Redirect::to(&format!("/console/campaigns/{}", c.id)).into_response())
}

#[derive(Template)]
#[template(path = "console/campaign.html")]
struct CampaignPage {
    me: Me,
    campaign: Campaign,
    reviews: Vec<CampaignReview>,
    pending: Vec<NormativeDocument>,
    validities: Options,
    disclosures: Options,
    adjusted: usize,
    error: String,
    is_office: bool,
}

async fn campaign_view(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    error: String,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let campaign = state
        .store
        .campaign(id)
        .await?
        .filter(|c| me.staff().sees_unit(c.unit_id))
        .ok_or_else(|| AppError::NotFound("没有这次清理评估。".into()))?;
    let reviews = state.store.campaign_reviews(id).await?;
    let pending = state
        .store
        .normative_documents(None)
        .await?
        .into_iter()
        .filter(|d| !reviews.iter().any(|r| r.document_id == d.id))
        .filter(|d| me.staff().sees_unit(d.unit_id))
        .take(200)
        .collect();
    let accepted = error.is_empty();
    let page = CampaignPage {
        me: Me::of(&me.0),
        adjusted: reviews.iter().filter(|r| r.changed()).count(),
        campaign,
        reviews,
        pending,
        validities: options(&VALIDITY),
        disclosures: options(&DISCLOSURE),
        error,
        is_office: me.staff().role() == Role::OfficeAdmin,
    };
    Ok(crate::view::form_page_or(
        render(&page),
        accepted,
        axum::http::StatusCode::CONFLICT,
    ))
}

async fn campaign(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    campaign_view(&state, &me, id, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EvaluateForm {
    csrf: String,
    document_id: String,
    validity: String,
    disclosure: String,
    note: String,
}

async fn evaluate(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<EvaluateForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let Some(doc) = parse_id(&f.document_id) else {
        return campaign_view(&state, &me, id, "请选择要评估的文件。".into()).await;
    };
    let found = Evaluation {
        validity: &f.validity,
        disclosure: &f.disclosure,
        note: &f.note,
    };
    match state
        .store
        .evaluate_document(&me.actor(), id, doc, &found, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/campaigns/{id}")).into_response()),
        Err(e) if e.is_client_error() => campaign_view(&state, &me, id, e.to_string()).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/decisions.html")]
struct DecisionsPage {
    me: Me,
    year: i32,
    unit: Unit,
    units: Options,
    kinds: Options,
    rows: Vec<DecisionCount>,
    error: String,
    is_office: bool,
}

impl DecisionsPage {
    fn kind_label(&self, k: &str) -> &'static str {
        DECISION_KINDS
            .iter()
            .find(|(x, _)| *x == k)
            .map_or("", |(_, l)| l)
    }
}

async fn decisions_view(
    state: &AppState,
    me: &CurrentStaff,
    unit: Unit,
    year: i32,
    error: String,
) -> Result<Response, AppError> {
    let accepted = error.is_empty();
    let page = DecisionsPage {
        me: Me::of(&me.0),
        rows: state.store.decision_counts(year, Some(unit.id)).await?,
        units: unit_options(state, me).await?,
        kinds: options(&DECISION_KINDS),
        is_office: me.staff().role() == Role::OfficeAdmin,
        year,
        unit,
        error,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn decisions(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let year = q.year.unwrap_or(today().year() - 1);
    decisions_view(&state, &me, unit, year, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    csrf: String,
    unit: String,
    year: String,
    kind: String,
    amount: String,
    source: String,
}

async fn set_decision(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<DecisionForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    let Some(year) = gongkai_core::report::parse_year(&f.year) else {
        return decisions_view(
            &state,
            &me,
            unit,
            today().year() - 1,
            "请填写有效的年度".into(),
        )
        .await;
    };
    let Ok(amount) = f.amount.trim().parse::<i64>() else {
        return decisions_view(
            &state,
            &me,
            unit,
            year,
            "数量或金额应为不带小数点的整数（收费以元为单位）".into(),
        )
        .await;
    };
    match state
        .store
        .set_decision_count(&me.actor(), unit.id, year, &f.kind, amount, &f.source)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/console/decisions?unit={}&year={year}",
            unit.code
        ))
        .into_response()),
        Err(e) if e.is_client_error() => {
            decisions_view(&state, &me, unit, year, e.to_string()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/catalogs.html")]
struct CatalogsPage {
    me: Me,
    rows: Vec<(String, gongkai_store::normative::BasicCatalog, usize)>,
    units: Options,
    is_office: bool,
    year: i32,
    error: String,
}

async fn catalogs(State(state): State<AppState>, me: CurrentStaff) -> Result<Response, AppError> {
    catalogs_view(&state, &me, String::new()).await
}

async fn catalogs_view(
    state: &AppState,
    me: &CurrentStaff,
    error: String,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let units = state.store.units().await?;
    let mut rows = Vec::new();
    for c in state.store.basic_catalogs(None).await? {
        if !me.staff().sees_unit(c.unit_id) {
            continue;
        }
        let n = state.store.basic_catalog_entries(c.id).await?.len();
        let unit = units
            .iter()
            .find(|u| u.id == c.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        rows.push((unit, c, n));
    }
    let accepted = error.is_empty();
    let page = CatalogsPage {
        me: Me::of(&me.0),
        rows,
        units: unit_options(state, me).await?,
        is_office: me.staff().role() == Role::OfficeAdmin,
        year: today().year(),
        error,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CatalogForm {
    csrf: String,
    unit: String,
    year: String,
    title: String,
    entries: String,
}

/// Publish a unit's 主动公开基本目录: one line per item, `事项|依据|时限|责任科室`; with no lines,
/// one item per top-level column of the unit with the statutory basis and time limit.
async fn publish_catalog(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<CatalogForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    let Some(year) = gongkai_core::report::parse_year(&f.year) else {
        return catalogs_view(&state, &me, "请填写有效的年度".into()).await;
    };
    let mut entries: Vec<gongkai_store::normative::BasicCatalogEntry> = f
        .entries
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.split(['|', '｜']).map(str::trim);
            gongkai_store::normative::BasicCatalogEntry {
                column_id: None,
                item: parts.next().unwrap_or("").to_string(),
                basis: parts.next().unwrap_or("").to_string(),
                deadline: parts.next().unwrap_or("").to_string(),
                section: parts.next().unwrap_or("").to_string(),
            }
        })
        .collect();
    if entries.is_empty() {
        entries = state
            .store
            .column_tree(unit.id, false)
            .await?
            .into_iter()
            .filter(|n| n.depth == 0)
            .map(|n| gongkai_store::normative::BasicCatalogEntry {
                column_id: Some(n.column.id),
                item: n.column.name,
                basis: "《中华人民共和国政府信息公开条例》第二十条、第二十一条".into(),
                deadline: "信息形成或者变更之日起20个工作日内".into(),
                section: unit.office_name.clone(),
            })
            .collect();
    }
    let title = if f.title.trim().is_empty() {
        format!("{}主动公开基本目录（{year}年版）", unit.display_short())
    } else {
        f.title.trim().to_string()
    };
    match state
        .store
        .publish_basic_catalog(&me.actor(), unit.id, year, &title, &entries, today())
        .await
    {
        Ok(c) => Ok(Redirect::to(&format!("/catalogs/{}", c.id)).into_response()),
        Err(e) if e.is_client_error() => catalogs_view(&state, &me, e.to_string()).await,
        Err(e) => Err(e.into()),
    }
}
