// medsched's errors, each thrown by a real call: an `Error` subclass per stable code (the
// same codes as Python), with the fields that say why; and Dates refused or read.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const m = require('..')
const w = require('./world.js')

const CLASSES = [
  [m.InvalidInputError, 'invalid_input'],
  [m.NotFoundError, 'not_found'],
  [m.SlotUnavailableError, 'slot_unavailable'],
  [m.InvalidTransitionError, 'invalid_transition'],
  [m.PolicyViolationError, 'policy_violation'],
  [m.ConflictError, 'conflict'],
  [m.RateLimitedError, 'rate_limited'],
  [m.StorageError, 'storage'],
]

test('every error class is a MedschedError and an Error with its stable code', () => {
  for (const [Class, code] of CLASSES) {
    const made = new Class({ message: 'x' })
    assert.ok(made instanceof m.MedschedError && made instanceof Error)
    assert.equal(made.code, code)
    assert.equal(made.name, Class.name)
  }
})

test('invalid_input names the field, the value and the problem', () => {
  const bad = { locations: [{ id: 'main', time_zone: 'Mars/Olympus_Mons' }] }
  assert.throws(() => new m.ClinicRules(bad), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.deepEqual([error.code, error.field, error.value, error.problem, error.problem_message], [
      'invalid_input', 'locations[0].time_zone', 'Mars/Olympus_Mons', 'unknown_time_zone', 'unknown IANA time zone',
    ])
    assert.equal(error.message, 'invalid locations[0].time_zone = "Mars/Olympus_Mons": unknown IANA time zone')
    assert.equal(error.report.field, error.field)
    return true
  })
  assert.throws(
    () => new m.Schedule({ tenant: w.TENANT, clinic: w.clinic(), calendars: [], appointmentTypes: [], bookTimeZone: 'Mars/X' }),
    { code: 'invalid_input', field: 'book_time_zone', problem: 'unknown_time_zone' },
  )
})

