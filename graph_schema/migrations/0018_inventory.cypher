// Customs inventory lists of cross-border e-commerce retail orders (customs.inventory@1: the
// export list CEB603 or the import list CEB621), each (:InventoryList)-[:DECLARES]->(:Order),
// read order by order in the three-document match.
CREATE CONSTRAINT inventory_list_id IF NOT EXISTS FOR (n:InventoryList) REQUIRE n.id IS UNIQUE;
