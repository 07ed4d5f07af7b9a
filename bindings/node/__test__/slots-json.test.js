// The fast slot paths: bookings given as plain objects with Dates cross in columns and are
// read exactly as their JSON would be (whatever only JSON carries still goes as JSON, so
// every refusal names its field); slot results written natively as a response body are the
// core's JSON of the same slots.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const m = require('..')
const w = require('./world.js')

const MINUTE = 60 * 1000
const request = () => ({ appointment_type: w.types()[0], start: w.at(w.MON, '00:00'), end: w.at(w.FRI, '00:00'), now: w.NOW })

/** Bookings of every field the columns carry, as plain objects with Dates. */
function occupancy() {
  return {
    reservations: [
      { id: 'a-1', doctor_id: 'dr-a', start: w.at(w.MON, '09:00'), end: w.at(w.MON, '09:15') },
      {
        id: 'a-2',
        doctor_id: 'dr-a',
        start: w.at(w.MON, '10:00'),
        end: w.at(w.MON, '10:30'),
        buffer_before_minutes: 5,
        buffer_after_minutes: 10,
        seats: 2,
        mode: 'in_person',
        room_id: 'r1',
        expires_at: null,
      },
      { id: 'h-1', doctor_id: 'dr-a', start: w.at(w.TUE, '09:00'), end: w.at(w.TUE, '09:15'), expires_at: new Date(w.NOW.getTime() + 10 * MINUTE) },
      { id: 'h-0', doctor_id: 'dr-a', start: w.at(w.TUE, '11:00'), end: w.at(w.TUE, '11:15'), expires_at: new Date(w.NOW.getTime() - MINUTE) },
      { id: 'v-1', doctor_id: 'dr-b', start: w.at(w.WED, '11:00'), end: w.at(w.WED, '11:15'), mode: 'video', room_id: null },
    ],
    busy: [{ id: 'gcal-1', start: w.at(w.WED, '10:00'), end: w.at(w.WED, '10:45') }],
  }
}

/** The same bookings with ISO text for instants: only JSON carries those. */
const asText = (value) => JSON.parse(JSON.stringify(value))

test('bookings as objects with Dates are read as their JSON is', () => {
  const schedule = w.schedule()
  const doctor = schedule.availability('dr-a')
  const fast = new m.PreparedOccupancy(occupancy())
  assert.deepEqual(fast.toJSON(), new m.PreparedOccupancy(asText(occupancy())).toJSON())
  assert.equal(fast.toJSON().reservations[1].seats, 2)
  const slots = doctor.slots(request(), occupancy()).slots
  assert.deepEqual(slots, doctor.slots(request(), asText(occupancy())).slots)
  assert.deepEqual(slots, doctor.slots(request(), fast).slots)
  const starts = new Set(slots.map((s) => s.start.toISOString()))
  assert.ok(!starts.has('2026-03-02T09:00:00.000Z'), 'a booking takes its slot')
  assert.ok(!starts.has('2026-03-03T09:00:00.000Z'), 'a live hold takes its slot')
  assert.ok(starts.has('2026-03-03T11:00:00.000Z'), 'a lapsed hold does not')
  assert.ok(!starts.has('2026-03-04T10:30:00.000Z'), 'a busy time takes its slots')
  const pairs = [[doctor, occupancy()], [schedule.availability('dr-b'), occupancy()]]
  assert.deepEqual(m.slotsForDoctors(pairs, request()), m.slotsForDoctors(pairs.map(([d, o]) => [d, asText(o)]), request()))
})

