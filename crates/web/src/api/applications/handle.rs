//! The staff's half of the applications API: by console session (the CSRF token in
//! `X-CSRF-Token` for changes), list, read, register and act on the unit's applications through
//! the same commands as the pages.

// As in mod.rs: helpers return the finished error response.
#![allow(clippy::result_large_err)]

use super::*;
use axum::extract::rejection::JsonRejection;

/// A staff member by console session; 401 JSON without one.
pub struct ApiStaff(Session);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "请先登录工作台"))?;
        let session = state
            .store
            .session(token)
            .await
            .map_err(store_error)?
            .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "登录已失效，请重新登录"))?;
        if !matches!(
            session.staff.role(),
            Role::OfficeAdmin | Role::Handler | Role::Auditor
        ) {
            return Err(error(
                StatusCode::FORBIDDEN,
                "仅限依申请办理人员、政务公开办和审计人员",
            ));
        }
        if parts.method != axum::http::Method::GET {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_token(sent, &session.csrf_token) {
                return Err(error(StatusCode::FORBIDDEN, "缺少或错误的 X-CSRF-Token"));
            }
        }
        Ok(ApiStaff(session))
    }
}

async fn visible(state: &AppState, me: &ApiStaff, id: i64) -> Result<Application, Response> {
    state
        .store
        .application(id)
        .await
        .map_err(store_error)?
        .filter(|a| me.0.staff.sees_unit(a.unit_id))
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "没有这件申请，或它不属于您的单位"))
}

#[derive(Serialize, ToSchema)]
pub struct WorkItem {
    pub id: i64,
    pub tracking_code: String,
    pub unit: String,
    pub applicant_type: String,
    pub channel: String,
    pub stage: String,
    pub received_on: Option<String>,
    pub due: Option<String>,
}

