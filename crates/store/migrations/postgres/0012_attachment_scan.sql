-- The personal-data and secret scan of an attachment, taken once when the file arrives and
-- kept with it: the review reads it instead of scanning the file again at every page view.
-- JSON: {"state": "clean" | "findings" | "unreadable", "findings": […], "error": "…"}.
-- NULL for files stored before (scanned and kept the first time a review needs them).
ALTER TABLE attachments ADD COLUMN scan TEXT;
