//! A letter to an applicant as a file to download: DOCX by gongkai-report, PDF by gongkai-pdf.

use crate::error::AppError;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A letter in `format` (`docx` or `pdf`), laid out off the async threads.
pub async fn file_response(
    letter: &gongkai_store::applications::Letter,
    code: &str,
    format: &str,
) -> Result<Response, AppError> {
    let content_type = match format {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf" => "application/pdf",
        _ => return Err(AppError::NotFound("文书可下载为 DOCX 或 PDF。".into())),
    };
    let (title, body, pdf) = (letter.title.clone(), letter.body.clone(), format == "pdf");
    let bytes = tokio::task::spawn_blocking(move || {
        if pdf {
            gongkai_pdf::letter(&title, &body).map_err(|e| match e {
                gongkai_pdf::PdfError::NoCjkFont => {
                    AppError::Unavailable(format!("暂时无法生成 PDF：{e}。可先下载 DOCX 版本。"))
                }
                other => AppError::Internal(other.to_string()),
            })
        } else {
            gongkai_report::docx::letter(&title, &body).map_err(AppError::Internal)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{code}-{}.{format}\"", letter.id),
            ),
        ],
        bytes,
    )
        .into_response())
}
