// The shared world of the service tests (as bindings/python/tests/conftest.py): a clinic in
// Europe/London, on UTC in early March 2026, so each wall-clock time is its UTC time.
'use strict'
const m = require('..')

const TENANT = 'clinic-1'
const [SUN, MON, TUE, WED, THU, FRI] = [1, 2, 3, 4, 5, 6].map((d) => `2026-03-0${d}`)
const PATIENT = { kind: 'patient', id: 'pat-1' }
const STAFF = { kind: 'staff', id: 'rcp-1' }

/** `hm` on `day` at `main` (= UTC), as a Date. */
const at = (day, hm) => new Date(`${day}T${hm}:00Z`)
const NOW = at(SUN, '08:00')

const clinic = () => ({
  locations: [{ id: 'main', time_zone: 'Europe/London', name: 'Main clinic', rooms: [{ id: 'r1', capacity: 1 }] }],
  holidays: [{ id: 'founders-day', first: FRI, last: FRI, name: "Founders' day" }],
})

const weekdayCalendar = (doctor, room = null) => ({
  doctor_id: doctor,
  templates: [
    {
      id: `${doctor}-opd`,
      location_id: 'main',
      room_id: room,
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      sessions: [{ start: '09:00', end: '12:00' }],
    },
  ],
})

function calendars() {
  const a = weekdayCalendar('dr-a', 'r1')
  a.leaves = [{ id: 'annual-leave', status: 'approved', first: THU, last: THU }]
  a.forced_blocks = [{ id: 'audit', start: at(WED, '09:00'), end: at(WED, '10:00') }]
  const c = weekdayCalendar('dr-c')
  c.settings = { max_parallel: 2 }
  return [a, weekdayCalendar('dr-b', 'r1'), c]
}

const types = () => [
  { id: 'consult', duration_minutes: 15 },
  { id: 'review', duration_minutes: 15, policy: { requires_confirmation: true } },
  {
    id: 'limited',
    duration_minutes: 15,
    policy: { max_reschedules: 1, reschedule_notice_minutes: 120, cancel_notice_minutes: 1440 },
  },
]

const schedule = () => new m.Schedule({ tenant: TENANT, clinic: clinic(), calendars: calendars(), appointmentTypes: types() })

const bookRequest = (id, start, doctor = 'dr-a', patient = 'pat-1', type = 'consult') => ({
  appointment_id: id,
  patient_id: patient,
  doctor_id: doctor,
  appointment_type_id: type,
  start,
})

const holdRequest = (id, start, doctor = 'dr-a', patient = 'pat-1') => ({
  hold_id: id,
  patient_id: patient,
  doctor_id: doctor,
  appointment_type_id: 'consult',
  start,
})

const queueRules = () => ({ sessions: [{ id: 'am', start: at(MON, '09:00'), end: at(MON, '12:00') }] })
const queueDay = (doctor = 'dr-a') => ({ tenant: TENANT, doctor_id: doctor, date: MON })

/** A store written in JavaScript, in Maps, whose methods answer with Promises. */
class MapStore {
  constructor() {
    this.streams = new Map()
    this.log = []
    this.appends = 0
  }

  key(stream) {
    return `${stream.tenant}/${stream.date}/${stream.doctor_id ?? ''}`
  }

  async load(stream) {
    const events = this.streams.get(this.key(stream)) ?? []
    return { version: events.length, events: [...events] }
  }

  async append(stream, expectedVersion, events) {
    this.appends += 1
    await new Promise((resolve) => setImmediate(resolve))
    const held = this.streams.get(this.key(stream)) ?? []
    if (held.length !== expectedVersion) {
      throw new m.ConflictError({ message: 'stream moved', expected: expectedVersion, actual: held.length })
    }
    for (const event of events) {
      held.push(event)
      this.log.push({ position: this.log.length + 1, stream, version: held.length, event })
    }
    this.streams.set(this.key(stream), held)
    return held.length
  }

  async feed(tenant, after, limit) {
    return this.log.filter((e) => e.stream.tenant === tenant && e.position > after).slice(0, limit)
  }
}

module.exports = {
  TENANT, SUN, MON, TUE, WED, THU, FRI, PATIENT, STAFF, NOW, at, clinic, weekdayCalendar, calendars, types,
  schedule, bookRequest, holdRequest, queueRules, queueDay, MapStore,
}
