-- Change notifications written by one mechanism on plain PostgreSQL and on Citus: the service adds
-- the outbox rows in the transaction that publishes a version, a departmental layer's version or
-- changes an assignment (Infrastructure/WebhookOutbox). The triggers of migrations 0016 and 0018
-- wrote them on plain PostgreSQL only: on Citus a trigger of a distributed table runs on a worker,
-- where the outbox is not, so there they were dropped and the service wrote the rows itself. A change
-- made by hand in psql raises no notification any more; the service's writes all do.
DROP TRIGGER IF EXISTS township_state_webhook ON township_state;
DROP TRIGGER IF EXISTS unit_assignment_webhook ON unit_assignment;
DROP TRIGGER IF EXISTS dept_layer_webhook ON dept_layer;
DROP FUNCTION IF EXISTS webhook_on_publish();
DROP FUNCTION IF EXISTS webhook_on_assignment();
DROP FUNCTION IF EXISTS webhook_on_dept_layer();