test('bookings the columns cannot carry are refused as JSON refuses them, naming the field', () => {
  const doctor = w.schedule().availability('dr-a')
  const refused = (change, expected) => {
    const bad = occupancy()
    change(bad)
    assert.throws(() => doctor.slots(request(), bad), { name: 'InvalidInputError', ...expected })
    assert.throws(() => doctor.slotsJson(request(), bad), { name: 'InvalidInputError', ...expected })
    assert.throws(() => new m.PreparedOccupancy(bad), { name: 'InvalidInputError', ...expected })
  }
  refused((o) => { o.reservations[1].start = new Date('nope') }, { field: 'occupancy.reservations[1].start', value: 'Invalid Date' })
  refused((o) => { o.reservations[2].expires_at = new Date(Number.NaN) }, { field: 'occupancy.reservations[2].expires_at', value: 'Invalid Date' })
  refused((o) => { o.busy[0].end = new Date('') }, { field: 'occupancy.busy[0].end', value: 'Invalid Date' })
  refused((o) => { o.reservations[0].seats = -1 }, { field: 'occupancy.reservations[0].seats' })
  refused((o) => { o.reservations[0].mode = 'telepathy' }, { field: 'occupancy.reservations[0].mode' })
  refused((o) => { o.reservations[0].note = 'x' }, { code: 'invalid_input' })
  refused((o) => { o.reservations[0].start = 1772442000000 }, { field: 'occupancy.reservations[0].start' })
})

test('slotsJson is the core JSON of the slots slots() returns, sync and async', async () => {
  const schedule = w.schedule()
  const doctor = schedule.availability('dr-c')
  const day = new m.PreparedOccupancy(occupancy())
  const series = doctor.slots(request(), day, { include_unavailable: true })
  const body = doctor.slotsJson(request(), day, { include_unavailable: true })
  assert.ok(Buffer.isBuffer(body))
  const text = JSON.parse(body.toString())
  const iso = (date) => date.toISOString().replace('.000Z', 'Z')
  assert.ok(series.slots.length > 10 && series.unavailable.length > 0)
  assert.deepEqual(
    text.slots,
    series.slots.map((s) => ({ ...s, start: iso(s.start), end: iso(s.end) })),
  )
  assert.equal(text.unavailable.length, series.unavailable.length)
  assert.equal(text.truncated, series.truncated)
  assert.deepEqual(await doctor.slotsJsonAsync(request(), day, { include_unavailable: true }), body)
  const pairs = [[doctor, day], [schedule.availability('dr-a'), occupancy()]]
  const each = pairs.map(([d, o]) => JSON.parse(d.slotsJson(request(), o).toString()))
  assert.deepEqual(JSON.parse(m.slotsForDoctorsJson(pairs, request()).toString()), each)
  assert.deepEqual(JSON.parse((await m.slotsForDoctorsJsonAsync(pairs, request())).toString()), each)
  assert.equal(await new Response(body).text(), body.toString())
})

test('slotsJson refuses as slots does', async () => {
  const doctor = w.schedule().availability('dr-a')
  const bad = { ...request(), now: new Date('') }
  assert.throws(() => doctor.slotsJson(bad), { name: 'InvalidInputError', field: 'request.now', value: 'Invalid Date' })
  await assert.rejects(doctor.slotsJsonAsync(bad), { name: 'InvalidInputError', field: 'request.now' })
  assert.throws(() => m.slotsForDoctorsJson([[doctor, null]], bad), { field: 'request.now' })
})

test('jsonResponse sends a body as it is, typed JSON with its length, init kept', async () => {
  const doctor = w.schedule().availability('dr-c')
  const body = doctor.slotsJson(request(), new m.PreparedOccupancy(occupancy()))
  const response = m.jsonResponse(body)
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'application/json')
  assert.equal(response.headers.get('content-length'), String(body.length))
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), body)

  const created = m.jsonResponse(body, { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } })
  assert.equal(created.status, 201)
  assert.equal(created.headers.get('content-type'), 'application/json; charset=utf-8')
  assert.equal(created.headers.get('cache-control'), 'no-store')
  assert.deepEqual(await created.json(), JSON.parse(body.toString()))

  assert.equal(m.jsonResponse(body, null).headers.get('content-type'), 'application/json')

  const empty = m.jsonResponse(new Uint8Array(0))
  assert.equal(empty.headers.get('content-length'), '0')
  assert.equal(await empty.text(), '')
})

test('jsonResponse refuses what is not bytes, naming the field', () => {
  for (const [body, value] of [['{}', 'string'], [null, 'null'], [{ slots: [] }, 'object'], [undefined, 'undefined']]) {
    assert.throws(() => m.jsonResponse(body), { name: 'InvalidInputError', code: 'invalid_input', field: 'body', value, problem: 'malformed' })
  }
})
