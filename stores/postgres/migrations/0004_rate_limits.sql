-- medsched 4: booking rate limit states (medsched::rate_limit), one instant per key.
--
-- A key is (tenant, kind, value): kind is patient, phone or ip; value what the host passed
-- (hash phone numbers and addresses first to keep them out of the table). tat_ns is the
-- key's theoretical arrival time in nanoseconds since the epoch. A swap is one guarded
-- statement (INSERT ... ON CONFLICT DO NOTHING, or UPDATE ... WHERE tat_ns = expected), so
-- app servers sharing the database share the limits. Rows with tat_ns before now mean the
-- same as no row and may be deleted at any time.
CREATE TABLE rate_limits (
    tenant text   NOT NULL,
    kind   text   NOT NULL,
    value  text   NOT NULL,
    tat_ns bigint NOT NULL,
    CONSTRAINT rate_limits_key PRIMARY KEY (tenant, kind, value)
);

ALTER TABLE rate_limits ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON rate_limits
    USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
