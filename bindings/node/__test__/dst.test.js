// Daylight saving time through the Node API: instants come back as Dates at the right UTC
// moment on both sides of a change, wall-clock times that do not exist are never offered,
// and day books are dated in the clinic's zone.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const m = require('..')

const clinic = { locations: [{ id: 'london', time_zone: 'Europe/London' }, { id: 'nyc', time_zone: 'America/New_York' }] }
const daily = (doctor, location, start, end) => ({
  doctor_id: doctor,
  settings: { slot_minutes: 30 },
  templates: [{ id: `${doctor}-t`, location_id: location, sessions: [{ start, end }], weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }],
})
const visit = { id: 'visit', duration_minutes: 30 }
const request = (start, end) => ({ appointment_type: visit, start: new Date(start), end: new Date(end), now: new Date('2026-01-01T00:00:00Z') })

test('09:00 in London is 09:00Z before the spring change and 08:00Z after it', () => {
  const doctor = new m.Availability(new m.ClinicRules(clinic), daily('dr-l', 'london', '09:00', '10:00'))
  const { slots } = doctor.slots(request('2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'))
  const firsts = slots.filter((s) => s.local_start.endsWith('T09:00:00'))
  assert.deepEqual(
    firsts.map((s) => s.start.toISOString()),
    ['2026-03-27T09:00:00.000Z', '2026-03-28T09:00:00.000Z', '2026-03-29T08:00:00.000Z', '2026-03-30T08:00:00.000Z'],
  )
  assert.ok(firsts.every((s) => s.end.getTime() - s.start.getTime() === 30 * 60 * 1000))
})

test('the spring gap: no slot at a wall-clock time that does not exist', async () => {
  const doctor = new m.Availability(new m.ClinicRules(clinic), daily('dr-n', 'nyc', '00:30', '04:00'))
  const series = await doctor.slotsAsync(request('2026-03-08T04:00:00Z', '2026-03-08T10:00:00Z'))
  const locals = series.slots.map((s) => s.local_start.slice(11, 16))
  assert.ok(!locals.some((t) => t >= '02:00' && t < '03:00'), locals.join(' '))
  assert.equal(series.slots.length, 5, 'three hours and a half, less the hour that is skipped: 5 slots')
  const starts = series.slots.map((s) => s.start.getTime())
  assert.ok(starts.every((t, i) => i === 0 || t > starts[i - 1]))
})

test('the autumn fold: the repeated hour is offered once per instant, in order', () => {
  const doctor = new m.Availability(new m.ClinicRules(clinic), daily('dr-n', 'nyc', '00:30', '03:00'))
  const { slots } = doctor.slots(request('2026-11-01T04:00:00Z', '2026-11-01T09:00:00Z'))
  const starts = slots.map((s) => s.start.getTime())
  assert.equal(new Set(starts).size, starts.length)
  assert.ok(starts.every((t, i) => i === 0 || t > starts[i - 1]))
  assert.equal(slots[0].start.toISOString(), '2026-11-01T04:30:00.000Z')
})

test('day books are dated in the clinic zone: 23:30Z in summer is the next London day', () => {
  const schedule = new m.Schedule({ tenant: 't', clinic, calendars: [], appointmentTypes: [visit] })
  assert.equal(schedule.bookTimeZone, 'Europe/London')
  assert.equal(schedule.bookDate(new Date('2026-07-01T23:30:00Z')), '2026-07-02')
  assert.equal(schedule.bookDate(new Date('2026-01-01T23:30:00Z')), '2026-01-01')
})