/// The open applications of the staff member's unit (all units for the office), by due date.
#[utoipa::path(get, path = "/api/v1/console/applications", tag = TAG_HANDLE,
    responses((status = 200, description = "本人可见的在办申请，按答复期限排序", body = Vec<WorkItem>),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权查看依申请公开事项", body = ApiErrorBody)))]
pub async fn list(State(state): State<AppState>, me: ApiStaff) -> Response {
    let scope = (!me.0.staff.role().sees_all_units()).then_some(me.0.staff.unit_id);
    let apps = match state.store.applications(scope, true).await {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let mut items = Vec::new();
    for a in apps {
        let p = state.store.progress(a.id, today()).await.ok();
        items.push(WorkItem {
            id: a.id,
            tracking_code: a.tracking_code.clone(),
            unit: a.unit_code.clone(),
            applicant_type: a.applicant_type.clone(),
            channel: a.channel.clone(),
            stage: p.as_ref().map(|p| p.stage.label()).unwrap_or("").into(),
            received_on: p.as_ref().and_then(|p| p.received).map(|d| d.to_string()),
            due: p
                .as_ref()
                .and_then(|p| p.due.as_ref())
                .map(|d| d.date.to_string()),
        });
    }
    items.sort_by(|a, b| (a.due.is_none(), &a.due).cmp(&(b.due.is_none(), &b.due)));
    Json(items).into_response()
}

#[derive(Serialize, ToSchema)]
pub struct Detail {
    pub id: i64,
    pub tracking_code: String,
    pub unit: String,
    pub applicant_type: String,
    pub applicant_name: String,
    pub info_description: String,
    pub stage: String,
    pub due: Option<String>,
    /// How the due date was reached, step by step.
    pub due_explanation: Vec<String>,
    /// The events, each as `{"kind": …, "on": …, …}` — the same form `POST …/events` takes.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
    pub outcome: Option<String>,
}

/// One application with its events and its derived due date.
#[utoipa::path(get, path = "/api/v1/console/applications/{id}", tag = TAG_HANDLE,
    params(("id" = i64, Path, description = "申请的编号")),
    responses((status = 200, description = "申请、办理进度和办理事项", body = Detail),
              (status = 400, description = "编号有误", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权查看依申请公开事项", body = ApiErrorBody),
              (status = 404, description = "没有这件申请（或不属本单位）", body = ApiErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    me: ApiStaff,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let app = match visible(&state, &me, id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (events, p) = match (
        state.store.events(app.id).await,
        state.store.progress(app.id, today()).await,
    ) {
        (Ok(e), Ok(p)) => (e, p),
        (Err(e), _) | (_, Err(e)) => return store_error(e),
    };
    Json(Detail {
        id: app.id,
        tracking_code: app.tracking_code,
        unit: app.unit_code,
        applicant_type: app.applicant_type,
        applicant_name: app.applicant_name,
        info_description: app.info_description,
        stage: p.stage.label().into(),
        due: p.due.as_ref().map(|d| d.date.to_string()),
        due_explanation: p.due.map(|d| d.steps).unwrap_or_default(),
        events: events
            .iter()
            .filter_map(|r| serde_json::to_value(&r.event).ok())
            .collect(),
        outcome: app.outcome,
    })
    .into_response()
}

/// Record an event (`{"kind": "received", "on": "2021-09-28"}`, `{"kind": "extended", …}`, …);
/// it is checked like the same action on the page.
#[utoipa::path(post, path = "/api/v1/console/applications/{id}/events", tag = TAG_HANDLE,
    params(("id" = i64, Path, description = "申请的编号")),
    request_body(content = Object, description = "一个办理事项，形如 {\"kind\": \"received\", \"on\": \"YYYY-MM-DD\"}。kind：received、receipt_corrected（政务公开办，附 reason）、correction_requested（content、by）、correction_received、consultation_sent（third_party、party）、consultation_replied（sent_on、party、consents）、extended（approved_by）、fee_notice（method：pages|items，按量计收附 quantity；金额由系统按国办函〔2020〕109号计算）、fee_paid、archived"),
    responses((status = 204, description = "已记录"),
              (status = 400, description = "编号有误", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权办理，或缺少 CSRF 令牌", body = ApiErrorBody),
              (status = 404, description = "没有这件申请（或不属本单位）", body = ApiErrorBody),
              (status = 422, description = "办理事项不符合条例或无法识别，fields 指明字段", body = InvalidBody)))]
pub async fn add_event(
    State(state): State<AppState>,
    me: ApiStaff,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<Event>, JsonRejection>,
) -> Result<Response, Response> {
    let (actor, app) = acting_on(&state, &me, id).await?;
    let Ok(Json(event)) = body else {
        return Err(store_error(StoreError::invalid(
            "kind",
            "办理事项无法识别：应为 {\"kind\": …, \"on\": \"YYYY-MM-DD\", …}",
        )));
    };
    state
        .store
        .record_event(&actor, app.id, event, today())
        .await
        .map_err(store_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The body as JSON, or a 400 saying what was expected.
fn json_body<B>(body: Result<Json<B>, JsonRejection>, expected: &str) -> Result<B, Response> {
    body.map(|Json(b)| b)
        .map_err(|_| error(StatusCode::BAD_REQUEST, expected))
}

fn refuse(message: String) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(InvalidBody {
            error: message,
            fields: Vec::new(),
        }),
    )
        .into_response()
}

fn date_of(s: &str, field: &str) -> Result<chrono::NaiveDate, Response> {
    gongkai_core::calendar::parse_date(s).map_err(|m| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(InvalidBody {
                error: m.clone(),
                fields: vec![FieldErrorBody {
                    field: field.into(),
                    message: m,
                }],
            }),
        )
            .into_response()
    })
}

/// Who acts (never an auditor) on which application (of their scope).
async fn acting_on(
    state: &AppState,
    me: &ApiStaff,
    id: i64,
) -> Result<(Actor, Application), Response> {
    actor_of(me)?;
    Ok((Actor::staff(&me.0.staff), visible(state, me, id).await?))
}

/// Who acts: a role that may handle applications somewhere (the command checks the unit).
fn actor_of(me: &ApiStaff) -> Result<Actor, Response> {
    let staff = &me.0.staff;
    staff
        .role()
        .takes_part(Action::HandleApplications)
        .map_err(|m| error(StatusCode::FORBIDDEN, m))?;
    Ok(Actor::staff(staff))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerBody {
    /// The outcome row of table 三: "1", "2", "3.1" … "6.3".
    #[schema(min_length = 1)]
    pub outcome: String,
    #[schema(format = Date, example = "2021-09-28")]
    pub on: String,
    /// The letter; omitted, the first draft for the outcome is issued.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// Needed when the scan finds personal data or markings in the letter.
    #[serde(default)]
    pub override_reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Issued {
    pub letter_id: i64,
}

/// Answer an application and issue its letter (scanned like the page does).
#[utoipa::path(post, path = "/api/v1/console/applications/{id}/answer", tag = TAG_HANDLE,
    params(("id" = i64, Path, description = "申请的编号")), request_body = AnswerBody,
    responses((status = 201, description = "已答复并出具答复书", body = Issued),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权办理，或缺少 CSRF 令牌", body = ApiErrorBody),
              (status = 404, description = "没有这件申请（或不属本单位）", body = ApiErrorBody),
              (status = 422, description = "不能答复：答复书尚有待填写内容、含个人信息未说明理由，或办理结果不符合记录", body = InvalidBody)))]
pub async fn answer(
    State(state): State<AppState>,
    me: ApiStaff,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<AnswerBody>, JsonRejection>,
) -> Result<Response, Response> {
    let (actor, app) = acting_on(&state, &me, id).await?;
    let b = json_body(
        body,
        "请求内容应为 JSON：{\"outcome\": …, \"on\": \"YYYY-MM-DD\"}",
    )?;
    let on = date_of(&b.on, "on")?;
    let a = AnswerInput {
        outcome: b.outcome,
        on,
        title: b.title,
        body: b.body,
        override_reason: b.override_reason,
    };
    let letter = state
        .store
        .answer(&actor, app.id, &a, today())
        .await
        .map_err(store_error)?;
    let issued = Issued {
        letter_id: letter.id,
    };
    Ok((StatusCode::CREATED, Json(issued)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TransferBody {
    #[schema(min_length = 1)]
    pub to_unit: String,
    #[schema(format = Date, example = "2021-09-28")]
    pub on: String,
}

/// Transfer an application to the responsible unit (Art. 36(五)).
#[utoipa::path(post, path = "/api/v1/console/applications/{id}/transfer", tag = TAG_HANDLE,
    params(("id" = i64, Path, description = "申请的编号")), request_body = TransferBody,
    responses((status = 201, description = "已转送：在对方机关的新申请", body = WorkItem),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权办理，或缺少 CSRF 令牌", body = ApiErrorBody),
              (status = 404, description = "没有这件申请（或不属本单位）", body = ApiErrorBody),
              (status = 422, description = "不能转送", body = InvalidBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    me: ApiStaff,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<TransferBody>, JsonRejection>,
) -> Result<Response, Response> {
    let (actor, app) = acting_on(&state, &me, id).await?;
    let b = json_body(body, "请求内容应为 JSON：{\"to_unit\": …, \"on\": …}")?;
    let on = date_of(&b.on, "on")?;
    let new = state
        .store
        .transfer_application(&actor, app.id, &b.to_unit, on, today())
        .await
        .map_err(store_error)?;
    let item = WorkItem {
        id: new.id,
        tracking_code: new.tracking_code,
        unit: new.unit_code,
        applicant_type: new.applicant_type,
        channel: new.channel,
        stage: "办理中".into(),
        received_on: Some(on.to_string()),
        due: None,
    };
    Ok((StatusCode::CREATED, Json(item)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CaseCreated {
    pub id: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct CaseBody {
    /// reconsideration | direct_lawsuit | lawsuit_after_reconsideration
    pub kind: String,
    #[schema(format = Date)]
    pub filed_on: String,
    /// upheld | corrected | other | pending
    pub result: String,
    #[serde(default)]
    #[schema(format = Date)]
    pub result_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// File a reconsideration or lawsuit about an application's answer.
#[utoipa::path(post, path = "/api/v1/console/applications/{id}/cases", tag = TAG_HANDLE,
    params(("id" = i64, Path, description = "申请的编号")), request_body = CaseBody,
    responses((status = 201, description = "已登记", body = CaseCreated),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权办理，或缺少 CSRF 令牌", body = ApiErrorBody),
              (status = 404, description = "没有这件申请（或不属本单位）", body = ApiErrorBody),
              (status = 422, description = "填写有误", body = InvalidBody)))]
pub async fn add_case(
    State(state): State<AppState>,
    me: ApiStaff,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<CaseBody>, JsonRejection>,
) -> Result<Response, Response> {
    let (actor, app) = acting_on(&state, &me, id).await?;
    let b = json_body(body, "请求内容应为 JSON")?;
    let filed_on = date_of(&b.filed_on, "filed_on")?;
    let result_on = b
        .result_on
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| date_of(s, "result_on"))
        .transpose()?;
    let case = gongkai_store::applications::NewCase {
        kind: b.kind,
        filed_on,
        result: b.result,
        result_on,
        note: b.note,
    };
    let c = state
        .store
        .add_case(&actor, app.id, &case, today())
        .await
        .map_err(store_error)?;
    Ok((StatusCode::CREATED, Json(CaseCreated { id: c.id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    /// in_person | post | fax | email
    pub channel: String,
    /// The receipt date by Art. 31.
    #[schema(format = Date)]
    pub received_on: String,
    #[serde(flatten)]
    pub input: ApplicationInput,
}

/// Register an application received in person, by post, fax or e-mail.
#[utoipa::path(post, path = "/api/v1/console/register", tag = TAG_HANDLE, request_body = RegisterBody,
    responses((status = 201, description = "已登记：查询码和查询密码", body = Submitted),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 401, description = "未登录", body = ApiErrorBody),
              (status = 403, description = "无权登记本单位的申请，或缺少 CSRF 令牌", body = ApiErrorBody),
              (status = 422, description = "填写有误，逐项说明", body = InvalidBody)))]
pub async fn register(
    State(state): State<AppState>,
    me: ApiStaff,
    body: Result<Json<RegisterBody>, JsonRejection>,
) -> Result<Response, Response> {
    let actor = actor_of(&me)?;
    let b = json_body(body, "请求内容应为 JSON")?;
    let Some(channel) = Channel::parse(&b.channel).filter(|c| *c != Channel::Online) else {
        return Err(refuse("channel 应为 in_person、post、fax 或 email".into()));
    };
    let received = date_of(&b.received_on, "received_on")?;
    // The command refuses another unit's application (403).
    let s = state
        .store
        .submit_application(&actor, channel, &b.input, Some(received), None, today())
        .await
        .map_err(store_error)?;
    let submitted = Submitted {
        tracking_code: s.application.tracking_code,
        password: s.password,
        unit: s.application.unit_name,
        duplicate: false,
    };
    Ok((StatusCode::CREATED, Json(submitted)).into_response())
}
