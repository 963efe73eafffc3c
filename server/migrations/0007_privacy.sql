-- Personal data kept no longer than needed (issue 15, docs/privacy.md): when an application
-- ends, the core's `status::retention::personal_data_erased_at` says when its personal data is
-- erased; the retention job erases it then (`personal` emptied, the IIN lookup keys replaced).
-- NULL while the application has not ended.
ALTER TABLE applications ADD COLUMN erase_at BIGINT;
CREATE INDEX applications_by_erase ON applications (erase_at);
