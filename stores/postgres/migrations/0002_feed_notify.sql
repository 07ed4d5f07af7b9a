-- medsched 2: wake feed readers. Every change of a tenant's feed head (every append)
-- notifies the channel medsched_feed with the tenant as payload, delivered when the append
-- commits (and never if it rolls back).
CREATE FUNCTION medsched_notify_feed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('medsched_feed', NEW.tenant);
    RETURN NULL;
END
$$;

CREATE TRIGGER feed_heads_notify
    AFTER INSERT OR UPDATE ON feed_heads
    FOR EACH ROW EXECUTE FUNCTION medsched_notify_feed();
