//! Units (行政机关): the district government, its departments, towns and streets, as a tree, each
//! with its disclosure office's guide fields (Art. 12).

use crate::actor::Actor;
use crate::{FieldError, Result, Store, StoreError, Tx, audit, now, on_pool, on_tx};
use chrono::{DateTime, Utc};
use gongkai_core::UnitKind;
use gongkai_core::access::Action;
use gongkai_core::org::{check_postcode, check_text, check_unit_code};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// How reports refer to the unit (区住房城乡建设局); the full name when empty.
    pub short_name: String,
    /// `government`, `department`, `town` or `street`.
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
    /// 政府信息公开工作机构名称
    pub office_name: String,
    pub office_address: String,
    pub office_postcode: String,
    pub office_hours: String,
    pub office_phone: String,
    pub office_fax: String,
    /// 互联网联系方式 (an e-mail address or web form).
    pub office_internet: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Unit {
    pub fn kind(&self) -> Option<UnitKind> {
        UnitKind::parse(&self.kind)
    }

    /// The name reports use.
    pub fn display_short(&self) -> &str {
        if self.short_name.is_empty() {
            &self.name
        } else {
            &self.short_name
        }
    }

    pub fn kind_label(&self) -> &'static str {
        self.kind().map(UnitKind::label).unwrap_or("")
    }
}

/// What a person fills in to add or change a unit.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    pub kind: String,
    /// The parent's code; empty for the root (the government).
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub sort_order: String,
    #[serde(default)]
    pub office_name: String,
    #[serde(default)]
    pub office_address: String,
    #[serde(default)]
    pub office_postcode: String,
    #[serde(default)]
    pub office_hours: String,
    #[serde(default)]
    pub office_phone: String,
    #[serde(default)]
    pub office_fax: String,
    #[serde(default)]
    pub office_internet: String,
}

impl UnitInput {
    pub fn from_unit(u: &Unit, parent_code: Option<&str>) -> UnitInput {
        UnitInput {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind.clone(),
            parent_code: parent_code.unwrap_or("").to_string(),
            sort_order: u.sort_order.to_string(),
            office_name: u.office_name.clone(),
            office_address: u.office_address.clone(),
            office_postcode: u.office_postcode.clone(),
            office_hours: u.office_hours.clone(),
            office_phone: u.office_phone.clone(),
            office_fax: u.office_fax.clone(),
            office_internet: u.office_internet.clone(),
        }
    }

    fn trimmed(&self) -> UnitInput {
        let t = |s: &String| s.trim().to_string();
        UnitInput {
            code: t(&self.code),
            name: t(&self.name),
            short_name: t(&self.short_name),
            kind: t(&self.kind),
            parent_code: t(&self.parent_code),
            sort_order: t(&self.sort_order),
            office_name: t(&self.office_name),
            office_address: t(&self.office_address),
            office_postcode: t(&self.office_postcode),
            office_hours: t(&self.office_hours),
            office_phone: t(&self.office_phone),
            office_fax: t(&self.office_fax),
            office_internet: t(&self.office_internet),
        }
    }

    /// Every problem of the input at once, by field.
    fn check(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut push = |field: &'static str, r: std::result::Result<(), String>| {
            if let Err(message) = r {
                errs.push(FieldError { field, message });
            }
        };
        push("code", check_unit_code(&self.code));
        push("name", check_text("单位名称", &self.name, true, 64));
        push(
            "short_name",
            check_text("简称", &self.short_name, false, 32),
        );
        push(
            "kind",
            UnitKind::parse(&self.kind)
                .map(|_| ())
                .ok_or_else(|| "请选择单位类型（人民政府、政府部门、镇、街道）".to_string()),
        );
        if !self.sort_order.is_empty() && self.sort_order.parse::<i64>().is_err() {
            push("sort_order", Err("排序应为整数".into()));
        }
        push(
            "office_name",
            check_text("政府信息公开工作机构名称", &self.office_name, false, 64),
        );
        push(
            "office_address",
            check_text("办公地址", &self.office_address, false, 128),
        );
        push(
            "office_hours",
            check_text("办公时间", &self.office_hours, false, 128),
        );
        push(
            "office_internet",
            check_text("互联网联系方式", &self.office_internet, false, 128),
        );
        push("office_postcode", check_postcode(&self.office_postcode));
        for (field, label, value) in [
            ("office_phone", "联系电话", &self.office_phone),
            ("office_fax", "传真号码", &self.office_fax),
        ] {
            let ok = value.chars().count() <= 32
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || "-+()（） 、,，转".contains(c));
            if !ok {
                push(
                    field,
                    Err(format!(
                        "{label}只能包含数字、-、括号和“转”，最多 32 个字符"
                    )),
                );
            }
        }
        errs
    }
}

