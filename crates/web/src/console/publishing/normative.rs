//! Normative documents (规范性文件) and their evaluation campaigns, the decision counts and fees
//! of table 二 with their sources, and the yearly basic catalogs (主动公开基本目录).

use super::*;

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

pub(super) async fn normative(
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
pub(super) struct NormativeForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: NormativeInput,
}

pub(super) async fn add_normative(
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
pub(super) struct CampaignForm {
    csrf: String,
    unit: String,
    title: String,
    scope: String,
    year: String,
}

pub(super) async fn add_campaign(
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

pub(super) async fn campaign(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    campaign_view(&state, &me, id, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EvaluateForm {
    csrf: String,
    document_id: String,
    validity: String,
    disclosure: String,
    note: String,
}

pub(super) async fn evaluate(
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

pub(super) async fn decisions(
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
pub(super) struct DecisionForm {
    csrf: String,
    unit: String,
    year: String,
    kind: String,
    amount: String,
    source: String,
}

pub(super) async fn set_decision(
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

pub(super) async fn catalogs(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
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
pub(super) struct CatalogForm {
    csrf: String,
    unit: String,
    year: String,
    title: String,
    entries: String,
}

/// Publish a unit's 主动公开基本目录: one line per item, `事项|依据|时限|责任科室`; with no lines,
/// one item per top-level column of the unit with the statutory basis and time limit.
pub(super) async fn publish_catalog(
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
