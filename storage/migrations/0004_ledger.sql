-- The night's ledger: corrections never delete. A voided pledge or payment keeps its row, marked with
-- who voided it, when and why, and leaves every total.
ALTER TABLE pledges ADD COLUMN voided_at TEXT;
ALTER TABLE pledges ADD COLUMN voided_by INTEGER;
ALTER TABLE pledges ADD COLUMN void_reason TEXT;
ALTER TABLE payments ADD COLUMN voided_at TEXT;
ALTER TABLE payments ADD COLUMN voided_by INTEGER;
ALTER TABLE payments ADD COLUMN void_reason TEXT;
