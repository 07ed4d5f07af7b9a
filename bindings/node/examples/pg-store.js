// An EventStore written in JavaScript on PostgreSQL with the `pg` package: what a Next.js
// backend keeps its day books and token queues in. Each stream is a run of rows keyed by
// (tenant, date, doctor_id, version), doctor_id NULL for a tenant's day book (so that no
// doctor id, not even "", stands for it; PostgreSQL 15's NULLS NOT DISTINCT); an append inserts the next versions in one transaction,
// and a unique-key violation means another writer came first (a ConflictError, which the
// services retry). A tenant's appends are serialized by an advisory lock, under which each
// event takes the tenant's next feed position (counted per tenant, so that no tenant learns
// another's volume), visible in order.
'use strict'
const { Pool } = require('pg')
const { ConflictError } = require('..')

const SCHEMA = `
CREATE TABLE IF NOT EXISTS js_streams (
  tenant text NOT NULL,
  position bigint NOT NULL,
  date date NOT NULL,
  doctor_id text,
  version integer NOT NULL,
  event text NOT NULL,
  PRIMARY KEY (tenant, position),
  UNIQUE NULLS NOT DISTINCT (tenant, date, doctor_id, version)
)`

class PgStore {
  /** A store on the database at `url`; call `migrate()` once before use. */
  constructor(url, { max = 4 } = {}) {
    this.pool = new Pool({ connectionString: url, max })
  }

  async migrate() {
    await this.pool.query(SCHEMA)
  }

  async close() {
    await this.pool.end()
  }

  async load(stream) {
    const { rows } = await this.pool.query(
      'SELECT event FROM js_streams WHERE tenant = $1 AND date = $2 AND doctor_id IS NOT DISTINCT FROM $3 ORDER BY version',
      [stream.tenant, stream.date, stream.doctor_id ?? null],
    )
    return { version: rows.length, events: rows.map((r) => r.event) }
  }

  async append(stream, expectedVersion, events) {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stream.tenant])
      const { rows } = await client.query(
        'SELECT count(*)::int AS version FROM js_streams WHERE tenant = $1 AND date = $2 AND doctor_id IS NOT DISTINCT FROM $3',
        [stream.tenant, stream.date, stream.doctor_id ?? null],
      )
      if (rows[0].version !== expectedVersion) {
        await client.query('ROLLBACK')
        throw new ConflictError({ message: 'the stream moved', expected: expectedVersion, actual: rows[0].version })
      }
      const last = await client.query(
        'SELECT coalesce(max(position), 0)::bigint AS position FROM js_streams WHERE tenant = $1',
        [stream.tenant],
      )
      const position = Number(last.rows[0].position)
      for (const [i, event] of events.entries()) {
        await client.query(
          `INSERT INTO js_streams (tenant, position, date, doctor_id, version, event)
             VALUES ($1, $2, $3, $4, $5, $6)`,
          [stream.tenant, position + i + 1, stream.date, stream.doctor_id ?? null, expectedVersion + i + 1, event],
        )
      }
      await client.query('COMMIT')
      return expectedVersion + events.length
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      if (error.code === '23505') {
        throw new ConflictError({ message: 'the stream moved', expected: expectedVersion })
      }
      throw error
    } finally {
      client.release()
    }
  }

  async feed(tenant, after, limit) {
    const { rows } = await this.pool.query(
      `SELECT position, tenant, to_char(date, 'YYYY-MM-DD') AS date, doctor_id, version, event
         FROM js_streams WHERE tenant = $1 AND position > $2 ORDER BY position LIMIT $3`,
      [tenant, after, limit],
    )
    return rows.map((r) => ({
      position: Number(r.position),
      stream: r.doctor_id !== null ? { tenant: r.tenant, date: r.date, doctor_id: r.doctor_id } : { tenant: r.tenant, date: r.date },
      version: r.version,
      event: r.event,
    }))
  }
}

module.exports = { PgStore }
