// checkEventStore: medsched-testkit's store checks from Node (Python's check_event_store), on
// the native store, on a correct store written in JavaScript, and on broken ones.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const m = require('..')
const w = require('./world.js')

/** A store in Maps whose feed positions are counted per tenant and whose token queues are
 * keyed apart from the day books (even a doctor `""`), as the contract asks; the checks
 * caught world.js's MapStore on both. */
class TenantStore extends w.MapStore {
  key(stream) {
    return JSON.stringify([stream.tenant, stream.date, stream.doctor_id ?? null])
  }

  async feed(tenant, after, limit) {
    return this.log
      .filter((e) => e.stream.tenant === tenant)
      .map((e, i) => ({ ...e, position: i + 1 }))
      .filter((e) => e.position > after)
      .slice(0, limit)
  }
}

/** A store that appends whatever version the stream is at: two writers can both win. */
class CarelessStore extends TenantStore {
  async append(stream, expectedVersion, events) {
    const held = this.streams.get(this.key(stream)) ?? []
    return super.append(stream, held.length, events)
  }
}

test('the native in-memory store keeps the contract, with racing writers', async () => {
  await m.checkEventStore(new m.InMemoryStore(), { tenantPrefix: 'node-native', threads: 4 })
})

test('a correct store written in JavaScript keeps the contract', async () => {
  await m.checkEventStore(new TenantStore(), { threads: 3 })
})

test('a breach is an AssertionError naming it', async () => {
  await assert.rejects(m.checkEventStore(new CarelessStore(), { threads: 0 }), (error) => {
    assert.ok(error instanceof assert.AssertionError, String(error))
    assert.ok(error.message.length > 0)
    return true
  })
  await assert.rejects(m.checkEventStore(new w.MapStore(), { threads: 0 }), assert.AssertionError)
})

test('threads above 256 or below 0 are refused as invalid_input on threads; an object without the methods is a TypeError, as for the services', async () => {
  await assert.rejects(m.checkEventStore(new m.InMemoryStore(), { threads: 257 }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.deepEqual([error.field, error.value, error.problem], ['threads', '257', 'out_of_range'])
    return true
  })
  await assert.rejects(m.checkEventStore(new m.InMemoryStore(), { threads: -1 }), (error) => {
    assert.deepEqual([error.code, error.field, error.value], ['invalid_input', 'threads', '-1'])
    return true
  })
  await assert.rejects(m.checkEventStore({}), TypeError)
})
