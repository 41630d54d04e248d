//! `gongkai unit`, `gongkai user`, `gongkai calendar`: setting up a district from the command
//! line.

use super::*;

pub(super) async fn unit(command: UnitCommand) -> Outcome {
    match command {
        UnitCommand::Add {
            db,
            code,
            name,
            kind,
            parent,
            short_name,
            office_name,
            office_address,
            office_postcode,
            office_hours,
            office_phone,
            office_fax,
            office_internet,
        } => {
            let store = open(&db).await?;
            let input = UnitInput {
                code,
                name,
                short_name,
                kind,
                parent_code: parent,
                sort_order: String::new(),
                office_name,
                office_address,
                office_postcode,
                office_hours,
                office_phone,
                office_fax,
                office_internet,
            };
            let u = store.create_unit(&cli_actor(), &input).await?;
            say!("已添加单位 {} {}", u.code, u.name);
            Ok(())
        }
        UnitCommand::List { db } => {
            let store = open(&db).await?;
            let units = store.units().await?;
            for u in &units {
                let parent = u
                    .parent_id
                    .and_then(|id| units.iter().find(|p| p.id == id))
                    .map(|p| p.code.as_str())
                    .unwrap_or("-");
                say!("{}\t{}\t{}\t{}", u.code, u.kind, parent, u.name);
            }
            Ok(())
        }
        UnitCommand::Columns { db, code, template } => {
            let store = open(&db).await?;
            let unit = store
                .unit_by_code(&code)
                .await?
                .ok_or_else(|| Failure(2, format!("没有代码为“{code}”的单位")))?;
            if let Some(t) = template {
                let made = store
                    .apply_column_template(&cli_actor(), unit.id, None, &t)
                    .await?;
                say!("已建立 {} 个栏目", made.len());
            } else {
                for n in store.column_tree(unit.id, true).await? {
                    say!(
                        "{}\t{}\t{}\t{}",
                        n.column.id,
                        n.depth,
                        n.path,
                        n.column.catalog_label()
                    );
                }
            }
            Ok(())
        }
    }
}

pub(super) async fn user(command: UserCommand) -> Outcome {
    match command {
        UserCommand::Add {
            db,
            unit,
            role,
            username,
            display_name,
        } => {
            if std::io::stdin().is_terminal() {
                eprintln!("请输入密码（至少 10 个字符），回车结束：");
            }
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| Failure(2, format!("无法读取密码：{e}")))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let store = open(&db).await?;
            let input = StaffInput {
                username,
                display_name,
                unit_code: unit,
                role,
                password,
            };
            let s = store.create_staff(&cli_actor(), &input).await?;
            say!(
                "已添加账户 {}（{} · {}）",
                s.username,
                s.unit_name,
                s.role().label()
            );
            Ok(())
        }
        UserCommand::List { db } => {
            let store = open(&db).await?;
            for s in store.staff_list(None).await? {
                say!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.username,
                    s.role.as_str(),
                    s.unit_code,
                    s.display_name,
                    if s.active { "active" } else { "disabled" }
                );
            }
            Ok(())
        }
    }
}

pub(super) async fn calendar(command: CalendarCommand) -> Outcome {
    match command {
        CalendarCommand::Import { db, file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure(2, format!("无法读取 {}：{e}", file.display())))?;
            let entries =
                parse_csv(&text).map_err(|e| Failure(2, format!("{}：{e}", file.display())))?;
            let store = open(&db).await?;
            let years = store.import_calendar(&cli_actor(), entries).await?;
            let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            say!("已导入，替换了以下年度：{}", years.join("、"));
            Ok(())
        }
        CalendarCommand::Show { db } => {
            let store = open(&db).await?;
            let cal = store.calendar().await?;
            for y in cal.covered_years() {
                let n = cal.entries().iter().filter(|(_, c)| c == y).count();
                say!("{y}\t{n} 天");
            }
            Ok(())
        }
    }
}
