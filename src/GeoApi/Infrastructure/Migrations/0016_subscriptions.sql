-- Change notifications (webhooks): subscriptions, the events to tell them about, and the delivery log.
CREATE TABLE subscription (
    id              bigserial PRIMARY KEY,
    url             text NOT NULL,
    secret          text NOT NULL,
    township_prefix varchar(9) NOT NULL DEFAULT '',
    events          text[] NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The outbox: written by triggers in the transaction that publishes a version or changes an
-- assignment, so no change is lost whichever process (or psql) made it; turned into deliveries
-- (one per matching subscription) by the first process that claims it.
CREATE TABLE webhook_event (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL,
    township_code    char(9) NOT NULL,
    version          integer,
    previous_version integer,
    detail           jsonb NOT NULL DEFAULT '{}',
    at               timestamptz NOT NULL DEFAULT now(),
    dispatched_at    timestamptz
);
CREATE INDEX webhook_event_pending_idx ON webhook_event (id) WHERE dispatched_at IS NULL;

CREATE TABLE webhook_delivery (
    id              bigserial PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    event_id        bigint NOT NULL REFERENCES webhook_event (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (subscription_id, id) WHERE state = 'pending';

CREATE TABLE webhook_attempt (
    id          bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    status      integer,
    error       text,
    duration_ms integer NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id);

CREATE FUNCTION webhook_on_publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.current_version IS NOT NULL AND NEW.current_version IS DISTINCT FROM OLD.current_version
       AND EXISTS (SELECT 1 FROM subscription WHERE active) THEN
        INSERT INTO webhook_event (kind, township_code, version, previous_version)
        VALUES ('version.published', NEW.township_code, NEW.current_version, OLD.current_version);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER township_state_webhook AFTER UPDATE OF current_version ON township_state
    FOR EACH ROW EXECUTE FUNCTION webhook_on_publish();

CREATE FUNCTION webhook_on_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r unit_assignment;
    change text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM subscription WHERE active) THEN RETURN NULL; END IF;
    IF TG_OP = 'DELETE' THEN r := OLD; change := 'removed';
    ELSIF TG_OP = 'INSERT' THEN r := NEW; change := 'added';
    ELSE r := NEW; change := 'changed';
    END IF;
    INSERT INTO webhook_event (kind, township_code, detail)
    SELECT 'assignment.changed', r.township_code, jsonb_build_object('change', change, 'assignmentId', r.id, 'code', r.code,
        'personId', r.person_id, 'role', p.role, 'validFrom', r.valid_from, 'validTo', r.valid_to)
    FROM (SELECT r.person_id) x LEFT JOIN person p ON p.id = x.person_id;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_assignment_webhook AFTER INSERT OR UPDATE OR DELETE ON unit_assignment
    FOR EACH ROW EXECUTE FUNCTION webhook_on_assignment();
