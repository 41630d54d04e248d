-- The annual report reads, on the application itself, the date it was received (its first
-- 'received' event) and whether its timeline is plain (only received, answered, archived: its
-- due date then follows from the receipt alone). Both are kept with the events, in the same
-- transaction, so that a report over a million applications scans one narrow index instead of
-- joining every event.
ALTER TABLE applications ADD COLUMN received_on TEXT;
ALTER TABLE applications ADD COLUMN plain_timeline INTEGER NOT NULL DEFAULT 1;
UPDATE applications SET received_on = (
    SELECT MIN(e.on_date) FROM application_events e
    WHERE e.application_id = applications.id AND e.kind = 'received');
UPDATE applications SET plain_timeline = 0 WHERE EXISTS (
    SELECT 1 FROM application_events e
    WHERE e.application_id = applications.id AND e.kind NOT IN ('received', 'answered', 'archived'));
-- Table 三: applications grouped by applicant type, outcome and receipt date, in index order.
CREATE INDEX applications_report ON applications (applicant_type, outcome, received_on, concluded_on, unit_id);
-- On-time answers: the year's conclusions with their receipt dates.
CREATE INDEX applications_concluded ON applications (concluded_on, plain_timeline, received_on, unit_id);
