-- Grid attributes, responsible people and their assignments (issue #18), and the `people`
-- permission of API keys. Attributes and assignments are keyed by code and follow the code
-- history on read (Features/People/UnitLineage): a unit keeps what its code has; successors of a
-- split or merge inherit, flagged for review until a clerk writes for the unit (reviewed_version).

ALTER TABLE api_key ADD COLUMN people boolean NOT NULL DEFAULT false;

CREATE TABLE unit_attributes (
    township_code    char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    code             varchar(18) NOT NULL,
    name             text CHECK (length(name) BETWEEN 1 AND 100),
    unit_type        text CHECK (unit_type IN ('basic', 'dedicated')),
    subtype          text,
    organisation     text CHECK (length(organisation) <= 200),
    remarks          text CHECK (length(remarks) <= 2000),
    reviewed_version integer NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL,
    PRIMARY KEY (township_code, code)
);

CREATE TABLE person (
    id            bigserial PRIMARY KEY,
    jurisdiction  text NOT NULL CHECK (jurisdiction ~ '^([0-9]{6}|[0-9]{9})$'),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    role          text NOT NULL CHECK (role IN ('grid_leader', 'full_time', 'part_time', 'instructor', 'party_household', 'volunteer')),
    phone         text,
    organisation  text CHECK (length(organisation) <= 200),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_jurisdiction_idx ON person (jurisdiction text_pattern_ops);

CREATE TABLE unit_assignment (
    id            bigserial PRIMARY KEY,
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    code          varchar(18) NOT NULL,
    person_id     bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    valid_from    date NOT NULL,
    valid_to      date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL
);
CREATE INDEX unit_assignment_code_idx ON unit_assignment (township_code, code);
CREATE INDEX unit_assignment_person_idx ON unit_assignment (person_id);
