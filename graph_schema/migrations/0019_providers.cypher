// Providers: the payment firm, receiving bank and carrier named by USCC on payments
// (payFirmUscc), export receipts (bankUscc) and waybills (carrierUscc), found by that USCC
// when the registry sends the enterprise after its documents (the late links of
// graph_schema.writes.UPSERT_ENTERPRISES).
CREATE INDEX payment_pay_firm IF NOT EXISTS FOR (n:Payment) ON (n.payFirmUscc);
CREATE INDEX export_receipt_bank IF NOT EXISTS FOR (n:ExportReceipt) ON (n.bankUscc);
CREATE INDEX waybill_carrier IF NOT EXISTS FOR (n:Waybill) ON (n.carrierUscc);
// Supervised premises (customs.premises@1): bonded warehouses and customs supervision sites,
// each (:Enterprise)-[:OPERATES_PREMISES]->(:SupervisedPremises).
CREATE CONSTRAINT supervised_premises_id IF NOT EXISTS FOR (n:SupervisedPremises) REQUIRE n.id IS UNIQUE;
