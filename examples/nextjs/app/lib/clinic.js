// The clinic the route handlers share: one tenant's compiled schedule, the booking and token
// services over medsched's in-memory store (a deployment passes openStore(process.env.
// CLINIC_DB) or its own store instead), and the queue board's listeners. Kept on globalThis:
// Next.js may load this module once per route bundle, and they must share one clinic.
import { EventEmitter } from 'node:events'
import { Bookings, InMemoryStore, Schedule, Tokens } from 'medsched'

export const TENANT = 'clinic-1'
export const DOCTOR = 'dr-lee'
/** Kochi keeps +05:30 all year, so a local date's bounds are plain ISO text. */
export const OFFSET = '+05:30'

function create() {
  const schedule = new Schedule({
    tenant: TENANT,
    clinic: { locations: [{ id: 'kochi', time_zone: 'Asia/Kolkata', name: 'Kochi clinic' }] },
    calendars: [
      {
        doctor_id: DOCTOR,
        templates: [
          {
            id: 'opd',
            location_id: 'kochi',
            weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
            sessions: [{ start: '09:00', end: '13:00' }],
          },
        ],
      },
    ],
    appointmentTypes: [{ id: 'consult', duration_minutes: 15 }],
  })
  const store = new InMemoryStore()
  return { schedule, bookings: new Bookings(store), tokens: new Tokens(store), board: new EventEmitter() }
}

export const clinic = (globalThis.medschedClinic ??= create())

/** Today's date in the clinic's zone. */
export const today = (now = new Date()) => clinic.schedule.bookDate(now)

/** The token desk's day and rules: one session through the clinic's day. */
export function desk(now = new Date()) {
  const date = today(now)
  return {
    day: { tenant: TENANT, doctor_id: DOCTOR, date },
    rules: { sessions: [{ id: 'day', start: `${date}T00:00:00${OFFSET}`, end: `${date}T23:59:00${OFFSET}` }] },
  }
}

/** What the queue board shows. */
export async function boardView(now = new Date()) {
  const queue = await clinic.tokens.queueAsync(desk(now).day)
  const called = queue.lastCalled()
  return {
    called: called ? called.number : null,
    line: queue.line(),
    waiting: queue.waiting().map((t) => ({ number: t.number, patient_id: t.patient_id })),
  }
}

/** A MedschedError as the JSON answer a route handler gives. */
export function refusal(error) {
  if (!error || typeof error.code !== 'string' || !error.report) throw error
  const status = { invalid_input: 400, not_found: 404, slot_unavailable: 409, invalid_transition: 409, policy_violation: 403, conflict: 409 }[error.code] ?? 500
  return Response.json({ error: error.report }, { status })
}
