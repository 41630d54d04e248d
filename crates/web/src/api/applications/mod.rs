//! The JSON API of 依申请公开, with the same checks as the pages: the public submits and looks
//! up an application; staff (by their console session, with the session's CSRF token in the
//! `X-CSRF-Token` header for changes) list, read and act on their unit's applications.

// Helpers here return the finished error response; it is built once per request, so its size
// does not matter.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::api::{ApiError, ApiErrorBody, ApiPath, TAG_APPLY, TAG_HANDLE};
use crate::limit::{Bucket, ClientIp};
use crate::session::{SESSION_COOKIE, cookie, same_token};
use crate::site::today;
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use gongkai_core::Role;
use gongkai_core::access::Action;
use gongkai_core::application::{Channel, Event};
use gongkai_core::files::APPLICATION_LIMITS;
use gongkai_core::ids::mask_name;
use gongkai_core::taxonomy::ApplicantType;
use gongkai_store::StoreError;
use gongkai_store::actor::Actor;
use gongkai_store::applications::{AnswerInput, Application, ApplicationInput};
use gongkai_store::auth::Session;
use gongkai_store::files::NewAttachment;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod handle;
pub use handle::*;

/// The routes with their documentation (see [`crate::api::api_router`]).
pub fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, submit_route) = routes!(submit);
    // base64 makes files a third larger.
    let submit_route = submit_route.layer(DefaultBodyLimit::max(
        APPLICATION_LIMITS.max_total_bytes / 3 * 4 + 1024 * 1024,
    ));
    OpenApiRouter::new()
        .routes((schemas, paths, submit_route))
        .routes(routes!(status))
        .routes(routes!(list))
        .routes(routes!(detail))
        .routes(routes!(add_event))
        .routes(routes!(answer))
        .routes(routes!(transfer))
        .routes(routes!(add_case))
        .routes(routes!(register))
}

/// A field error, as the pages show next to the field.
#[derive(Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvalidBody {
    pub error: String,
    pub fields: Vec<FieldErrorBody>,
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Invalid(errs) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(InvalidBody {
                error: errs
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                fields: errs
                    .into_iter()
                    .map(|e| FieldErrorBody {
                        field: e.field.into(),
                        message: e.message,
                    })
                    .collect(),
            }),
        )
            .into_response(),
        other => ApiError::from(other).into_response(),
    }
}

fn error(status: StatusCode, msg: &str) -> Response {
    (status, Json(ApiErrorBody { error: msg.into() })).into_response()
}

/// An online application: the Art. 29 fields, and a key that makes a repeated submission return
/// the first one.
#[derive(Deserialize, ToSchema)]
pub struct SubmitBody {
    #[serde(flatten)]
    pub input: ApplicationInput,
    /// Up to 128 characters chosen by the client; the same key returns the same application.
    #[serde(default)]
    pub idempotency_key: String,
    /// Supporting documents (PDF, DOCX, XLSX, OFD, JPG, PNG): at most 5, 10 MB each, 20 MB
    /// together.
    #[serde(default)]
    pub attachments: Vec<AttachmentBody>,
}

/// A file sent with an application.
#[derive(Deserialize, ToSchema)]
pub struct AttachmentBody {
    pub name: String,
    /// The file's bytes in standard base64.
    pub content_base64: String,
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    pub tracking_code: String,
    pub password: String,
    pub unit: String,
    /// The same submission had arrived before; nothing new was stored.
    pub duplicate: bool,
}

