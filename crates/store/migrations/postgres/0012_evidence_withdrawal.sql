-- Evidence attached by mistake can be withdrawn (取り下げ) while the sheet is a draft: the row
-- stays, with who withdrew it, when and why, and is no longer shown, listed or served.
ALTER TABLE assessment_evidence ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE assessment_evidence ADD COLUMN withdrawn_label TEXT NOT NULL DEFAULT '';
ALTER TABLE assessment_evidence ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';
