//! `gongkai workdays` and `gongkai report`: the working-day calendar's arithmetic and a year's
//! report as JSON, CSV, DOCX or PDF.

use super::*;

pub(super) async fn calendar_for(db: &DbArgs) -> Result<Calendar, Failure> {
    if db.given() {
        Ok(open(db).await?.calendar().await?)
    } else {
        Ok(Calendar::builtin().clone())
    }
}

pub(super) fn date_arg(s: &str) -> Result<NaiveDate, Failure> {
    parse_date(s).map_err(|m| Failure(2, m))
}

pub(super) async fn workdays(command: WorkdaysCommand) -> Outcome {
    match command {
        WorkdaysCommand::Add { db, date, n } => {
            let date = date_arg(&date)?;
            let n: u32 = n
                .trim()
                .parse()
                .ok()
                .filter(|n| *n <= 100_000)
                .ok_or_else(|| Failure(2, format!("N 应为 0–100000 的整数，而不是“{n}”")))?;
            let cal = calendar_for(&db).await?;
            let d = cal
                .add_workdays(date, n)
                .map_err(|e| Failure(2, e.to_string()))?;
            say!("{d}");
            Ok(())
        }
        WorkdaysCommand::Count { db, from, to } => {
            let (from, to) = (date_arg(&from)?, date_arg(&to)?);
            let cal = calendar_for(&db).await?;
            let n = cal
                .count_workdays(from, to)
                .map_err(|e| Failure(2, e.to_string()))?;
            say!("{n}");
            Ok(())
        }
    }
}

pub(super) async fn report(
    db: DbArgs,
    year: &str,
    unit: Option<&str>,
    format: &str,
    table: &str,
    output: Option<PathBuf>,
) -> Outcome {
    use gongkai_web::report as report_view;
    let year: i32 = gongkai_core::report::parse_year(year)
        .ok_or_else(|| Failure(2, format!("年度“{year}”无效，应为四位数字，例如 2021")))?;
    if !matches!(format, "json" | "html" | "csv" | "docx" | "pdf") {
        return Err(Failure(
            2,
            format!("格式“{format}”无效：可用 json、html、csv、docx、pdf"),
        ));
    }
    if matches!(format, "docx" | "pdf") && output.is_none() {
        return Err(Failure(
            2,
            format!("{format} 是二进制文件，请用 -o 指定输出文件"),
        ));
    }
    let store = open(&db).await?;
    let built = report_view::build(&store, year, unit).await?;
    let data = &built.data;
    let bytes: Vec<u8> = match format {
        "json" => serde_json::to_string_pretty(&gongkai_report::to_json(data))
            .map_err(|e| Failure(2, e.to_string()))?
            .into_bytes(),
        "csv" => gongkai_report::to_csv(data, table)
            .map_err(|m| Failure(2, m))?
            .into_bytes(),
        "docx" => gongkai_report::docs::docx(data, &built.sections).map_err(|m| Failure(2, m))?,
        "pdf" => gongkai_report::docs::pdf(data, &built.sections)
            .map_err(|e| Failure(2, e.to_string()))?,
        _ => {
            let site = store.root_unit().await?.map(|u| u.name).unwrap_or_default();
            let json_url = match unit {
                Some(c) => format!("/api/v1/reports/{year}?unit={c}"),
                None => format!("/api/v1/reports/{year}"),
            };
            let page = report_view::page(data, site, &built.sections, json_url);
            report_view::html(&page)
                .map_err(|m| Failure(2, m))?
                .into_bytes()
        }
    };
    match output {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| Failure(2, format!("无法写入 {}：{e}", path.display())))?,
        None => say!("{}", String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}
