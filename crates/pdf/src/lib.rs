//! PDF output through typst, with the CJK font embedded as a subset (text stays selectable and
//! searchable). No CJK font ships with typst: system fonts are searched (fonts-noto-cjk,
//! fonts-wqy-microhei, the official 方正小标宋 and 仿宋_GB2312 where installed) and the directory
//! named by `GONGKAI_FONT_DIR`. Without one, the error names the fix.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "找不到中文字体，无法生成 PDF。请安装 fonts-noto-cjk（apt install fonts-noto-cjk），或将方正小标宋简体、仿宋_GB2312 等字体文件放入一个目录并设置 GONGKAI_FONT_DIR"
    )]
    NoCjkFont,
    #[error("排版失败：{0}")]
    Layout(String),
}

/// Title fonts, most official first.
const TITLE_FONTS: &[&str] = &[
    "FZXiaoBiaoSong-B05S",
    "方正小标宋简体",
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
];
/// Body fonts, most official first.
const BODY_FONTS: &[&str] = &[
    "FangSong_GB2312",
    "仿宋_GB2312",
    "FangSong",
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
];

/// Heading fonts (黑体), most official first.
const HEADING_FONTS: &[&str] = &["SimHei", "黑体", "Noto Sans CJK SC", "WenQuanYi Micro Hei"];

/// A cell of a table: its text, spans, and whether it is a header cell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
    pub header: bool,
}

/// A part of a document.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Subheading(String),
    Paragraph(String),
    /// A table of `columns` columns; the cells row by row as HTML lays them out (a cell
    /// covered by a span above or to the left is left out).
    Table {
        columns: usize,
        cells: Vec<Cell>,
    },
    Note(String),
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("GONGKAI_FONT_DIR") {
        dirs.push(PathBuf::from(d));
    }
    dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".fonts"));
        dirs.push(Path::new(&home).join(".local/share/fonts"));
    }
    dirs
}

/// Files that may hold a CJK face (by name, so the many Latin fonts are not read).
fn maybe_cjk(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase();
    let ext_ok = [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|e| name.ends_with(e));
    ext_ok
        && ["cjk", "wqy", "fang", "song", "hei", "kai", "gb2312", "fz"]
            .iter()
            .any(|k| name.contains(k))
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && depth < 6 {
            walk(&p, depth + 1, out);
        } else if maybe_cjk(&p) {
            out.push(p);
        }
    }
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut files = Vec::new();
        for d in font_dirs() {
            walk(&d, 0, &mut files);
        }
        files.sort();
        let mut fonts = Vec::new();
        for f in files {
            if let Ok(data) = std::fs::read(&f) {
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// Whether a CJK font is available (tests that need one say so plainly when not).
pub fn cjk_font_available() -> bool {
    let f = fonts();
    BODY_FONTS
        .iter()
        .any(|name| f.book.select_family(&name.to_lowercase()).next().is_some())
}

struct Doc {
    library: LazyHash<Library>,
    main: FileId,
    source: Source,
    fonts: &'static Fonts,
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The date in China, as gongkai_core::clock reckons it (this crate stands alone).
        let now = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
        use chrono::Datelike;
        Datetime::from_ymd(now.year(), now.month() as u8, now.day() as u8)
    }
}

/// A typst string literal holding `s`.
fn literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn font_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| literal(n)).collect();
    format!("({},)", quoted.join(", "))
}

/// Compile typst markup to PDF.
fn compile(markup: String) -> Result<Vec<u8>, PdfError> {
    if !cjk_font_available() {
        return Err(PdfError::NoCjkFont);
    }
    let path = VirtualPath::new("/main.typ").map_err(|e| PdfError::Layout(format!("{e:?}")))?;
    let main = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    let doc = Doc {
        library: LazyHash::new(Library::default()),
        main,
        source: Source::new(main, markup),
        fonts: fonts(),
    };
    let document = typst::compile::<PagedDocument>(&doc)
        .output
        .map_err(|errs| {
            PdfError::Layout(
                errs.iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errs| {
        PdfError::Layout(
            errs.iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// A letter (告知书, 答复书) as an A4 PDF in the official layout: the title centred in
/// 方正小标宋简体 二号, the body in 仿宋_GB2312 三号 (or the closest installed fonts).
pub fn letter(title: &str, body: &str) -> Result<Vec<u8>, PdfError> {
    let markup = format!(
        r#"#set document(title: {title})
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: "— 1 —")
#set text(font: {body_fonts}, size: 16pt, lang: "zh", region: "cn")
#set par(leading: 0.9em, justify: true)
#align(center, text(font: {title_fonts}, size: 22pt, {title}))
#v(1em)
#for line in {body}.split("\n") {{
  if line.trim() != "" {{ par(line) }}
}}
"#,
        title = literal(title),
        body = literal(body),
        body_fonts = font_list(BODY_FONTS),
        title_fonts = font_list(TITLE_FONTS),
    );
    compile(markup)
}

/// A report-like document: the title, then headings, paragraphs and tables, A4 in the official
/// fonts (title 方正小标宋, headings 黑体, body 仿宋).
pub fn document(title: &str, blocks: &[Block]) -> Result<Vec<u8>, PdfError> {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) => body.push_str(&format!(
                "#v(0.6em)\n#text(font: {}, size: 16pt, {})\n\n",
                font_list(HEADING_FONTS),
                literal(h)
            )),
            Block::Subheading(h) => body.push_str(&format!(
                "#text(font: {}, size: 16pt, {})\n\n",
                font_list(BODY_FONTS),
                literal(h)
            )),
            Block::Paragraph(p) => body.push_str(&format!("#par({})\n\n", literal(p))),
            Block::Note(n) => body.push_str(&format!("#text(size: 10pt, {})\n\n", literal(n))),
            Block::Table { columns, cells } => {
                let cells: Vec<String> = cells
                    .iter()
                    .map(|c| {
                        format!(
                            "table.cell(colspan: {}, rowspan: {}, text(size: 9pt, weight: {}, {}))",
                            c.colspan.max(1),
                            c.rowspan.max(1),
                            if c.header { "\"bold\"" } else { "\"regular\"" },
                            literal(&c.text)
                        )
                    })
                    .collect();
                body.push_str(&format!(
                    "#table(columns: {columns}, align: center + horizon, stroke: 0.5pt, inset: 3pt, {})\n\n",
                    cells.join(", ")
                ));
            }
        }
    }
    let markup = format!(
        r#"#set document(title: {title})
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: "— 1 —")
#set text(font: {body_fonts}, size: 16pt, lang: "zh", region: "cn")
#set par(leading: 0.9em, justify: true, first-line-indent: (amount: 2em, all: true))
#align(center, text(font: {title_fonts}, size: 22pt, {title}))
#v(1em)
{body}"#,
        title = literal(title),
        body_fonts = font_list(BODY_FONTS),
        title_fonts = font_list(TITLE_FONTS),
    );
    compile(markup)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_letter_with_its_text_selectable() {
        if !super::cjk_font_available() {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: PDF letter test — no CJK font (apt install fonts-noto-cjk)"
            );
            return;
        }
        let pdf = super::letter(
            "政府信息公开申请答复书",
            "张三：\n\n经审查，\"予以公开\"。\\ #不是代码\n\n广州市番禺区住房和城乡建设局",
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains("政府信息公开申请答复书"), "{compact}");
        assert!(
            compact.contains("经审查，\"予以公开\"。\\#不是代码"),
            "{compact}"
        );
        assert!(
            pdf.len() < 400_000,
            "the font is embedded as a subset: {} bytes",
            pdf.len()
        );
    }
}
