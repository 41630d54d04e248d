//! Publications in the console: the list, the draft form with its attachments, the item's page
//! with its review record, submit, review, withdraw; and the Art. 26 view of a year.

use super::*;

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
pub(super) struct ListQuery {
    unit: String,
    status: String,
    page: i64,
}

const PER_PAGE: i64 = 50;

pub(super) async fn list(
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

pub(super) async fn new_page(
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

pub(super) async fn create(
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

pub(super) async fn edit_page(
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

pub(super) async fn update(
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
pub(super) struct DoneQuery {
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

pub(super) async fn detail(
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
pub(super) async fn after(
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
pub(super) struct CsrfForm {
    pub(super) csrf: String,
    reason: String,
}

pub(super) async fn submit(
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

pub(super) async fn withdraw(
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

pub(super) async fn review(
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

pub(super) async fn timeliness(
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
