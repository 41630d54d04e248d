//! The public side of 依申请公开: the online application (Art. 29), the status page with the
//! letters issued, personal data masked.

use crate::AppState;
use crate::error::AppError;
use crate::letter::file_response;
use crate::limit::{Bucket, ClientIp};
use crate::posted::ChForm;
use crate::posted::Posted;
use crate::site::{site_name, today};
use crate::view::*;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gongkai_core::files::APPLICATION_LIMITS;
use gongkai_core::ids::{mask_middle, mask_name};
use gongkai_core::taxonomy::ApplicantType;
use gongkai_store::StoreError;
use gongkai_store::applications::{ApplicationInput, DELIVERIES, FORMS, ID_KINDS};
use gongkai_store::auth::random_token;
use gongkai_store::files::NewAttachment;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/apply",
            get(apply_page)
                .post(apply)
                // Room for the attachments and the form around them; more is refused by
                // the extractor with a message naming the limit.
                .layer(DefaultBodyLimit::max(
                    APPLICATION_LIMITS.max_total_bytes + 1024 * 1024,
                )),
        )
        .route("/apply/status", get(status_form).post(status))
        .route("/apply/letters/{id}", post(letter))
        .route("/apply/letters/{id}/{format}", post(letter_file))
}

async fn apply_form(
    state: &AppState,
    token: String,
    input: ApplicationInput,
    errors: Errors,
) -> Result<Response, AppError> {
    let accepted = errors.is_empty();
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let page = ApplyPage {
        site_name: site_name(state).await?,
        token,
        input,
        errors,
        units,
        applicant_types: ApplicantType::ALL
            .iter()
            .map(|t| {
                let label = if t.is_natural_person() {
                    "自然人".to_string()
                } else {
                    format!("法人或其他组织 · {}", t.label())
                };
                (t.as_str().to_string(), label)
            })
            .collect(),
        id_kinds: options(&ID_KINDS),
        forms: options(&FORMS),
        deliveries: options(&DELIVERIES),
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn apply_page(State(state): State<AppState>) -> Result<Response, AppError> {
    apply_form(
        &state,
        random_token(),
        ApplicationInput::default(),
        Errors::default(),
    )
    .await
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    token: String,
    #[serde(flatten)]
    input: ApplicationInput,
}

async fn apply(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    posted: Result<Posted, AppError>,
) -> Result<Response, AppError> {
    let posted = posted.map_err(|e| match e {
        AppError::TooLarge(_) => AppError::TooLarge(format!(
            "提交的内容过大：附件合计不能超过 {} MB，单个文件不超过 {} MB。请压缩或减少附件后重新提交。",
            APPLICATION_LIMITS.max_total_bytes / (1024 * 1024),
            APPLICATION_LIMITS.max_file_bytes / (1024 * 1024),
        )),
        other => other,
    })?;
    // Attachments come in the field `attachments`, any number of files.
    let files = posted.files_of("attachments");
    let f: ApplyForm = serde_json::from_value(posted.to_json()).map_err(|e| {
        AppError::BadRequest(format!("表单内容无法识别，请从页面重新提交。（{e}）"))
    })?;
    if !state.limits.allow(Bucket::Apply, client) {
        return Err(AppError::TooMany(
            "同一网络地址提交申请过于频繁，请稍后再试。如需提交大量申请，请联系受理机关。".into(),
        ));
    }
    // The form's one-time token: a second click on the same form returns the first submission.
    let token = if f.token.len() == 64 && f.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        f.token.clone()
    } else {
        random_token()
    };
    let attachments = match NewAttachment::check_all(files, APPLICATION_LIMITS) {
        Ok(a) => a,
        Err(StoreError::Invalid(errs)) => {
            // The files are not kept: the form asks for them again, the rest stays filled in.
            return apply_form(&state, token, f.input, Errors(errs)).await;
        }
        Err(e) => return Err(e.into()),
    };
    match state
        .submitter
        .submit(f.input.clone(), Some(token.clone()), today(), attachments)
        .await
    {
        Ok(s) => Ok(render(&ApplyDonePage {
            site_name: site_name(&state).await?,
            unit_name: s.application.unit_name,
            code: s.application.tracking_code,
            password: s.password,
        })),
        Err(StoreError::Invalid(errs)) => apply_form(&state, token, f.input, Errors(errs)).await,
        Err(e) => Err(e.into()),
    }
}

async fn status_form(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok(render(&StatusFormPage {
        site_name: site_name(&state).await?,
        code: String::new(),
        error: String::new(),
    }))
}

#[derive(Deserialize)]
struct Lookup {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// The look-up form again, with a message.
async fn status_again(
    state: &AppState,
    code: &str,
    error: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = StatusFormPage {
        site_name: site_name(state).await?,
        code: code.chars().take(32).collect(),
        error: error.into(),
    };
    Ok((status, render(&page)).into_response())
}

/// The application a code and password open, or the form again with a message.
async fn open_application(
    state: &AppState,
    client: std::net::IpAddr,
    f: &Lookup,
) -> Result<Result<gongkai_store::applications::Application, Response>, AppError> {
    if !state.limits.allow(Bucket::Status, client) {
        return Ok(Err(status_again(
            state,
            &f.code,
            "查询过于频繁，请一小时后再试。",
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?));
    }
    if f.code.trim().is_empty() || f.password.trim().is_empty() {
        return Ok(Err(status_again(
            state,
            &f.code,
            "请填写查询码和查询密码。",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?));
    }
    match state
        .store
        .application_for_applicant(&f.code, &f.password)
        .await?
    {
        Some(app) => Ok(Ok(app)),
        None => Ok(Err(status_again(
            state,
            &f.code,
            "查询码或查询密码不正确，请核对后重新输入。",
            StatusCode::FORBIDDEN,
        )
        .await?)),
    }
}

async fn status(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ChForm(f): ChForm<Lookup>,
) -> Result<Response, AppError> {
    let app = match open_application(&state, client, &f).await? {
        Ok(app) => app,
        Err(page) => return Ok(page),
    };
    let progress = state.store.progress(app.id, today()).await?;
    let letters = state.store.letters(app.id).await?;
    Ok(render(&StatusPage {
        site_name: site_name(&state).await?,
        masked_name: if ApplicantType::parse(&app.applicant_type)
            .is_some_and(|t| t.is_natural_person())
        {
            mask_name(&app.applicant_name)
        } else {
            app.applicant_name.clone()
        },
        masked_phone: mask_middle(&app.phone, 3, 2),
        stage: progress.stage.label(),
        received: progress.received,
        due: progress
            .due
            .as_ref()
            .map(|d| d.date)
            .filter(|_| progress.stage.is_open()),
        no_due: if progress.stage.is_open() {
            progress.no_due_reason.unwrap_or("")
        } else {
            "已办结"
        },
        letters,
        password: f.password.trim().to_string(),
        app,
    }))
}

async fn applicant_letter(
    state: &AppState,
    client: std::net::IpAddr,
    id: i64,
    f: &Lookup,
) -> Result<Result<(gongkai_store::applications::Letter, String), Response>, AppError> {
    let app = match open_application(state, client, f).await? {
        Ok(app) => app,
        Err(page) => return Ok(Err(page)),
    };
    let letter = state
        .store
        .letter(id)
        .await?
        .filter(|l| l.application_id == app.id)
        .ok_or_else(|| AppError::NotFound("没有找到这份文书。".into()))?;
    Ok(Ok((letter, app.tracking_code)))
}

async fn letter(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<i64>,
    ChForm(f): ChForm<Lookup>,
) -> Result<Response, AppError> {
    match applicant_letter(&state, client, id, &f).await? {
        Ok((letter, code)) => Ok(render(&LetterPage::new(letter, code))),
        Err(page) => Ok(page),
    }
}

/// A letter as a DOCX or PDF download.
async fn letter_file(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path((id, format)): Path<(i64, String)>,
    ChForm(f): ChForm<Lookup>,
) -> Result<Response, AppError> {
    match applicant_letter(&state, client, id, &f).await? {
        Ok((letter, code)) => file_response(&letter, &code, &format).await,
        Err(page) => Ok(page),
    }
}
