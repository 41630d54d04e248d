//! `gongkai scan`: files checked for personal data and markings as the console checks them.

use super::*;

pub(super) fn scan(files: &[PathBuf]) -> Outcome {
    // A malformed file must read as "unreadable", not print a panic: the PDF reader can panic.
    std::panic::set_hook(Box::new(|_| {}));
    let today = gongkai_core::clock::today();
    let (mut found, mut unreadable) = (0usize, 0usize);
    for file in files {
        let name = file.display().to_string();
        let result = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                gongkai_scan::scan_file(&name, &bytes, today).map_err(|e| e.to_string())
            });
        match result {
            Ok(scanned) => {
                for f in &scanned.findings {
                    say!("{name}\t{}\t{}\t{}", f.place, f.kind.label(), f.masked);
                }
                if scanned.more > 0 {
                    say!("{name}\t另有 {} 处未列出", scanned.more);
                }
                found += scanned.total() as usize;
            }
            Err(e) => {
                eprintln!("{name}：无法检查：{e}");
                unreadable += 1;
            }
        }
    }
    let _ = std::panic::take_hook();
    if unreadable > 0 {
        Err(Failure(
            2,
            format!("{unreadable} 个文件无法检查（无法读取或超出检查限制），须人工核对"),
        ))
    } else if found > 0 {
        Err(Failure(
            1,
            format!("发现 {found} 处个人信息或密级标志，发布前须处理或经审核确认"),
        ))
    } else {
        Ok(())
    }
}
