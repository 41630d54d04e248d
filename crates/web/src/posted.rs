//! A posted form as a list of fields and files, from `multipart/form-data` (forms with file
//! inputs) or `application/x-www-form-urlencoded`. Repeated fields (check boxes) keep every
//! value; files keep their field name, file name and bytes. And `ChForm`, a urlencoded form
//! whose rejection is a page in Chinese.

use crate::AppState;
use crate::error::AppError;
use axum::Form;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

pub struct Posted {
    pub fields: Vec<(String, String)>,
    /// (field, file name, bytes); empty file inputs are left out.
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Posted {
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The files of a field as (file name, bytes).
    pub fn files_of(&self, name: &str) -> Vec<(String, Vec<u8>)> {
        self.files
            .iter()
            .filter(|(k, _, _)| k == name)
            .map(|(_, f, b)| (f.clone(), b.clone()))
            .collect()
    }

    /// The fields as a JSON object of strings (the first value of each), for serde.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.fields {
            map.entry(k.clone())
                .or_insert_with(|| serde_json::Value::String(v.clone()));
        }
        serde_json::Value::Object(map)
    }
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("表单内容无法识别，请从页面重新提交。（{e}）"))
}

fn too_big() -> AppError {
    AppError::TooLarge(
        "提交的内容过大：请按页面提示的附件数量和大小限制，压缩或减少附件后重新提交。".into(),
    )
}

fn read_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_big()
    } else {
        unreadable(e)
    }
}

impl FromRequest<AppState> for Posted {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let is_multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            let ChForm(fields) = ChForm::<Vec<(String, String)>>::from_request(req, state).await?;
            return Ok(Posted {
                fields,
                files: Vec::new(),
            });
        }
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(unreadable)?;
        let mut posted = Posted {
            fields: Vec::new(),
            files: Vec::new(),
        };
        while let Some(field) = multipart.next_field().await.map_err(read_error)? {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(read_error)?;
            match file_name {
                // A file input left empty still sends a part with no name and no bytes.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(f) => posted.files.push((name, f, bytes.to_vec())),
                None => posted
                    .fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        Ok(posted)
    }
}

/// A urlencoded form whose rejection is a Chinese 400 page rather than axum's plain text.
pub struct ChForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ChForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        Form::<T>::from_request(req, state)
            .await
            .map(|Form(t)| ChForm(t))
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge("提交的内容过大，请删减后重新提交。".into())
                } else {
                    AppError::BadRequest(format!("表单内容无法识别，请从页面重新提交。（{e}）"))
                }
            })
    }
}
