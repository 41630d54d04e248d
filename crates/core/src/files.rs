//! Attached files: which kinds are accepted and how large they may be. The kind is decided by
//! the file's first bytes, not by the name a browser sends, so a renamed executable is refused.

/// A file kind gongkai accepts as an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
    Ofd,
    /// Video (MP4) and audio (MP3) of interpretations, played in the page.
    Mp4,
    Mp3,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Ofd => "application/ofd",
            FileKind::Mp4 => "video/mp4",
            FileKind::Mp3 => "audio/mpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Ofd => "ofd",
            FileKind::Mp4 => "mp4",
            FileKind::Mp3 => "mp3",
        }
    }
}

/// The limits for one set of attachments.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_files: usize,
    pub max_file_bytes: usize,
    pub max_total_bytes: usize,
}

/// Our rule for an online application: up to 5 files, 10 MB each, 20 MB together — enough for
/// an identity document scan and a letter of authorisation, small enough for any portal.
pub const APPLICATION_LIMITS: Limits = Limits {
    max_files: 5,
    max_file_bytes: 10 * 1024 * 1024,
    max_total_bytes: 20 * 1024 * 1024,
};

/// Our rule for a publication: up to 10 files, 20 MB each, 50 MB together (a large scan is
/// better split; video goes to the media service and is linked).
pub const PUBLICATION_LIMITS: Limits = Limits {
    max_files: 10,
    max_file_bytes: 20 * 1024 * 1024,
    max_total_bytes: 50 * 1024 * 1024,
};

pub const ACCEPTED: &str = "PDF、DOCX、XLSX、OFD、JPG、PNG（政策解读另可上传 MP4、MP3）";

fn megabytes(n: usize) -> usize {
    n / (1024 * 1024)
}

/// The kind of a file from its name and first bytes, or a message a person can act on.
pub fn sniff(name: &str, bytes: &[u8]) -> Result<FileKind, String> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if bytes.is_empty() {
        return Err(format!("文件“{}”是空文件", display_name(name)));
    }
    let kind = if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.len() > 8 && &bytes[4..8] == b"ftyp" && ext == "mp4" {
        Some(FileKind::Mp4)
    } else if (bytes.starts_with(b"ID3") || bytes.starts_with(&[0xFF, 0xFB])) && ext == "mp3" {
        Some(FileKind::Mp3)
    } else if bytes.starts_with(b"PK\x03\x04") {
        // A ZIP container: the Office formats and OFD are told apart by the part each must
        // have (its name is stored in clear in the archive), not by the file's name alone.
        let has = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        let (kind, part, what) = match ext {
            "docx" => (FileKind::Docx, &b"word/document.xml"[..], "Word 文档"),
            "xlsx" => (FileKind::Xlsx, &b"xl/workbook.xml"[..], "Excel 工作簿"),
            "ofd" => (FileKind::Ofd, &b"OFD.xml"[..], "OFD 文件"),
            _ => return Err(unsupported(name)),
        };
        if !has(part) {
            return Err(format!(
                "文件“{}”不是有效的{what}（压缩包中缺少 {}），请用原软件重新保存后上传",
                display_name(name),
                String::from_utf8_lossy(part)
            ));
        }
        Some(kind)
    } else {
        None
    };
    let kind = kind.ok_or_else(|| unsupported(name))?;
    // The content must be what the name says: a picture named .docx would open as nothing.
    let claimed = match ext {
        "pdf" => Some(FileKind::Pdf),
        "png" => Some(FileKind::Png),
        "jpg" | "jpeg" => Some(FileKind::Jpeg),
        "docx" => Some(FileKind::Docx),
        "xlsx" => Some(FileKind::Xlsx),
        "ofd" => Some(FileKind::Ofd),
        "mp4" => Some(FileKind::Mp4),
        "mp3" => Some(FileKind::Mp3),
        _ => None,
    };
    match claimed {
        Some(c) if c != kind => Err(format!(
            "文件“{}”的内容是 {}，与扩展名 .{ext} 不符，请检查后重新上传",
            display_name(name),
            kind.extension().to_uppercase()
        )),
        _ => Ok(kind),
    }
}

