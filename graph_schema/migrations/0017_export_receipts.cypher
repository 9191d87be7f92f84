// Export proceeds received from abroad (fx.export_receipt@1), read by enterprise and date for
// the collection ratio and the receipt/export risk signals.
CREATE CONSTRAINT export_receipt_id IF NOT EXISTS FOR (n:ExportReceipt) REQUIRE n.id IS UNIQUE;
