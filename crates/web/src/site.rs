//! What every page of the site shares about the site itself: today's date (in China, the one
//! every deadline is reckoned on) and the site's name (the root unit's).

use crate::AppState;
use crate::error::AppError;

/// Today in China (UTC+8), the date every deadline is reckoned on.
pub fn today() -> chrono::NaiveDate {
    gongkai_core::clock::today()
}

pub async fn site_name(state: &AppState) -> Result<String, AppError> {
    Ok(state
        .store
        .root_unit()
        .await?
        .map(|u| u.name)
        .unwrap_or_else(|| "政府信息公开".into()))
}
