-- medsched 3: row-level security. A role that neither owns these tables nor is a superuser
-- (nor has BYPASSRLS) sees and writes only the rows of the tenant named by the setting
-- app.tenant, which a store in row-level-security mode sets per transaction
-- (SET LOCAL app.tenant, through set_config(..., true)). Without the setting such a role
-- sees nothing. The owner (who ran the migrations) is not restricted.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE feed_heads ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON events
    USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));

CREATE POLICY tenant_isolation ON feed_heads
    USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
