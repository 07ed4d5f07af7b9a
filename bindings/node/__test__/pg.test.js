// The example PostgreSQL store written in JavaScript (examples/pg-store.js, on `pg`) against
// the throwaway server of scripts/with-postgres.sh (MEDSCHED_PG_URL): the services run over
// it, and several Node workers booking the last seats at once never double-book; and the store passes the contract checks (checkEventStore).
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const m = require('..')
const w = require('./world.js')
const { PgStore } = require('../examples/pg-store.js')

const url = process.env.MEDSCHED_PG_URL
const skip = url ? false : 'MEDSCHED_PG_URL is not set (run under scripts/with-postgres.sh)'
const tenant = (name) => `${name}-${process.pid}-${Date.now()}`

test('the services over the JavaScript PostgreSQL store', { skip }, async () => {
  const store = new PgStore(url)
  await store.migrate()
  const t = tenant('flow')
  const schedule = new m.Schedule({ tenant: t, clinic: w.clinic(), calendars: w.calendars(), appointmentTypes: w.types() })
  const bookings = new m.Bookings(store)
  const hold = await bookings.holdAsync(schedule, w.PATIENT, w.NOW, w.holdRequest('h-1', w.at(w.MON, '09:00')))
  const booked = await bookings.bookHoldAsync(schedule, w.PATIENT, w.NOW, w.MON, hold.id, 'a-1')
  await bookings.cancelAsync(schedule, w.PATIENT, w.NOW, w.MON, booked.id, 'feeling better')
  const feed = await bookings.feedAsync(schedule, 0, 100)
  assert.deepEqual(feed.map((e) => e.event.type), ['hold_placed', 'appointment_booked', 'appointment_cancelled'])
  assert.ok(feed.every((e, i) => i === 0 || e.position > feed[i - 1].position))
  const tokens = new m.Tokens(store)
  const day = { tenant: t, doctor_id: 'dr-a', date: w.MON }
  const issued = await tokens.issueAsync(day, w.queueRules(), w.STAFF, w.NOW, { token_id: 't-1', kind: 'walk_in', patient_id: 'p-1' })
  assert.equal(issued.token.number, 1)
  await store.close()
})

test('Node workers booking the last seats at once: no double booking', { skip }, async () => {
  const store = new PgStore(url)
  await store.migrate()
  const t = tenant('race')
  const starts = ['09:00', '09:15'].map((hm) => w.at(w.MON, hm).toISOString())
  const workers = 4
  const perWorker = 4
  const runs = Array.from({ length: workers }, (_, worker) => {
    const attempts = Array.from({ length: perWorker }, (_, i) => ({ id: `a-${worker}-${i}`, start: starts[i % 2] }))
    const thread = new Worker(path.join(__dirname, 'pg-worker.js'), { workerData: { url, tenant: t, worker, attempts } })
    return new Promise((resolve, reject) => {
      thread.once('message', resolve)
      thread.once('error', reject)
    })
  })
  const outcomes = (await Promise.all(runs)).flat()
  assert.equal(outcomes.filter((o) => o === 'booked').length, 4, outcomes.join(' '))
  assert.ok(outcomes.every((o) => o === 'booked' || o === 'slot_unavailable'), outcomes.join(' '))
  const schedule = new m.Schedule({ tenant: t, clinic: w.clinic(), calendars: w.calendars(), appointmentTypes: w.types() })
  const day = await new m.Bookings(store).dayAsync(schedule, w.MON)
  const perSlot = {}
  for (const a of day.appointments()) perSlot[a.slot.start.toISOString()] = (perSlot[a.slot.start.toISOString()] ?? 0) + 1
  assert.deepEqual(Object.values(perSlot), [2, 2], 'dr-c sees two at a time')
  await store.close()
})

test('the JavaScript PostgreSQL store keeps the store contract (checkEventStore)', { skip }, async () => {
  const store = new PgStore(url)
  await store.migrate()
  await m.checkEventStore(store, { tenantPrefix: tenant('checks'), threads: 4 })
  await store.close()
})
