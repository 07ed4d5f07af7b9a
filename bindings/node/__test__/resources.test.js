// The calls Python gained with several resources, pools, the roster and the rule changes
// (issue 14), through the Node API: the shared vectors of testdata/resources (the cases
// core/tests/resources_vectors.rs and Python run), each call's error codes, and the
// options that cross as JSON (grid options, booking limits, weekday forms, `break`).
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const m = require('..')

const TESTDATA = path.resolve(__dirname, '../../../testdata')
const FILES = fs
  .readdirSync(path.join(TESTDATA, 'resources'))
  .filter((f) => f.endsWith('.json'))
  .sort()
const DOC = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'resources', 'resources.json'), 'utf8'))

// The fields of an error's report that say why, by code, as the resource scripts expect them.
const WHY = {
  invalid_input: ['field', 'problem'],
  not_found: ['kind', 'id'],
  slot_unavailable: ['doctor_id', 'reason'],
}

const iso = (date) => date.toISOString().replace('.000Z', 'Z')
// A claim's clinicians and equipment are written only when not empty (docs/EVENTS.md).
const claim = (slot) => ({ doctor_id: slot.doctor_id, clinicians: slot.clinicians ?? [], equipment: slot.equipment ?? [] })

function errorJson(error) {
  return Object.fromEntries(['code', ...(WHY[error.code] ?? [])].map((f) => [f, error.report[f] ?? null]))
}

function schedule(doc) {
  return new m.Schedule({
    tenant: doc.tenant,
    clinic: doc.clinic,
    calendars: doc.calendars,
    appointmentTypes: doc.appointment_types,
  })
}

async function script(doc, c, twin) {
  const sched = schedule(doc)
  const bookings = new m.Bookings(new m.InMemoryStore())
  const call = (name, ...args) => (twin ? bookings[`${name}Async`](...args) : bookings[name](...args))
  const results = []
  for (const step of c.steps) {
    const args = [sched, step.actor, new Date(step.now), step.request]
    try {
      if (step.call === 'book') results.push(claim((await call('book', ...args)).slot))
      else if (step.call === 'book_joint') results.push(claim((await call('bookJoint', ...args)).slot))
      else {
        const booked = await call('bookFromPool', ...args)
        results.push({ ...claim(booked.appointment.slot), assignment: booked.assignment })
      }
    } catch (error) {
      if (!(error instanceof m.MedschedError)) throw error
      results.push({ error: errorJson(error) })
    }
  }
  return results
}

function doctorsOf(doc, rules = new m.ClinicRules(doc.clinic)) {
  return Object.fromEntries(doc.calendars.map((c) => [c.doctor_id, new m.Availability(rules, c)]))
}

async function jointStarts(doc, c, twin) {
  const doctors = doctorsOf(doc)
  const args = [c.clinicians.map((id) => doctors[id]), c.equipment, c.request, c.occupancy]
  const lead = doctors[c.doctor]
  const series = twin ? await lead.jointSlotsAsync(...args) : lead.jointSlots(...args)
  assert.ok(series.slots.every((slot) => slot.start instanceof Date))
  return series.slots.map((slot) => iso(slot.start))
}

for (const file of FILES) {
  const doc = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'resources', file), 'utf8'))
  for (const c of doc.cases) {
    for (const twin of [false, true]) {
      test(`resources/${file.replace('.json', '')}: ${c.name}${twin ? ' (async)' : ''}`, async () => {
        if (c.op === 'script') {
          const got = await script(doc, c, twin)
          assert.equal(got.length, c.steps.length)
          c.steps.forEach((step, i) => assert.deepEqual(got[i], step.expect, step.name))
        } else {
          assert.deepEqual(await jointStarts(doc, c, twin), c.expect)
        }
      })
    }
  }
}

test('the resource vectors are found', () => {
  assert.ok(FILES.length >= 1 && DOC.cases.length >= 3)
})

const OP_REQUEST = DOC.cases.find((c) => c.op === 'joint_slots').request

test('jointSlots refuses an unknown piece of equipment, a limit of 0 and the lead twice', () => {
  const doctors = doctorsOf(DOC)
  const cut = doctors['dr-cut']
  const refusals = [
    () => cut.jointSlots([doctors['dr-gas']], ['x-ray'], OP_REQUEST),
    () => cut.jointSlots([doctors['dr-gas']], ['theatre'], OP_REQUEST, null, 0),
    () => cut.jointSlots([cut], [], OP_REQUEST),
    () => cut.jointSlots([], [], { ...OP_REQUEST, now: new Date('nonsense') }),
  ]
  const fields = refusals.map((refused) => {
    try {
      refused()
    } catch (error) {
      assert.ok(error instanceof m.InvalidInputError, String(error))
      return error.field
    }
    throw new Error('not refused')
  })
  assert.equal(fields[1], 'limit')
  assert.equal(fields[3], 'request.now')
  assert.ok(fields.every((f) => typeof f === 'string' && f.length > 0), JSON.stringify(fields))
})

