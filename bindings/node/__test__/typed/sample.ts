// A typed usage sample: `tsc --noEmit` checks it against index.d.ts and types.d.ts.
import * as m from '../..'

const clinic: m.Clinic = { locations: [{ id: 'main', time_zone: 'Europe/London' }] }
const calendar: m.DoctorCalendar = {
  doctor_id: 'dr-a',
  templates: [{ id: 'opd', location_id: 'main', weekdays: ['Mon'], sessions: [{ start: '09:00', end: '12:00' }] }],
}
const schedule = new m.Schedule({ tenant: 'clinic-1', clinic, calendars: [calendar], appointmentTypes: [{ id: 'consult', duration_minutes: 15 }] })
const doctor: m.Availability = schedule.availability('dr-a')
const now = new Date('2026-03-01T08:00:00Z')
const series: m.SlotSeries = doctor.slots({ appointment_type: { id: 'consult', duration_minutes: 15 }, start: now, end: '2026-03-03T00:00:00Z', now })
const first: m.Slot | undefined = series.slots[0]
const startsAt: Date | undefined = first?.start
const booked: m.Occupancy = {
  reservations: [{ id: 'a-0', doctor_id: 'dr-a', start: now, end: new Date(now.getTime() + 900000), expires_at: null }],
}
const body: m.JsonBody<m.SlotSeries> = doctor.slotsJson({ appointment_type: { id: 'consult', duration_minutes: 15 }, start: now, end: now, now }, booked)
const response: Response = new Response(body, { headers: { 'content-type': 'application/json' } })
const sent: Response = m.jsonResponse(body, { status: 200, headers: { 'cache-control': 'no-store' } })
const everyDoctor: Promise<m.JsonBody<m.SlotSeries[]>> = m.slotsForDoctorsJsonAsync([[doctor, booked]], { appointment_type: { id: 'consult', duration_minutes: 15 }, start: now, end: now, now })
const actor: m.Actor = { kind: 'patient', id: 'pat-1' }
const kind: m.ActorKind = actor.kind

async function flow(store: m.EventStore): Promise<string> {
  const bookings = new m.Bookings(store, { maxAttempts: 8 })
  const hold: m.Hold = await bookings.holdAsync(schedule, actor, now, {
    hold_id: 'h-1', patient_id: 'pat-1', doctor_id: 'dr-a', appointment_type_id: 'consult', start: startsAt ?? now,
  })
  const booked: m.Appointment = await bookings.bookHoldAsync(schedule, actor, now, '2026-03-02', hold.id, 'a-1')
  const status: m.AppointmentStatus = booked.status
  try {
    bookings.cancel(schedule, actor, now, '2026-03-02', 'a-404')
  } catch (error) {
    if (error instanceof m.NotFoundError) return `${error.code} ${error.kind ?? ''} ${status}`
  }
  return status
}

const tokens = new m.Tokens()
const day: m.QueueDay = { tenant: 'clinic-1', doctor_id: 'dr-a', date: '2026-03-02' }
const update: m.QueueUpdate = tokens.issue(day, { sessions: [] }, actor, now, { token_id: 't-1', kind: 'walk_in', patient_id: 'pat-1' })
const line: number[] = update.queue.line()
const waits: m.WaitEstimate[] = tokens.waitEstimates(day, { sessions: [] }, now, m.historyFromDurations([10]), 'moving_average', { window: 5 })

const week: m.InteropExport = { doctor_id: 'dr-a', time_zone: 'Europe/London', start: now, end: '2026-03-08T00:00:00Z', now, intervals: doctor.resolve(now, '2026-03-08T00:00:00Z') }
const feed: string = m.icsFeed(week)
const bundle: Record<string, any> = m.fhirSlotSearch(week, { schedule: 'dr-a.main', start_ge: now, status: 'free' })
const busy: m.BusyTime[] = m.readIcs(feed, { start: now, end: '2026-03-08T00:00:00Z', time_zone: 'Europe/London' })
const imported: m.ImportedAppointment[] = m.readFhir(bundle, { max_components: 100 }).appointments

const rules = new m.ClinicRules(clinic, { roster: ['dr-a'], limits: { max_slots: 5000 } })
const merged: m.Interval[] = new m.Availability(rules, calendar).resolve(now, '2026-03-08T00:00:00Z', { mergeOpen: true })
const intervalsBody: m.JsonBody<m.Interval[]> = doctor.resolveJson(now, '2026-03-08T00:00:00Z')
const request: m.Input<m.SlotRequest> = { appointment_type: { id: 'consult', duration_minutes: 15 }, start: now, end: now, now }
const earliest: m.SlotList = m.firstAvailable([[doctor, null]], request, 3)
const stopped: boolean = earliest.truncated
const together: m.SlotSeries = doctor.jointSlots([], ['theatre'], request, booked, 10)
const limitedTokens = new m.Tokens(undefined, { maxAttempts: 4, limits: { max_slots: 100 } })

async function teams(bookings: m.Bookings): Promise<string> {
  const joint: m.Appointment = await bookings.bookJointAsync(schedule, actor, now, {
    appointment_id: 'op-1', patient_id: 'pat-1', doctor_id: 'dr-a', appointment_type_id: 'consult',
    clinicians: ['dr-b'], equipment: ['theatre'], start: now,
  })
  const pooled: m.PoolBooking = bookings.bookFromPool(schedule, actor, now, {
    appointment_id: 'p-1', patient_id: 'pat-2', appointment_type_id: 'consult', start: now,
    pool: { id: 'gp', doctor_ids: ['dr-a'], rule: { rule: 'round_robin' } },
  })
  return `${joint.id} ${pooled.assignment.doctor_id}`
}

export { flow, line, waits, kind, response, sent, everyDoctor, busy, imported, merged, intervalsBody, stopped, together, limitedTokens, teams }
