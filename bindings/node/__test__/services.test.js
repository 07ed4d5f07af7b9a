// The services end to end, over the native in-memory store and over a store written in
// JavaScript whose methods return Promises: holds, bookings, the lifecycle, reschedule, the
// change feed, notification intents, the token desk, queue views and wait estimates.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const m = require('..')
const w = require('./world.js')

async function bookingFlow(bookings) {
  const schedule = w.schedule()
  const doctor = schedule.availability('dr-a')
  const request = { appointment_type: w.types()[0], start: w.at(w.MON, '00:00'), end: w.at(w.TUE, '00:00'), now: w.NOW }
  const before = (await doctor.slotsAsync(request)).slots
  assert.equal(before.length, 12)
  const hold = await bookings.holdAsync(schedule, w.PATIENT, w.NOW, w.holdRequest('h-1', before[0].start))
  assert.equal(hold.status, 'held')
  assert.ok(hold.expires_at instanceof Date && hold.expires_at > w.NOW)
  const booked = await bookings.bookHoldAsync(schedule, w.PATIENT, w.NOW, w.MON, 'h-1', 'a-1')
  assert.equal(booked.status, 'confirmed')
  const day = await bookings.dayAsync(schedule, w.MON)
  const after = (await doctor.slotsAsync(request, day.occupancy(w.NOW))).slots
  assert.equal(after.length, 11, 'the booked slot is taken')
  const prepared = (await doctor.slotsAsync(request, day.preparedOccupancy(w.NOW))).slots
  assert.deepEqual(prepared, after)
  assert.deepEqual(day.preparedOccupancy(w.NOW).toJSON(), day.occupancy(w.NOW))
  const moved = await bookings.rescheduleAsync(schedule, w.PATIENT, w.NOW, w.MON, 'a-1', w.at(w.TUE, '10:00'))
  assert.equal(moved.slot.start.toISOString(), '2026-03-03T10:00:00.000Z')
  const done = await bookings.completeAsync(schedule, w.STAFF, w.at(w.TUE, '10:20'), w.TUE, moved.id)
  assert.equal(done.status, 'completed')
  const feed = await bookings.feedAsync(schedule, 0, 100)
  assert.deepEqual(feed.map((e) => e.position), feed.map((_, i) => i + 1))
  assert.ok(feed.every((e) => e.event.at instanceof Date))
  const intents = await bookings.feedNotificationsAsync(schedule, 0, 100)
  assert.ok(intents.notifications.length >= 1)
  return feed.map((e) => e.event.type)
}

test('the booking flow over the in-memory store, sync and async agree', async () => {
  const types = await bookingFlow(new m.Bookings(new m.InMemoryStore()))
  assert.deepEqual(types.slice(0, 2), ['hold_placed', 'appointment_booked'])
  const bookings = new m.Bookings()
  const schedule = w.schedule()
  const appointment = bookings.book(schedule, w.STAFF, w.NOW, w.bookRequest('a-9', w.at(w.MON, '11:00')))
  assert.deepEqual(bookings.appointment(schedule, w.MON, 'a-9'), appointment)
  assert.deepEqual(await bookings.appointmentAsync(schedule, w.MON, 'a-9'), appointment)
})

test('the same flow over a JavaScript store', async () => {
  const store = new w.MapStore()
  const types = await bookingFlow(new m.Bookings(store))
  assert.deepEqual(types.slice(0, 2), ['hold_placed', 'appointment_booked'])
  assert.ok(store.log.length >= 4)
  assert.ok(store.log.every((e) => typeof e.event === 'string' && JSON.parse(e.event).v === 1))
})

test('concurrent bookings of the last seats over a JavaScript store: no double booking', async () => {
  const store = new w.MapStore()
  const bookings = new m.Bookings(store)
  const schedule = w.schedule()
  const starts = ['09:00', '09:15', '09:30'].map((t) => w.at(w.MON, t))
  const attempts = []
  for (let i = 0; i < 24; i++) {
    const request = w.bookRequest(`a-${i}`, starts[i % 3], 'dr-c', `pat-${i}`)
    attempts.push(bookings.bookAsync(schedule, { kind: 'patient', id: `pat-${i}` }, w.NOW, request))
  }
  const results = await Promise.allSettled(attempts)
  const won = results.filter((r) => r.status === 'fulfilled')
  const lost = results.filter((r) => r.status === 'rejected')
  assert.equal(won.length, 6, 'dr-c sees two at a time: two per slot')
  assert.ok(lost.every((r) => r.reason instanceof m.SlotUnavailableError), lost.map((r) => r.reason.message).join('\n'))
  const day = await bookings.dayAsync(schedule, w.MON)
  const perSlot = new Map()
  for (const a of day.appointments()) perSlot.set(a.slot.start.getTime(), (perSlot.get(a.slot.start.getTime()) ?? 0) + 1)
  assert.deepEqual([...perSlot.values()], [2, 2, 2])
  assert.ok(store.appends > 6, 'writers met conflicts and retried')
})

async function desk(tokens) {
  const day = w.queueDay()
  const rules = w.queueRules()
  const issue = (i) => tokens.issueAsync(day, rules, w.STAFF, w.at(w.MON, '08:50'), { token_id: `t-${i}`, kind: 'walk_in', patient_id: `p-${i}` })
  for (let i = 1; i <= 3; i++) await issue(i)
  const checkIn = (n) => tokens.executeAsync(day, rules, w.STAFF, w.at(w.MON, '08:55'), { action: 'check_in', number: n })
  for (let n = 1; n <= 3; n++) await checkIn(n)
  const called = await tokens.executeAsync(day, rules, w.STAFF, w.at(w.MON, '09:00'), { action: 'call_next' })
  assert.equal(called.token.number, 1)
  assert.equal(called.queue.lastCalled().number, 1)
  assert.ok(called.events.every((e) => e.at instanceof Date))
  const started = await tokens.executeAsync(day, rules, w.STAFF, w.at(w.MON, '09:01'), { action: 'start', number: 1 })
  assert.equal(started.queue.nowServing().number, 1)
  assert.deepEqual(started.queue.line(), [2, 3])
  const waits = await tokens.waitEstimatesAsync(day, rules, w.at(w.MON, '09:05'), m.historyFromDurations([10, 12, 9, 15]), 'moving_average')
  assert.equal(waits.length, 2)
  const queue = await tokens.queueAsync(day)
  assert.ok(queue.equals(started.queue))
  return queue
}

test('the token desk over the in-memory store and over a JavaScript store', async () => {
  const native = await desk(new m.Tokens())
  const js = await desk(new m.Tokens(new w.MapStore()))
  assert.deepEqual(js.tokens().map((t) => t.state), native.tokens().map((t) => t.state))
  assert.equal(native.position(3), 2)
  assert.equal(native.nowServing().patient_id, 'p-1')
})
