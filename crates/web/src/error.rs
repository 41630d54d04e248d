//! The web layer's error policy: a person's mistake gets a 4xx page in Chinese that says what to
//! do; the system's failure gets a 500 page that says nothing internal (the detail goes to the log).

use crate::view::{ErrorPage, render};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooMany(String),
    #[error("{0}")]
    TooLarge(String),
    /// The system lacks something an operator must provide (a font, say): the message names it.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(e) => match e {
                StoreError::NotFound(_) => StatusCode::NOT_FOUND,
                StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                StoreError::Conflict(_) | StoreError::Refused(_) => StatusCode::CONFLICT,
                StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a person reads: the error itself for their mistakes, a generic one otherwise.
    pub fn public_message(&self) -> String {
        if let AppError::Unavailable(m) = self {
            m.clone()
        } else if self.status().is_server_error() {
            "系统暂时无法处理您的请求，请稍后再试。如问题持续，请联系网站管理员。".into()
        } else {
            self.to_string()
        }
    }

    fn title(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "页面不存在",
            StatusCode::FORBIDDEN => "无权访问",
            s if s.is_server_error() => "系统错误",
            _ => "请求有误",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let page = ErrorPage {
            title: self.title(),
            message: self.public_message(),
            status: status.as_u16(),
        };
        (status, render(&page)).into_response()
    }
}