/// Submit an application online.
#[utoipa::path(post, path = "/api/v1/applications", tag = TAG_APPLY, request_body = SubmitBody,
    responses((status = 201, description = "已提交：查询码和查询密码", body = Submitted),
              (status = 200, description = "重复提交，返回首次提交的结果", body = Submitted),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 413, description = "附件过大", body = ApiErrorBody),
              (status = 422, description = "填写有误，逐项说明", body = InvalidBody),
              (status = 429, description = "提交过于频繁", body = ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    body: Result<Json<SubmitBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let b = match body {
        Ok(Json(b)) => b,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "请求内容过大：附件合计不能超过 20 MB",
            );
        }
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "请求内容应为 JSON，且包含申请表的各个字段",
            );
        }
    };
    if !state.limits.allow(Bucket::Apply, client) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            "同一网络地址提交申请过于频繁，请稍后再试",
        );
    }
    let key =
        (!b.idempotency_key.trim().is_empty()).then(|| format!("api:{}", b.idempotency_key.trim()));
    let mut files = Vec::with_capacity(b.attachments.len());
    for a in b.attachments {
        match BASE64.decode(a.content_base64.trim()) {
            Ok(bytes) => files.push((a.name, bytes)),
            Err(_) => {
                return store_error(StoreError::invalid(
                    "attachments",
                    format!("附件“{}”的内容不是有效的 base64 编码", a.name),
                ));
            }
        }
    }
    let attachments = match NewAttachment::check_all(files, APPLICATION_LIMITS) {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    match state
        .submitter
        .submit(b.input, key, today(), attachments)
        .await
    {
        Ok(s) => {
            let status = if s.duplicate {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            (
                status,
                Json(Submitted {
                    tracking_code: s.application.tracking_code,
                    password: s.password,
                    unit: s.application.unit_name,
                    duplicate: s.duplicate,
                }),
            )
                .into_response()
        }
        Err(e) => store_error(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LookupBody {
    #[schema(min_length = 1)]
    pub code: String,
    #[schema(min_length = 1)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LetterRef {
    pub id: i64,
    pub title: String,
    pub issued_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct StatusBody {
    pub tracking_code: String,
    pub unit: String,
    /// Masked: 张**
    pub applicant: String,
    pub stage: String,
    pub received_on: Option<String>,
    pub due: Option<String>,
    pub letters: Vec<LetterRef>,
}

/// An application's status, by its tracking code and query password (personal data masked).
#[utoipa::path(post, path = "/api/v1/applications/status", tag = TAG_APPLY, request_body = LookupBody,
    responses((status = 200, description = "办理进度与文书", body = StatusBody),
              (status = 400, description = "请求内容不是所需的 JSON", body = ApiErrorBody),
              (status = 403, description = "查询码或查询密码不对", body = ApiErrorBody),
              (status = 429, description = "查询过于频繁", body = ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    body: Result<Json<LookupBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(b)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "请求内容应为 JSON：{\"code\": …, \"password\": …}",
        );
    };
    if !state.limits.allow(Bucket::Status, client) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            "查询过于频繁，请一小时后再试",
        );
    }
    let app = match state
        .store
        .application_for_applicant(&b.code, &b.password)
        .await
    {
        Ok(Some(a)) => a,
        Ok(None) => return error(StatusCode::FORBIDDEN, "查询码或查询密码不正确"),
        Err(e) => return store_error(e),
    };
    let p = match state.store.progress(app.id, today()).await {
        Ok(p) => p,
        Err(e) => return store_error(e),
    };
    let letters = match state.store.letters(app.id).await {
        Ok(l) => l,
        Err(e) => return store_error(e),
    };
    let natural = ApplicantType::parse(&app.applicant_type).is_some_and(|t| t.is_natural_person());
    Json(StatusBody {
        applicant: if natural {
            mask_name(&app.applicant_name)
        } else {
            app.applicant_name.clone()
        },
        tracking_code: app.tracking_code,
        unit: app.unit_name,
        stage: p.stage.label().into(),
        received_on: p.received.map(|d| d.to_string()),
        due: p
            .due
            .filter(|_| p.stage.is_open())
            .map(|d| d.date.to_string()),
        letters: letters
            .into_iter()
            .map(|l| LetterRef {
                id: l.id,
                title: l.title,
                issued_on: l.issued_on.to_string(),
            })
            .collect(),
    })
    .into_response()
}
