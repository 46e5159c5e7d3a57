-- The institution can send a submitted vendor sheet back (差し戻し) with a reason: the sheet
-- is open again for the vendor, and the reason stays on it until the next submission.
ALTER TABLE vendor_sheets ADD COLUMN returned_reason TEXT NOT NULL DEFAULT '';
