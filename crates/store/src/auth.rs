//! Login with argon2-hashed passwords, lockout after repeated failures, sessions.

use crate::staff::{STAFF_SELECT, Staff, staff_by_username_tx};
use crate::{Result, Store, StoreError, audit, now, on_pool, on_tx};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde_json::json;

/// Failed attempts in a row, from anywhere, that lock an account: a guessing attack spread over
/// many addresses. One address is stopped long before, at its own failures (the web's
/// per-address lock), so a stranger cannot lock the office out of its own account.
pub const MAX_FAILED_LOGINS: i64 = 50;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
/// How long a session lasts after login.
pub const SESSION_HOURS: i64 = 12;

/// Hash a password (argon2id, random salt) off the async threads.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| StoreError::Internal(format!("hash task: {e}")))?
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(|e| StoreError::Internal(format!("verify task: {e}")))
}

/// A random token, hex encoded.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Sessions are stored by a digest of their token, so a copy of the database opens no session.
fn session_key(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a login failed (each with the message a person reads).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，账户已锁定，请于 {} 后再试或联系政务公开办", .0.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%H:%M"))]
    Locked(DateTime<Utc>),
    #[error("该账户已停用，请联系政务公开办")]
    Inactive,
}

/// id, password hash, active, failed logins, locked until.
type LoginRow = (i64, String, bool, i64, Option<DateTime<Utc>>);

/// A logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value (returned only at login).
    pub token: String,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    pub staff: Staff,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Check a username and password; on success open a session.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<std::result::Result<Session, LoginError>> {
        let found: Option<LoginRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, password_hash, active, failed_logins, locked_until FROM staff WHERE username = $1")
            .bind(username).fetch_optional(p).await?);
        let Some((id, hash, active, _failed, locked_until)) = found else {
            // Verify against a throw-away hash so that an unknown user takes as long as a known one.
            static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
            let dummy = DUMMY
                .get_or_try_init(|| hash_password(random_token()))
                .await?;
            verify_password(password.to_string(), dummy.clone()).await?;
            return Ok(Err(LoginError::BadCredentials));
        };
        let at = now();
        if let Some(until) = locked_until.filter(|t| *t > at) {
            return Ok(Err(LoginError::Locked(until)));
        }
        if !verify_password(password.to_string(), hash).await? {
            return self.record_failure(id, username).await.map(Err);
        }
        if !active {
            return Ok(Err(LoginError::Inactive));
        }
        let token = random_token();
        let csrf_token = random_token();
        let expires_at = at + Duration::hours(SESSION_HOURS);
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(id).execute(c).await?.rows_affected());
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO sessions (id, staff_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(session_key(&token)).bind(id).bind(&csrf_token).bind(at).bind(expires_at)
            .execute(c).await?.rows_affected());
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(at).execute(c).await?.rows_affected());
        let staff = staff_by_username_tx(&mut tx, username)
            .await?
            .ok_or_else(|| StoreError::Internal("staff vanished at login".into()))?;
        tx.commit().await?;
        Ok(Ok(Session {
            token,
            csrf_token,
            staff,
            expires_at,
        }))
    }

    async fn record_failure(&self, id: i64, username: &str) -> Result<LoginError> {
        let mut tx = self.begin_write().await?;
        let (failed,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins")
            .bind(id).fetch_one(c).await?);
        let outcome = if failed >= MAX_FAILED_LOGINS {
            let until = now() + Duration::minutes(LOCKOUT_MINUTES);
            on_tx!(&mut tx, c => sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = $1 WHERE id = $2")
                .bind(until).bind(id).execute(c).await?.rows_affected());
            audit::append(
                &mut tx,
                "system",
                "staff.lock",
                &crate::actor::staff_name(username),
                &json!({"locked_until": null}),
                &json!({"locked_until": until, "reason": format!("{failed} failed logins")}),
            )
            .await?;
            LoginError::Locked(until)
        } else {
            LoginError::BadCredentials
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The session a cookie token opens, if it exists, has not expired and its account is active.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let row: Option<(i64, String, DateTime<Utc>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT staff_id, csrf_token, expires_at FROM sessions WHERE id = $1")
            .bind(session_key(token)).fetch_optional(p).await?);
        let Some((staff_id, csrf_token, expires_at)) = row else {
            return Ok(None);
        };
        if expires_at <= now() {
            return Ok(None);
        }
        let sql = format!("{STAFF_SELECT} WHERE s.id = $1 AND s.active");
        let staff = on_pool!(self, p => sqlx::query_as::<_, Staff>(sqlx::AssertSqlSafe(sql))
            .bind(staff_id).fetch_optional(p).await?);
        Ok(staff.map(|staff| Session {
            token: token.to_string(),
            csrf_token,
            staff,
            expires_at,
        }))
    }

    /// End a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        on_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_key(token)).execute(p).await?.rows_affected());
        Ok(())
    }
}
