-- Bulk partition through the API: one Hangfire job per township, spread over every worker; a
-- batch remembers its jobs so its progress can be read.
CREATE TABLE partition_batch (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL,
    force       boolean NOT NULL,
    townships   text[] NOT NULL,
    job_ids     text[] NOT NULL
);
