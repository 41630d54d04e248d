//! A unit's catalog (目录) as a tree of columns: templates, adding, renaming, moving and
//! retiring columns, and the tree order pages show.

use super::*;

/// A column of a unit's catalog tree.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Column {
    pub id: i64,
    pub unit_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub catalog: String,
    pub update_rule: String,
    pub sort_order: i64,
    pub retired_on: Option<NaiveDate>,
}

impl Column {
    pub fn catalog_label(&self) -> &'static str {
        Catalog::parse(&self.catalog).map_or("", |c| c.label())
    }
    pub fn rule_label(&self) -> &'static str {
        UpdateRule::parse(&self.update_rule).map_or("", |r| r.label())
    }
}

/// A column in tree order with its depth and its path of names.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnNode {
    pub column: Column,
    pub depth: usize,
    pub path: String,
}

pub(super) const COLUMN_COLUMNS: &str =
    "id, unit_id, parent_id, name, catalog, update_rule, sort_order, retired_on";

async fn columns_tx(tx: &mut Tx, unit_id: i64) -> Result<Vec<Column>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMN_COLUMNS} FROM columns WHERE unit_id = $1 ORDER BY sort_order, id")))
        .bind(unit_id).fetch_all(c).await?),
    )
}

async fn insert_column(
    tx: &mut Tx,
    unit_id: i64,
    parent_id: Option<i64>,
    name: &str,
    catalog: Catalog,
    rule: UpdateRule,
    sort_order: i64,
) -> Result<Column> {
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO columns (unit_id, parent_id, name, catalog, update_rule, sort_order, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMN_COLUMNS}")))
        .bind(unit_id).bind(parent_id).bind(name).bind(catalog.as_str()).bind(rule.as_str())
        .bind(sort_order).bind(now()).fetch_one(c).await?),
    )
}

/// Set up `templates` under `parent` (recursively), skipping columns already there by name.
async fn apply_templates(
    tx: &mut Tx,
    unit_id: i64,
    parent: Option<i64>,
    templates: &[ColumnTemplate],
    existing: &mut Vec<Column>,
    made: &mut Vec<Column>,
) -> Result<()> {
    for (i, t) in templates.iter().enumerate() {
        let found = existing
            .iter()
            .find(|c| c.parent_id == parent && c.name == t.name && c.retired_on.is_none())
            .cloned();
        let column = match found {
            Some(c) => c,
            None => {
                let c =
                    insert_column(tx, unit_id, parent, t.name, t.catalog, t.rule, i as i64).await?;
                existing.push(c.clone());
                made.push(c.clone());
                c
            }
        };
        Box::pin(apply_templates(
            tx,
            unit_id,
            Some(column.id),
            t.children,
            existing,
            made,
        ))
        .await?;
    }
    Ok(())
}

/// Columns in tree order, with depth and path.
pub fn tree(columns: Vec<Column>) -> Vec<ColumnNode> {
    let mut children: HashMap<Option<i64>, Vec<Column>> = HashMap::new();
    for c in columns {
        children.entry(c.parent_id).or_default().push(c);
    }
    for v in children.values_mut() {
        v.sort_by_key(|c| (c.sort_order, c.id));
    }
    let mut out = Vec::new();
    fn walk(
        parent: Option<i64>,
        depth: usize,
        prefix: &str,
        children: &HashMap<Option<i64>, Vec<Column>>,
        out: &mut Vec<ColumnNode>,
    ) {
        for c in children.get(&parent).into_iter().flatten() {
            let path = if prefix.is_empty() {
                c.name.clone()
            } else {
                format!("{prefix}/{}", c.name)
            };
            out.push(ColumnNode {
                column: c.clone(),
                depth,
                path: path.clone(),
            });
            walk(Some(c.id), depth + 1, &path, children, out);
        }
    }
    walk(None, 0, "", &children, &mut out);
    out
}