fn unsupported(name: &str) -> String {
    format!(
        "文件“{}”的格式不受支持，请上传 {ACCEPTED} 格式的文件",
        display_name(name)
    )
}

/// Check a whole set of files against `limits`: the kind of each, or the first problem found.
pub fn check_all(files: &[(String, &[u8])], limits: Limits) -> Result<Vec<FileKind>, String> {
    if files.len() > limits.max_files {
        return Err(format!("附件最多 {} 个", limits.max_files));
    }
    let mut total = 0;
    let mut kinds = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        if bytes.len() > limits.max_file_bytes {
            return Err(format!(
                "文件“{}”超过 {} MB，请压缩或拆分后再上传",
                display_name(name),
                megabytes(limits.max_file_bytes)
            ));
        }
        total += bytes.len();
        kinds.push(sniff(name, bytes)?);
    }
    if total > limits.max_total_bytes {
        return Err(format!(
            "附件合计不能超过 {} MB",
            megabytes(limits.max_total_bytes)
        ));
    }
    Ok(kinds)
}

/// A file name fit to store and show: the last path part, no control characters, at most 100
/// characters.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    if clean.trim().is_empty() {
        "附件".into()
    } else {
        clean.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7 ..."), Ok(FileKind::Pdf));
        assert_eq!(
            sniff("scan.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            sniff("x.docx", b"PK\x03\x04..word/document.xml.."),
            Ok(FileKind::Docx)
        );
        // Any ZIP is not a Word document; a picture is not one by being named so.
        let err = sniff("x.docx", b"PK\x03\x04..a.txt..").unwrap_err();
        assert!(err.contains("不是有效的Word 文档"), "{err}");
        let err = sniff("x.docx", b"\x89PNG\r\n\x1a\n....").unwrap_err();
        assert!(err.contains("内容是 PNG") && err.contains(".docx"), "{err}");
        assert!(sniff("a.pdf", &[0xFF, 0xD8, 0xFF, 0xE0]).is_err());
        // A renamed program is refused whatever its name says.
        let err = sniff("证明.pdf", b"MZ\x90\x00").unwrap_err();
        assert!(
            err.contains("证明.pdf") && err.contains("格式不受支持"),
            "{err}"
        );
        assert!(sniff("a.zip", b"PK\x03\x04").is_err());
        assert!(sniff("empty.pdf", b"").unwrap_err().contains("空文件"));
        assert_eq!(
            sniff("解读.mp4", b"\0\0\0\x18ftypmp42rest"),
            Ok(FileKind::Mp4)
        );
        assert_eq!(sniff("解读.mp3", b"ID3\x04rest"), Ok(FileKind::Mp3));
        assert!(sniff("x.mp4", b"ID3\x04rest").is_err());
    }

    #[test]
    fn limits_name_the_file_and_the_size() {
        let big = vec![b'%'; APPLICATION_LIMITS.max_file_bytes + 1];
        let err = check_all(&[("大文件.pdf".into(), &big)], APPLICATION_LIMITS).unwrap_err();
        assert!(err.contains("大文件.pdf") && err.contains("10 MB"), "{err}");
        let pdf: &[u8] = b"%PDF-1.4";
        let six: Vec<(String, &[u8])> = (0..6).map(|i| (format!("{i}.pdf"), pdf)).collect();
        assert!(
            check_all(&six, APPLICATION_LIMITS)
                .unwrap_err()
                .contains("最多 5 个")
        );
        assert_eq!(check_all(&six[..2], APPLICATION_LIMITS).unwrap().len(), 2);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(display_name("C:\\Users\\张三\\身份证.jpg"), "身份证.jpg");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\u{0}b\"c.pdf"), "abc.pdf");
        assert_eq!(display_name("  "), "附件");
    }
}
