//! The catalog's columns in the console: the tree of a unit, templates, adding, renaming,
//! moving and retiring columns (the office's work).

use super::*;

#[derive(Template)]
#[template(path = "console/columns.html")]
struct ColumnsPage {
    me: Me,
    unit: Unit,
    units: Options,
    nodes: Vec<ColumnNode>,
    counts: std::collections::HashMap<i64, i64>,
    templates: Options,
    catalogs: Options,
    rules: Options,
    is_office: bool,
    error: String,
    notice: String,
}

impl ColumnsPage {
    fn count(&self, id: &i64) -> i64 {
        self.counts.get(id).copied().unwrap_or(0)
    }
    fn indent(&self, depth: &usize) -> String {
        "　".repeat(*depth)
    }
}

async fn columns_view(
    state: &AppState,
    me: &CurrentStaff,
    unit: Unit,
    error: String,
    notice: String,
) -> Result<Response, AppError> {
    let nodes = state.store.column_tree(unit.id, true).await?;
    let counts = state.store.column_counts(unit.id).await?;
    let page = ColumnsPage {
        me: Me::of(&me.0),
        units: unit_options(state, me).await?,
        nodes,
        counts,
        templates: options(&TEMPLATES),
        catalogs: Catalog::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        rules: [UpdateRule::News, UpdateRule::HalfYear, UpdateRule::AsNeeded]
            .iter()
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        is_office: me.staff().role() == Role::OfficeAdmin,
        error,
        notice,
        unit,
    };
    let accepted = page.error.is_empty();
    Ok(crate::view::form_page(render(&page), accepted))
}

pub(super) async fn columns_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let unit = unit_for(&state, &me, &q.unit).await?;
    let notice = if q.done.is_empty() {
        String::new()
    } else {
        "已保存。".into()
    };
    columns_view(&state, &me, unit, String::new(), notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ColumnForm {
    csrf: String,
    unit: String,
    action: String,
    template: String,
    parent_id: String,
    column_id: String,
    name: String,
    catalog: String,
    update_rule: String,
}

pub(super) fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

pub(super) async fn columns_action(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<ColumnForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let unit = unit_for(&state, &me, &f.unit).await?;
    let who = me.actor();
    let parent = parse_id(&f.parent_id);
    let column =
        || parse_id(&f.column_id).ok_or_else(|| StoreError::invalid("column_id", "请选择栏目"));
    let result = match f.action.as_str() {
        "template" => state
            .store
            .apply_column_template(&who, unit.id, parent, &f.template)
            .await
            .map(|_| ()),
        "add" => state
            .store
            .add_column(&who, unit.id, parent, &f.name, &f.catalog, &f.update_rule)
            .await
            .map(|_| ()),
        "rename" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, Some(&f.name), None, None)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "move" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, None, Some(parent), None)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "retire" => match column() {
            Ok(id) => state
                .store
                .change_column(&who, id, None, None, Some(today()))
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        _ => Err(StoreError::invalid("action", "未知的操作")),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/console/columns?unit={}&done=1", unit.code)).into_response(),
        ),
        Err(e) if e.is_client_error() => {
            columns_view(&state, &me, unit, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}
