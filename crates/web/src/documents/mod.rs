//! Documents the site hands out as files: the OOXML (DOCX) writer shared by letters and the
//! annual report, and a letter to an applicant as a download.

pub mod docx;
pub mod letter;
