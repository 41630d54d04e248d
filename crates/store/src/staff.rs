//! Staff accounts: one role in one unit each.

use crate::actor::Actor;
use crate::{FieldError, Result, Store, StoreError, Tx, audit, auth, now, on_pool, on_tx};
use chrono::{DateTime, Utc};
use gongkai_core::Role;
use gongkai_core::access::Action;
use gongkai_core::org::{check_password, check_text, check_username};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    /// Read back strictly: an unknown stored role is an error naming the column, never a
    /// lesser or greater role.
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Staff {
    pub fn role(&self) -> Role {
        self.role
    }

    /// May this staff member see the unit?
    pub fn sees_unit(&self, unit_id: i64) -> bool {
        self.role().sees_all_units() || self.unit_id == unit_id
    }

    pub fn is_locked(&self, at: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > at)
    }
}

/// What a person fills in to add a staff account.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub unit_code: String,
    pub role: String,
    pub password: String,
}

pub(crate) const STAFF_SELECT: &str = "SELECT s.id, s.username, s.display_name, s.unit_id, \
    u.code AS unit_code, u.name AS unit_name, s.role, s.active, s.failed_logins, s.locked_until, \
    s.created_at FROM staff s JOIN units u ON u.id = s.unit_id";

impl Store {
    /// Staff of one unit, or of every unit with `None`.
    pub async fn staff_list(&self, unit_id: Option<i64>) -> Result<Vec<Staff>> {
        let sql = format!(
            "{STAFF_SELECT} WHERE ($1 IS NULL OR s.unit_id = $1) ORDER BY u.code, s.username"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, Staff>(sqlx::AssertSqlSafe(sql))
            .bind(unit_id).fetch_all(p).await?);
        Ok(rows)
    }

    pub async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>> {
        let sql = format!("{STAFF_SELECT} WHERE s.id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, Staff>(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await?);
        Ok(row)
    }

    pub async fn staff_by_username(&self, username: &str) -> Result<Option<Staff>> {
        let sql = format!("{STAFF_SELECT} WHERE s.username = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, Staff>(sqlx::AssertSqlSafe(sql))
            .bind(username).fetch_optional(p).await?);
        Ok(row)
    }

    /// Add an account; the password is hashed with argon2 (off the async threads).
    pub async fn create_staff(&self, actor: &Actor, input: &StaffInput) -> Result<Staff> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let hash = auth::hash_password(input.password.clone()).await?;
        let mut tx = self.begin_write().await?;
        let staff = create_staff_tx(&mut tx, actor, input, &hash).await?;
        tx.commit().await?;
        Ok(staff)
    }

    /// Switch an account on or off (an account that is off cannot log in; its sessions end).
    pub async fn set_staff_active(
        &self,
        actor: &Actor,
        username: &str,
        active: bool,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let before = staff_by_username_tx(&mut tx, username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("没有用户名为“{username}”的账户")))?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE staff SET active = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(active).bind(before.id).execute(c).await?.rows_affected());
        if !active {
            on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
                .bind(before.id).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            if active {
                "staff.enable"
            } else {
                "staff.disable"
            },
            &crate::actor::staff_name(username),
            &json!({"active": before.active, "locked_until": before.locked_until}),
            &json!({"active": active, "locked_until": null}),
        )
        .await?;
        tx.commit().await
    }
}

pub(crate) async fn staff_by_username_tx(tx: &mut Tx, username: &str) -> Result<Option<Staff>> {
    let sql = format!("{STAFF_SELECT} WHERE s.username = $1");
    let row = on_tx!(tx, c => sqlx::query_as::<_, Staff>(sqlx::AssertSqlSafe(sql))
        .bind(username).fetch_optional(c).await?);
    Ok(row)
}

/// Check the input (every problem at once) apart from the password hash.
pub fn check_staff_input(input: &StaffInput) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut push = |field: &'static str, r: std::result::Result<(), String>| {
        if let Err(message) = r {
            errs.push(FieldError { field, message });
        }
    };
    push("username", check_username(input.username.trim()));
    push(
        "display_name",
        check_text("姓名", &input.display_name, false, 32),
    );
    push(
        "role",
        Role::parse(input.role.trim()).map(|_| ()).ok_or_else(|| {
            format!(
                "角色“{}”无效：应为 {}",
                input.role.trim(),
                Role::ALL.map(|r| r.as_str()).join("、")
            )
        }),
    );
    push("password", check_password(&input.password, &input.username));
    errs
}

pub(crate) async fn create_staff_tx(
    tx: &mut Tx,
    actor: &str,
    input: &StaffInput,
    password_hash: &str,
) -> Result<Staff> {
    let mut errs = check_staff_input(input);
    let username = input.username.trim();
    let unit_code = input.unit_code.trim();
    let unit: Option<(i64,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM units WHERE code = $1")
        .bind(unit_code).fetch_optional(c).await?);
    if unit.is_none() {
        errs.push(FieldError {
            field: "unit_code",
            message: format!("没有代码为“{unit_code}”的单位"),
        });
    }
    if staff_by_username_tx(tx, username).await?.is_some() {
        errs.push(FieldError {
            field: "username",
            message: format!("用户名“{username}”已被使用"),
        });
    }
    let (Some((unit_id,)), true) = (unit, errs.is_empty()) else {
        return Err(StoreError::Invalid(errs));
    };
    let display_name = match input.display_name.trim() {
        "" => username,
        n => n,
    };
    let role = Role::parse(input.role.trim()).unwrap_or(Role::Auditor);
    let (id,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO staff (username, display_name, unit_id, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(username).bind(display_name).bind(unit_id).bind(role.as_str())
        .bind(password_hash).bind(now()).fetch_one(c).await?);
    let staff = staff_by_username_tx(tx, username)
        .await?
        .ok_or_else(|| StoreError::Internal(format!("staff {id} vanished")))?;
    audit::append(
        tx,
        actor,
        "staff.create",
        &crate::actor::staff_name(username),
        &serde_json::Value::Null,
        &json!({"username": username, "display_name": display_name, "unit": unit_code, "role": role.as_str()}),
    )
    .await?;
    Ok(staff)
}
