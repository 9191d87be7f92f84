// Applications an enterprise files for the credit repair of its penalties (NDRC Order 36).
// `openFor` ("Penalty:id" of the record) is set only while the application is pending, so the
// constraint allows one pending application per penalty and any number of decided ones.
CREATE CONSTRAINT repair_application_id IF NOT EXISTS FOR (n:RepairApplication) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT repair_application_open IF NOT EXISTS FOR (n:RepairApplication) REQUIRE n.openFor IS UNIQUE;
CREATE INDEX repair_application_department IF NOT EXISTS FOR (n:RepairApplication) ON (n.department, n.status);