impl Store {
    /// A unit's columns in tree order (retired ones too when `with_retired`).
    pub async fn column_tree(&self, unit_id: i64, with_retired: bool) -> Result<Vec<ColumnNode>> {
        let all: Vec<Column> = on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE unit_id = $1")))
            .bind(unit_id).fetch_all(p).await?);
        let mut nodes = tree(all);
        if !with_retired {
            // A retired column hides its sub-columns too.
            let mut hidden: Vec<String> = Vec::new();
            nodes.retain(|n| {
                if n.column.retired_on.is_some() {
                    hidden.push(format!("{}/", n.path));
                    return false;
                }
                !hidden.iter().any(|h| n.path.starts_with(h.as_str()))
            });
        }
        Ok(nodes)
    }

    pub async fn column(&self, id: i64) -> Result<Option<Column>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    /// Set up columns from a template (see [`gongkai_core::publishing::TEMPLATES`]) under
    /// `parent`; columns already there by name are kept. Returns the columns made.
    pub async fn apply_column_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        parent_id: Option<i64>,
        key: &str,
    ) -> Result<Vec<Column>> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let templates =
            template(key).ok_or_else(|| StoreError::invalid("template", "请选择一个栏目模板"))?;
        let mut tx = self.begin_write().await?;
        let mut existing = columns_tx(&mut tx, unit_id).await?;
        if let Some(pid) = parent_id
            && !existing.iter().any(|c| c.id == pid)
        {
            return Err(StoreError::invalid("parent_id", "上级栏目不属于本单位"));
        }
        let mut made = Vec::new();
        apply_templates(
            &mut tx,
            unit_id,
            parent_id,
            templates,
            &mut existing,
            &mut made,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            "column.template",
            &format!("unit:{unit_id}"),
            &serde_json::Value::Null,
            &json!({"template": key, "parent_id": parent_id,
                    "made": made.iter().map(|c| &c.name).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// Add one column.
    pub async fn add_column(
        &self,
        actor: &Actor,
        unit_id: i64,
        parent_id: Option<i64>,
        name: &str,
        catalog: &str,
        rule: &str,
    ) -> Result<Column> {
        actor.may(Action::Administer, None)?;
        self.add_column_as(actor.name(), unit_id, parent_id, name, catalog, rule)
            .await
    }

    /// Add a column on behalf of a command that has checked who acts (an announcement column
    /// made for a consultation).
    pub(crate) async fn add_column_as(
        &self,
        actor: &str,
        unit_id: i64,
        parent_id: Option<i64>,
        name: &str,
        catalog: &str,
        rule: &str,
    ) -> Result<Column> {
        let mut errs = Vec::new();
        let name = name.trim();
        check_text("栏目名称", name, true, 60).unwrap_or_else(|m| {
            errs.push(FieldError {
                field: "name",
                message: m,
            })
        });
        let catalog = Catalog::parse(catalog);
        if catalog.is_none() {
            errs.push(FieldError {
                field: "catalog",
                message: "请选择栏目所属的目录".into(),
            });
        }
        let rule = UpdateRule::parse(rule).unwrap_or(UpdateRule::AsNeeded);
        let mut tx = self.begin_write().await?;
        let existing = columns_tx(&mut tx, unit_id).await?;
        if let Some(pid) = parent_id
            && !existing
                .iter()
                .any(|c| c.id == pid && c.retired_on.is_none())
        {
            errs.push(FieldError {
                field: "parent_id",
                message: "上级栏目不属于本单位或已停用".into(),
            });
        }
        if existing
            .iter()
            .any(|c| c.parent_id == parent_id && c.name == name && c.retired_on.is_none())
        {
            errs.push(FieldError {
                field: "name",
                message: format!("同一上级栏目下已有“{name}”"),
            });
        }
        let (Some(catalog), true) = (catalog, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let order = existing.iter().filter(|c| c.parent_id == parent_id).count() as i64;
        let col = insert_column(&mut tx, unit_id, parent_id, name, catalog, rule, order).await?;
        audit::append(
            &mut tx,
            actor,
            "column.create",
            &format!("column:{}", col.id),
            &serde_json::Value::Null,
            &json!({"name": col.name, "parent_id": parent_id, "catalog": col.catalog}),
        )
        .await?;
        tx.commit().await?;
        Ok(col)
    }

    /// Rename, move (to another parent in the same unit, never under itself) or retire a column.
    /// A retired column keeps its publications and history; it takes no new items.
    pub async fn change_column(
        &self,
        actor: &Actor,
        id: i64,
        name: Option<&str>,
        parent: Option<Option<i64>>,
        retire_on: Option<NaiveDate>,
    ) -> Result<Column> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let before: Column =
            on_tx!(&mut tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1")))
            .bind(id).fetch_optional(c).await?)
            .ok_or_else(|| StoreError::NotFound("没有这个栏目".into()))?;
        let all = columns_tx(&mut tx, before.unit_id).await?;
        let mut after = before.clone();
        if let Some(n) = name {
            let n = n.trim();
            check_text("栏目名称", n, true, 60).map_err(|m| StoreError::invalid("name", m))?;
            after.name = n.to_string();
        }
        if let Some(new_parent) = parent {
            if let Some(pid) = new_parent {
                if !all.iter().any(|c| c.id == pid) {
                    return Err(StoreError::invalid("parent_id", "上级栏目不属于本单位"));
                }
                let mut cursor = Some(pid);
                while let Some(cid) = cursor {
                    if cid == id {
                        return Err(StoreError::invalid(
                            "parent_id",
                            "不能把栏目移到它自己或它的下级栏目之下",
                        ));
                    }
                    cursor = all.iter().find(|c| c.id == cid).and_then(|c| c.parent_id);
                }
            }
            after.parent_id = new_parent;
        }
        if let Some(on) = retire_on {
            after.retired_on = Some(on);
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE columns SET name = $1, parent_id = $2, retired_on = $3 WHERE id = $4")
            .bind(&after.name).bind(after.parent_id).bind(after.retired_on).bind(id)
            .execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            if retire_on.is_some() {
                "column.retire"
            } else {
                "column.update"
            },
            &format!("column:{id}"),
            &json!({"name": before.name, "parent_id": before.parent_id, "retired_on": before.retired_on}),
            &json!({"name": after.name, "parent_id": after.parent_id, "retired_on": after.retired_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
