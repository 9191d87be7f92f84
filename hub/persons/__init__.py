"""Credit profiles of persons (个人信用评价, Zhengzhou plan 八.2): the enterprises a person holds
roles in with their grades and list entries, the list entries naming the person, the joint
measures that cover the person with the path that brings each, and a level from a factor
model of the zone's own (`person_model.json`). A supervisory indicator read under pii:read,
never a published label nor a punishment: measures come only from the lists and the laws
behind them (`hub.credit.joint_rules`)."""
