-- medsched 1: event streams and the per-tenant feed heads.
--
-- The tenant leads every key and index: it is the distribution key when the tables are
-- sharded by tenant (Citus: SELECT create_distributed_table('events', 'tenant')), so a
-- stream, its versions and the tenant's feed all live on the tenant's shard.

-- The last feed position given to each tenant. An append updates its tenant's row in the
-- append's transaction: the row lock orders a tenant's appends, so feed positions commit in
-- order and a reader resuming after the last position it saw misses nothing.
CREATE TABLE feed_heads (
    tenant   text   NOT NULL,
    position bigint NOT NULL CHECK (position >= 0),
    CONSTRAINT feed_heads_tenant PRIMARY KEY (tenant)
);

-- Every event of every stream. A stream is (tenant, stream_date, doctor_id): a day book has
-- doctor_id '', a doctor's token queue the doctor's id. version is the event's 1-based index
-- in its stream (the stream's version once it was appended); position its place in the
-- tenant's feed.
CREATE TABLE events (
    tenant      text        NOT NULL,
    stream_date date        NOT NULL,
    doctor_id   text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 1),
    position    bigint      NOT NULL CHECK (position >= 1),
    event       jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    -- Two writers appending at the same version collide here: a conflict.
    CONSTRAINT events_stream_version PRIMARY KEY (tenant, stream_date, doctor_id, version),
    -- The feed: a tenant's events by position.
    CONSTRAINT events_feed_position UNIQUE (tenant, position)
);