test('a Schedule takes raised limits: what the defaults refuse goes through', () => {
  const holidays = Array.from({ length: 33 }, (_, i) => ({
    id: `h${i}`, first: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
    last: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`, rrule: 'FREQ=YEARLY',
  }))
  const init = { tenant: w.TENANT, clinic: { ...w.clinic(), holidays }, calendars: [], appointmentTypes: [] }
  assert.throws(() => new m.Schedule(init), {
    code: 'invalid_input', field: 'holidays[].rrule', value: '33 entries', problem: 'out_of_range',
  })
  assert.equal(new m.Schedule({ ...init, limits: { max_recurrence_rules: 40 } }).tenant, w.TENANT)
  assert.throws(() => new m.Schedule({ ...init, limits: { max_rules: 40 } }), {
    code: 'invalid_input', field: 'limits.max_rules',
  })
})

test('an Invalid Date is refused naming the field, never read as 1970', () => {
  const schedule = w.schedule()
  const bookings = new m.Bookings()
  assert.throws(() => bookings.book(schedule, w.STAFF, new Date('nope'), w.bookRequest('a-1', w.at(w.MON, '09:00'))), {
    name: 'InvalidInputError', field: 'now', value: 'Invalid Date',
  })
  assert.throws(() => bookings.book(schedule, w.STAFF, w.NOW, w.bookRequest('a-1', new Date(Number.NaN))), {
    code: 'invalid_input', field: 'request.start', value: 'Invalid Date',
  })
  assert.throws(() => schedule.availability('dr-a').explain(new Date('')), { field: 'at', value: 'Invalid Date' })
  assert.throws(() => bookings.day(schedule, 'tomorrow'), { field: 'date', value: 'tomorrow' })
  assert.equal(bookings.day(schedule, w.MON).appointments().length, 0, 'nothing was booked')
})

test('ISO strings are read where Dates are', () => {
  const schedule = w.schedule()
  const bookings = new m.Bookings()
  const booked = bookings.book(schedule, w.STAFF, '2026-03-01T08:00:00Z', w.bookRequest('a-1', '2026-03-02T10:00:00+01:00'))
  assert.ok(booked.slot.start instanceof Date)
  assert.equal(booked.slot.start.toISOString(), '2026-03-02T09:00:00.000Z')
  assert.equal(schedule.bookDate('2026-03-02T23:30:00Z'), w.MON)
})

test('not_found names the kind and the id', () => {
  const bookings = new m.Bookings()
  assert.throws(() => bookings.cancel(w.schedule(), w.STAFF, w.NOW, w.MON, 'a-404'), (error) => {
    assert.ok(error instanceof m.NotFoundError)
    assert.deepEqual([error.code, error.kind, error.id, error.message], ['not_found', 'appointment', 'a-404', 'appointment "a-404" not found'])
    return true
  })
  const tokens = new m.Tokens()
  assert.throws(() => tokens.execute(w.queueDay(), w.queueRules(), w.STAFF, w.NOW, { action: 'check_in', number: 7 }), {
    code: 'not_found', kind: 'token', id: '7',
  })
})

test('slot_unavailable says which slot and why, its start a Date', () => {
  const schedule = w.schedule()
  const bookings = new m.Bookings()
  bookings.book(schedule, w.STAFF, w.NOW, w.bookRequest('a-1', w.at(w.MON, '09:00')))
  const cases = [
    [w.at(w.THU, '10:00'), { code: 'closed', rule: 'leave', rule_id: 'annual-leave' }],
    [w.at(w.MON, '09:00'), { code: 'booked' }],
    [w.at(w.MON, '13:00'), { code: 'closed', rule: 'outside_hours', rule_id: null }],
  ]
  for (const [start, reason] of cases) {
    assert.throws(() => bookings.book(schedule, w.PATIENT, w.NOW, w.bookRequest('a-2', start)), (error) => {
      assert.ok(error instanceof m.SlotUnavailableError)
      assert.equal(error.doctor_id, 'dr-a')
      assert.ok(error.start instanceof Date && error.start.getTime() === start.getTime())
      assert.deepEqual({ ...error.reason, rule_id: error.reason.rule_id ?? null, rule: error.reason.rule }, {
        rule_id: null, rule: undefined, ...reason,
      })
      return true
    })
  }
})

test('invalid_transition names the status and the action', () => {
  const schedule = w.schedule()
  const bookings = new m.Bookings()
  bookings.book(schedule, w.PATIENT, w.NOW, w.bookRequest('a-1', w.at(w.MON, '09:00')))
  bookings.cancel(schedule, w.PATIENT, w.NOW, w.MON, 'a-1')
  assert.throws(() => bookings.complete(schedule, w.STAFF, w.at(w.MON, '09:30'), w.MON, 'a-1'), {
    name: 'InvalidTransitionError', code: 'invalid_transition', kind: 'appointment', id: 'a-1', from: 'cancelled', action: 'complete',
    message: 'cannot complete appointment "a-1": it is cancelled',
  })
})

test('policy_violation names the rule', () => {
  const schedule = w.schedule()
  const bookings = new m.Bookings()
  bookings.book(schedule, w.PATIENT, w.NOW, w.bookRequest('a-1', w.at(w.MON, '09:00'), 'dr-a', 'pat-1', 'limited'))
  assert.throws(() => bookings.cancel(schedule, w.PATIENT, w.at(w.MON, '08:00'), w.MON, 'a-1'), (error) => {
    assert.ok(error instanceof m.PolicyViolationError)
    assert.equal(error.code, 'policy_violation')
    assert.equal(error.action, 'cancel')
    assert.equal(typeof error.rule, 'string')
    return true
  })
})

test('conflict: a JS store whose stream always moved, after the retries', async () => {
  const store = new w.MapStore()
  store.append = async (stream, expected) => {
    store.appends += 1
    throw new m.ConflictError({ message: 'moved', expected, actual: expected + 1 })
  }
  const bookings = new m.Bookings(store, { maxAttempts: 3 })
  await assert.rejects(bookings.bookAsync(w.schedule(), w.STAFF, w.NOW, w.bookRequest('a-1', w.at(w.MON, '09:00'))), (error) => {
    assert.ok(error instanceof m.ConflictError)
    assert.equal(error.stream, 'clinic-1/2026-03-02')
    assert.equal(error.retry_safe, true)
    return true
  })
  assert.equal(store.appends, 3)
})

test('storage: what a JS store threw, by name, and data it garbled', async () => {
  const broken = new w.MapStore()
  broken.load = async () => {
    throw new RangeError('disk on fire')
  }
  await assert.rejects(new m.Bookings(broken).dayAsync(w.schedule(), w.MON), {
    name: 'StorageError', code: 'storage', storage_kind: 'RangeError', message: 'storage failed: load: RangeError: disk on fire',
  })
  const garbled = new w.MapStore()
  garbled.load = async () => ({ version: 1, events: ['{"not": "an event"}'] })
  await assert.rejects(new m.Bookings(garbled).dayAsync(w.schedule(), w.MON), (error) => {
    assert.ok(error instanceof m.StorageError)
    assert.match(error.message, /load returned data medsched cannot read/)
    return true
  })
  assert.throws(() => m.openStore('mysql://db/clinic'), { code: 'invalid_input', field: 'url' })
})

test('storage: the cause is the store\'s own error, as new Error(message, { cause }) keeps it', async () => {
  const broken = new w.MapStore()
  broken.load = async () => {
    throw new RangeError('disk on fire')
  }
  await assert.rejects(new m.Bookings(broken).dayAsync(w.schedule(), w.MON), (error) => {
    assert.ok(error instanceof m.StorageError)
    assert.ok(error.cause instanceof Error)
    assert.equal(error.cause.name, 'RangeError')
    assert.equal(error.cause.message, 'load: RangeError: disk on fire')
    assert.equal(error.cause.message, error.storage_message)
    assert.equal(Object.keys(error).includes('cause'), false)
    return true
  })
  const made = new m.StorageError({ message: 'storage failed: timed out', storage_message: 'timed out' })
  assert.equal(made.cause.name, 'Error')
  assert.equal(made.cause.message, 'timed out')
  assert.equal(new m.InvalidInputError({ field: 'now' }).cause, undefined)
})

test('a sync call over a JS store is refused: its Promises settle on this very thread', () => {
  const bookings = new m.Bookings(new w.MapStore())
  assert.throws(() => bookings.day(w.schedule(), w.MON), { code: 'invalid_input', field: 'store' })
})

test('unknown names: actions and estimators', () => {
  const bookings = new m.Bookings()
  assert.throws(() => bookings.appointmentAction('uncancel', w.schedule(), w.STAFF, w.NOW, w.MON, 'a-1'), {
    code: 'invalid_input', field: 'action', value: 'uncancel', problem: 'unknown_reference',
  })
  assert.throws(() => m.estimateWaits('crystal_ball', {}, {}), { field: 'estimator', value: 'crystal_ball' })
  assert.throws(() => m.checkMeetLink('https://example.com/x'), { code: 'invalid_input' })
})