test('jointSlots takes a prepared occupancy and a limit; its twin refuses as the call does', async () => {
  const doctors = doctorsOf(DOC)
  const cut = doctors['dr-cut']
  const all = cut.jointSlots([doctors['dr-gas']], ['theatre'], OP_REQUEST)
  assert.ok(all.slots.length >= 2)
  const one = cut.jointSlots([doctors['dr-gas']], ['theatre'], OP_REQUEST, new m.PreparedOccupancy({ reservations: [] }), 1)
  assert.equal(one.slots.length, 1)
  assert.deepEqual(one.slots[0], all.slots[0])
  await assert.rejects(cut.jointSlotsAsync([doctors['dr-gas']], ['x-ray'], OP_REQUEST), m.InvalidInputError)
})

test('bookJoint and bookFromPool refuse with the stable codes', async () => {
  const sched = schedule(DOC)
  const bookings = new m.Bookings()
  const staff = { kind: 'staff', id: 'desk' }
  const now = new Date('2026-03-01T00:00:00Z')
  const joint = {
    appointment_id: 'op-1', patient_id: 'pat-1', doctor_id: 'dr-cut', appointment_type_id: 'op',
    clinicians: ['dr-gas'], equipment: ['theatre'], start: '2026-03-03T11:00:00Z',
  }
  assert.throws(() => bookings.bookJoint(sched, staff, now, { ...joint, clinicians: ['dr-nobody'] }), m.NotFoundError)
  assert.throws(() => bookings.bookJoint(sched, staff, now, { ...joint, surgeon: 'x' }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'request.surgeon')
    return true
  })
  const booked = await bookings.bookJointAsync(sched, staff, now, joint)
  assert.deepEqual(claim(booked.slot), { doctor_id: 'dr-cut', clinicians: ['dr-gas'], equipment: ['theatre'] })
  await assert.rejects(bookings.bookJointAsync(sched, staff, now, { ...joint, appointment_id: 'op-2', patient_id: 'pat-2' }), (error) => {
    assert.ok(error instanceof m.SlotUnavailableError)
    assert.equal(error.code, 'slot_unavailable')
    return true
  })
  const pool = {
    appointment_id: 'p-1', patient_id: 'pat-p', appointment_type_id: 'consult', start: '2026-03-03T09:00:00Z',
    pool: { id: 'gp', doctor_ids: ['dr-ash', 'dr-nobody'], rule: { rule: 'round_robin' } },
  }
  assert.throws(() => bookings.bookFromPool(sched, staff, now, pool), (error) => {
    assert.ok(error instanceof m.MedschedError)
    assert.ok(['not_found', 'invalid_input'].includes(error.code), error.code)
    return true
  })
  const fine = { ...pool, pool: { ...pool.pool, doctor_ids: ['dr-ash'] } }
  const placed = bookings.bookFromPool(sched, staff, now, fine)
  assert.equal(placed.assignment.doctor_id, 'dr-ash')
  assert.ok(placed.appointment.slot.start instanceof Date)
  await assert.rejects(bookings.bookFromPoolAsync(sched, staff, now, { ...fine, appointment_id: 'p-2', patient_id: 'pat-q' }), m.SlotUnavailableError)
})

const MAIN = { locations: [{ id: 'main', time_zone: 'UTC' }] }
const AM = [{ start: '09:00', end: '12:00' }]
const weekly = (doctorId, weekdays, sessions) => ({
  doctor_id: doctorId,
  templates: [{ id: 't', location_id: 'main', weekdays, sessions }],
})

test('a roster refuses a mistyped doctor in a calendar, naming doctor_id; a doubled one is refused too', () => {
  const rules = new m.ClinicRules(MAIN, { roster: ['dr-asha', 'dr-ben'] })
  assert.equal(new m.Availability(rules, weekly('dr-asha', ['Mon'], AM)).doctorId, 'dr-asha')
  assert.throws(() => new m.Availability(rules, weekly('dr-asa', ['Mon'], AM)), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.deepEqual([error.field, error.value, error.problem], ['doctor_id', 'dr-asa', 'unknown_reference'])
    return true
  })
  assert.throws(() => new m.ClinicRules(MAIN, { roster: ['dr-asha', 'dr-asha'] }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.problem, 'duplicate_id')
    return true
  })
  assert.throws(() => new m.ClinicRules(MAIN, { limits: { max_slots: -1 } }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'limits.max_slots')
    return true
  })
})

test('a roster refuses a reservation of a doctor not on it, naming the field', () => {
  const rules = new m.ClinicRules(MAIN, { roster: ['dr-asha'] })
  const asha = new m.Availability(rules, weekly('dr-asha', ['Mon'], [{ start: '09:00', end: '10:00' }]))
  const request = {
    appointment_type: { id: 'consult', duration_minutes: 15 },
    start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z', now: '2026-03-01T00:00:00Z',
  }
  const stranger = { id: 'a-1', doctor_id: 'dr-ahsa', start: '2026-03-02T09:00:00Z', end: '2026-03-02T09:15:00Z' }
  assert.throws(() => asha.slots(request, { reservations: [stranger] }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.match(error.field, /doctor_id$/)
    assert.equal(error.value, 'dr-ahsa')
    return true
  })
})