const UNIT_COLUMNS: &str = "id, code, name, short_name, kind, parent_id, sort_order, office_name, office_address, \
    office_postcode, office_hours, office_phone, office_fax, office_internet, created_at, updated_at";

impl Store {
    /// Every unit, government first, then by kind, order and code.
    pub async fn units(&self) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units ORDER BY CASE kind WHEN 'government' THEN 0 \
             WHEN 'department' THEN 1 WHEN 'town' THEN 2 ELSE 3 END, sort_order, code"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, Unit>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await?);
        Ok(rows)
    }

    pub async fn unit_by_code(&self, code: &str) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, Unit>(sqlx::AssertSqlSafe(sql))
            .bind(code).fetch_optional(p).await?);
        Ok(row)
    }

    pub async fn unit_by_id(&self, id: i64) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, Unit>(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await?);
        Ok(row)
    }

    /// The root of the tree (the district government), if any.
    pub async fn root_unit(&self) -> Result<Option<Unit>> {
        Ok(self
            .units()
            .await?
            .into_iter()
            .find(|u| u.parent_id.is_none()))
    }

    /// Add a unit. The first unit must be the government (the root); every other unit names its
    /// parent.
    pub async fn create_unit(&self, actor: &Actor, input: &UnitInput) -> Result<Unit> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let unit = create_unit_tx(&mut tx, actor, input).await?;
        tx.commit().await?;
        self.forget_units();
        Ok(unit)
    }

    /// Change a unit (identified by its current code) to `input`.
    pub async fn update_unit(&self, actor: &Actor, code: &str, input: &UnitInput) -> Result<Unit> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let input = input.trimmed();
        let mut errs = input.check();
        let mut tx = self.begin_write().await?;
        let before = unit_by_code_tx(&mut tx, code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("没有代码为“{code}”的单位")))?;
        let parent_id = resolve_parent(&mut tx, &input, &mut errs).await?;
        if let Some(pid) = parent_id {
            // Refuse a cycle: the new parent may not be this unit or one of its descendants.
            let mut cursor = Some(pid);
            while let Some(id) = cursor {
                if id == before.id {
                    errs.push(FieldError {
                        field: "parent_code",
                        message: "上级单位不能是本单位或其下级单位".into(),
                    });
                    break;
                }
                cursor = unit_parent_tx(&mut tx, id).await?;
            }
        }
        if before.parent_id.is_none() && parent_id.is_some() {
            errs.push(FieldError {
                field: "parent_code",
                message: "人民政府是单位树的根，不能有上级单位".into(),
            });
        }
        if input.code != before.code && unit_by_code_tx(&mut tx, &input.code).await?.is_some() {
            errs.push(code_taken(&input.code));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let sort_order: i64 = input.sort_order.parse().unwrap_or(before.sort_order);
        let updated: Unit = on_tx!(&mut tx, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE units SET code = $1, name = $2, kind = $3, parent_id = $4, sort_order = $5, \
             office_name = $6, office_address = $7, office_postcode = $8, office_hours = $9, \
             office_phone = $10, office_fax = $11, office_internet = $12, updated_at = $13, \
             short_name = $15 WHERE id = $14 RETURNING {UNIT_COLUMNS}")))
            .bind(&input.code).bind(&input.name).bind(&input.kind).bind(parent_id).bind(sort_order)
            .bind(&input.office_name).bind(&input.office_address).bind(&input.office_postcode)
            .bind(&input.office_hours).bind(&input.office_phone).bind(&input.office_fax)
            .bind(&input.office_internet).bind(now()).bind(before.id).bind(&input.short_name)
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "unit.update",
            &format!("unit:{}", before.code),
            &audit_view(&before),
            &audit_view(&updated),
        )
        .await?;
        record_guide_version(&mut tx, actor, &updated).await?;
        tx.commit().await?;
        self.forget_units();
        Ok(updated)
    }
}

/// Keep the unit's guide (指南) as it now reads: Art. 12 asks that it stay current, and the
/// versions show what it said when.
async fn record_guide_version(tx: &mut Tx, actor: &str, u: &Unit) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO guide_versions (unit_id, content, actor, created_at) VALUES ($1, $2, $3, $4)")
        .bind(u.id).bind(audit_view(u).to_string()).bind(actor).bind(now())
        .execute(c).await?.rows_affected());
    Ok(())
}

/// A version of a unit's guide: when and by whom, and its fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuideVersion {
    pub id: i64,
    pub content: String,
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