test('resolve merges touching open intervals with mergeOpen; resolveJson is the same JSON as bytes', () => {
  const rules = new m.ClinicRules(MAIN)
  const calendar = {
    doctor_id: 'dr-asha',
    templates: [
      { id: 'am', location_id: 'main', weekdays: ['Mon'], sessions: [{ start: '09:00', end: '12:00' }] },
      { id: 'pm', location_id: 'main', weekdays: ['Mon'], sessions: [{ start: '12:00', end: '15:00' }] },
    ],
  }
  const asha = new m.Availability(rules, calendar)
  const [start, end] = [new Date('2026-03-02T00:00:00Z'), '2026-03-03T00:00:00Z']
  const open = (intervals) => intervals.filter((i) => i.status === 'open')
  assert.equal(open(asha.resolve(start, end)).length, 2)
  const merged = open(asha.resolve(start, end, { mergeOpen: true }))
  assert.equal(merged.length, 1)
  assert.deepEqual([iso(merged[0].start), iso(merged[0].end), merged[0].rule_id], ['2026-03-02T09:00:00Z', '2026-03-02T15:00:00Z', 'am'])
  const body = asha.resolveJson(start, end)
  assert.ok(Buffer.isBuffer(body))
  const parsed = JSON.parse(body.toString())
  assert.deepEqual(parsed.map((i) => i.start), asha.resolve(start, end).map((i) => iso(i.start)))
  assert.throws(() => asha.resolveJson(new Date('nonsense'), end), (error) => error instanceof m.InvalidInputError && error.field === 'start')
})

test('firstAvailable says when the search stopped looking (truncated), as Python and Rust do', async () => {
  const rules = new m.ClinicRules(MAIN, { limits: { max_slots: 4 } })
  const monday = new m.Availability(rules, weekly('dr-mon', ['Mon'], [{ start: '10:00', end: '12:00' }]))
  const request = {
    appointment_type: { id: 'consult', duration_minutes: 15 },
    start: '2026-03-02T00:00:00Z', end: '2026-03-09T00:00:00Z', now: '2026-03-01T00:00:00Z',
  }
  const found = m.firstAvailable([[monday, null]], request, 6)
  assert.deepEqual([found.length, found.truncated], [4, true])
  const short = m.firstAvailable([[monday, null]], { ...request, end: '2026-03-02T10:45:00Z' }, 6)
  assert.deepEqual([short.length, short.truncated], [3, false])
  const later = await m.firstAvailableAsync([[monday, null]], request, 6)
  assert.deepEqual([later.length, later.truncated], [4, true])
  assert.deepEqual(Object.keys(found).length, 4, 'truncated is not an element or an enumerable key')
})

test('weekday forms (Mon, Monday, MO, ISO 1) and a break closed as rule break', () => {
  const rules = new m.ClinicRules(MAIN)
  const forms = [['Mon'], ['Monday'], ['MO'], [1], ['1']]
  const session = { start: '09:00', end: '13:00', breaks: [{ start: '11:00', end: '11:15' }] }
  const answers = forms.map((weekdays) => new m.Availability(rules, weekly('dr-a', weekdays, [session])).resolve('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'))
  for (const answer of answers) assert.deepEqual(answer, answers[0])
  const why = new m.Availability(rules, weekly('dr-a', [1], [session])).explain('2026-03-02T11:05:00Z')
  assert.deepEqual([why.status, why.rule], ['closed', 'break'])
  assert.throws(() => new m.Availability(rules, weekly('dr-a', [8], [session])), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'templates[0].weekdays[0]')
    return true
  })
})

test('booking limits on calendars and types and grid options cross as JSON', () => {
  const rules = new m.ClinicRules(MAIN)
  const calendar = { ...weekly('dr-a', ['Mon'], [{ start: '09:00', end: '11:00' }]), booking_limits: { per_day: 1 } }
  const doctor = new m.Availability(rules, calendar)
  const request = {
    appointment_type: { id: 'consult', duration_minutes: 30, start_offset_minutes: 5 },
    start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z', now: '2026-03-01T00:00:00Z',
  }
  const free = doctor.slots(request)
  assert.ok(free.slots.length > 0)
  assert.ok(free.slots.every((s) => s.start.getUTCMinutes() % 15 === 5), JSON.stringify(free.slots.map((s) => s.start)))
  const booked = { id: 'a-1', doctor_id: 'dr-a', start: free.slots[0].start, end: free.slots[0].end }
  const full = doctor.slots(request, { reservations: [booked] }, { include_unavailable: true })
  assert.equal(full.slots.length, 0)
  assert.ok(full.unavailable.some((u) => u.reason.code === 'limit_reached'), JSON.stringify(full.unavailable))
  assert.throws(() => new m.Availability(rules, { ...calendar, booking_limits: { per_day: -1 } }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'booking_limits.per_day')
    return true
  })
})

test('Tokens take Limits, refused by field', () => {
  assert.ok(new m.Tokens(new m.InMemoryStore(), { limits: { max_slots: 1000 } }))
  assert.throws(() => new m.Tokens(new m.InMemoryStore(), { limits: { max_tokens: 'many' } }), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.match(error.field, /^limits/)
    return true
  })
})