impl GuideVersion {
    /// The guide's fields as a person reads them.
    pub fn summary(&self) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.content).unwrap_or_default();
        let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
        [
            ("名称", "name"),
            ("公开工作机构", "office_name"),
            ("办公地址", "office_address"),
            ("办公时间", "office_hours"),
            ("电话", "office_phone"),
            ("传真", "office_fax"),
            ("互联网", "office_internet"),
        ]
        .iter()
        .filter(|(_, k)| !field(k).is_empty())
        .map(|(label, k)| format!("{label}：{}", field(k)))
        .collect::<Vec<_>>()
        .join("；")
    }
}

impl Store {
    /// The versions of a unit's guide, newest first.
    pub async fn guide_versions(&self, unit_id: i64) -> Result<Vec<GuideVersion>> {
        Ok(on_pool!(self, p => sqlx::query_as(
            "SELECT id, content, actor, created_at FROM guide_versions WHERE unit_id = $1 ORDER BY id DESC")
            .bind(unit_id).fetch_all(p).await?))
    }
}

/// The fields of a unit the ledger records (timestamps are the ledger's own).
fn audit_view(u: &Unit) -> serde_json::Value {
    json!({
        "code": u.code, "name": u.name, "short_name": u.short_name, "kind": u.kind, "parent_id": u.parent_id,
        "sort_order": u.sort_order, "office_name": u.office_name,
        "office_address": u.office_address, "office_postcode": u.office_postcode,
        "office_hours": u.office_hours, "office_phone": u.office_phone,
        "office_fax": u.office_fax, "office_internet": u.office_internet,
    })
}

fn code_taken(code: &str) -> FieldError {
    FieldError {
        field: "code",
        message: format!("单位代码“{code}”已被使用"),
    }
}

async fn unit_by_code_tx(tx: &mut Tx, code: &str) -> Result<Option<Unit>> {
    let row = on_tx!(tx, c => sqlx::query_as::<_, Unit>(sqlx::AssertSqlSafe(format!(
        "SELECT {UNIT_COLUMNS} FROM units WHERE code = $1"))).bind(code).fetch_optional(c).await?);
    Ok(row)
}

async fn unit_parent_tx(tx: &mut Tx, id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = on_tx!(tx, c =>
        sqlx::query_as("SELECT parent_id FROM units WHERE id = $1").bind(id).fetch_optional(c).await?);
    Ok(row.and_then(|(p,)| p))
}

async fn resolve_parent(
    tx: &mut Tx,
    input: &UnitInput,
    errs: &mut Vec<FieldError>,
) -> Result<Option<i64>> {
    if input.parent_code.is_empty() {
        return Ok(None);
    }
    match unit_by_code_tx(tx, &input.parent_code).await? {
        Some(p) => Ok(Some(p.id)),
        None => {
            errs.push(FieldError {
                field: "parent_code",
                message: format!("没有代码为“{}”的上级单位", input.parent_code),
            });
            Ok(None)
        }
    }
}

pub(crate) async fn create_unit_tx(tx: &mut Tx, actor: &str, input: &UnitInput) -> Result<Unit> {
    let input = input.trimmed();
    let mut errs = input.check();
    let parent_id = resolve_parent(tx, &input, &mut errs).await?;
    let (count,): (i64,) =
        on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM units").fetch_one(c).await?);
    if count == 0 && input.kind != UnitKind::Government.as_str() {
        errs.push(FieldError {
            field: "kind",
            message: "第一个单位应为人民政府（单位树的根）".into(),
        });
    }
    if count > 0 && input.parent_code.is_empty() {
        errs.push(FieldError {
            field: "parent_code",
            message: "请填写上级单位代码（只有第一个单位，即人民政府，没有上级）".into(),
        });
    }
    if unit_by_code_tx(tx, &input.code).await?.is_some() {
        errs.push(code_taken(&input.code));
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let at = now();
    let unit: Unit = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO units (code, name, kind, parent_id, sort_order, office_name, office_address, \
         office_postcode, office_hours, office_phone, office_fax, office_internet, created_at, updated_at, \
         short_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) \
         RETURNING {UNIT_COLUMNS}")))
        .bind(&input.code).bind(&input.name).bind(&input.kind).bind(parent_id)
        .bind(input.sort_order.parse::<i64>().unwrap_or(0))
        .bind(&input.office_name).bind(&input.office_address).bind(&input.office_postcode)
        .bind(&input.office_hours).bind(&input.office_phone).bind(&input.office_fax)
        .bind(&input.office_internet).bind(at).bind(&input.short_name)
        .fetch_one(c).await?);
    audit::append(
        tx,
        actor,
        "unit.create",
        &format!("unit:{}", unit.code),
        &serde_json::Value::Null,
        &audit_view(&unit),
    )
    .await?;
    record_guide_version(tx, actor, &unit).await?;
    Ok(unit)
}
