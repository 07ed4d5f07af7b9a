// Clinic rules, one doctor's availability, slot searches (as objects or as a JSON response body),
// and a tenant's schedule.
'use strict'

const native = require('../native.js')
const { call, settle } = require('./errors.js')
const { instant, day, json, occupancyColumns, read, readList, slotsOf, seriesOf } = require('./values.js')

/** A clinic's compiled rules. */
class ClinicRules {
  /** `limits` raises the bounds (the defaults when absent); `roster`, the ids of the
   * clinic's doctors, refuses a calendar or reservation of any other doctor. */
  constructor(clinic, { limits = null, roster = null } = {}) {
    this._native =
      clinic instanceof native.ClinicRules
        ? clinic
        : call(() => new native.ClinicRules(json(clinic), limits == null ? null : json(limits), roster))
  }

  timeZone(locationId) {
    return this._native.timeZone(locationId)
  }
}

/** What is taken, read once and kept for many searches. */
class PreparedOccupancy {
  constructor(occupancy) {
    this._native =
      occupancy instanceof native.Occupancy
        ? occupancy
        : (fromColumns(occupancy) ?? call(() => new native.Occupancy(json(occupancy))))
    this._native.prepare()
  }

  toJSON() {
    return read('Occupancy', this._native.toJson())
  }
}

/** A plain object's occupancy read natively from columns; null when only its JSON can
 * carry it (see occupancyColumns). */
function fromColumns(occupancy) {
  const columns = occupancyColumns(occupancy)
  if (columns === null) return null
  try {
    return native.occupancyFromColumns(columns)
  } catch {
    return null
  }
}

/** An occupancy argument: prepared, a plain object, or nothing taken. */
function occupancyArg(occupancy) {
  if (occupancy == null) return null
  if (occupancy instanceof PreparedOccupancy) return occupancy._native
  return fromColumns(occupancy) ?? json(occupancy)
}

/** One doctor's compiled availability. */
class Availability {
  constructor(rules, calendar) {
    this._native =
      calendar instanceof native.Availability ? calendar : call(() => new native.Availability(rules._native, json(calendar)))
  }

  get doctorId() {
    return this._native.doctorId
  }

  /** The doctor's time, open and closed; with `mergeOpen`, open intervals that touch are
   * one interval. */
  resolve(start, end, { mergeOpen = false } = {}) {
    return readList('Interval', call(() => this._native.resolve(instant(start), instant(end), mergeOpen)))
  }

  /** As `resolve`, as the UTF-8 bytes of the intervals' JSON (a Buffer): a response body. */
  resolveJson(start, end) {
    return call(() => this._native.resolveJson(instant(start), instant(end)))
  }

  resolveDates(locationId, first, last) {
    return readList('Interval', call(() => this._native.resolveDates(locationId, day(first), day(last))))
  }

  explain(at) {
    return read('Explanation', call(() => this._native.explain(instant(at))))
  }

  slots(request, occupancy = null, options = null) {
    return seriesOf(call(() => this._native.slots(json(request), occupancyArg(occupancy), options && json(options))))
  }

  async slotsAsync(request, occupancy = null, options = null) {
    return seriesOf(
      await settle(() => this._native.slotsAsync(json(request), occupancyArg(occupancy), options && json(options))),
    )
  }

  /** The slots as the UTF-8 bytes of their `SlotSeries` JSON (a Buffer), written natively: a
   * route handler's response body as it is (`new Response(body)`). */
  slotsJson(request, occupancy = null, options = null) {
    return call(() => this._native.slotsJson(json(request), occupancyArg(occupancy), options && json(options)))
  }

  async slotsJsonAsync(request, occupancy = null, options = null) {
    return settle(() => this._native.slotsJsonAsync(json(request), occupancyArg(occupancy), options && json(options)))
  }

  /** The slots this doctor can take with every doctor of `others` and a seat of every
   * piece of `equipment` (room ids) at once, at most `limit`. */
  jointSlots(others, equipment, request, occupancy = null, limit = null) {
    return read('SlotSeries', call(() => this._native.jointSlots(...jointArgs(others, equipment, request, occupancy, limit))))
  }

  async jointSlotsAsync(others, equipment, request, occupancy = null, limit = null) {
    const args = jointArgs(others, equipment, request, occupancy, limit)
    return read('SlotSeries', await settle(() => this._native.jointSlotsAsync(...args)))
  }
}

function jointArgs(others, equipment, request, occupancy, limit) {
  const taken = occupancy instanceof PreparedOccupancy ? occupancy._native : occupancy == null ? null : json(occupancy)
  return [others.map((other) => other._native), equipment, json(request), taken, limit]
}

function doctorArgs(doctors) {
  return [doctors.map(([doctor]) => doctor._native), doctors.map(([, occupancy]) => occupancyArg(occupancy))]
}

/** The first slots of a search, with its `truncated` flag (the search stopped looking
 * before the end of the window; more slots may follow). */
function firstSlots(columns) {
  const slots = slotsOf(columns.slots)
  const { truncated } = JSON.parse(columns.rest)
  return Object.defineProperty(slots, 'truncated', { value: truncated, enumerable: false })
}

/** The first `count` slots across doctors: `[availability, occupancy]` pairs. The array
 * has `truncated`. */
function firstAvailable(doctors, request, count) {
  const [list, occupancies] = doctorArgs(doctors)
  return firstSlots(call(() => native.firstAvailableSlots(list, occupancies, json(request), count)))
}

async function firstAvailableAsync(doctors, request, count) {
  const [list, occupancies] = doctorArgs(doctors)
  return firstSlots(await settle(() => native.firstAvailableSlotsAsync(list, occupancies, json(request), count)))
}

/** Each doctor's slots for one request, in the doctors' order. */
function slotsForDoctors(doctors, request, options = null) {
  const [list, occupancies] = doctorArgs(doctors)
  return call(() => native.slotsForDoctors(list, occupancies, json(request), options && json(options))).map(seriesOf)
}

async function slotsForDoctorsAsync(doctors, request, options = null) {
  const [list, occupancies] = doctorArgs(doctors)
  const found = await settle(() => native.slotsForDoctorsAsync(list, occupancies, json(request), options && json(options)))
  return found.map(seriesOf)
}

/** Each doctor's slots for one request as the UTF-8 bytes of their JSON (a Buffer): a list
 * of `SlotSeries`, in the doctors' order. */
function slotsForDoctorsJson(doctors, request, options = null) {
  const [list, occupancies] = doctorArgs(doctors)
  return call(() => native.slotsForDoctorsJson(list, occupancies, json(request), options && json(options)))
}

async function slotsForDoctorsJsonAsync(doctors, request, options = null) {
  const [list, occupancies] = doctorArgs(doctors)
  return settle(() => native.slotsForDoctorsJsonAsync(list, occupancies, json(request), options && json(options)))
}

/** A tenant's compiled clinic, doctors and appointment types. */
class Schedule {
  constructor({ tenant, clinic, calendars, appointmentTypes, bookTimeZone = null, limits = null }) {
    this._native = call(
      () =>
        new native.Schedule(
          tenant,
          json(clinic),
          json(calendars),
          json(appointmentTypes),
          bookTimeZone ?? null,
          limits == null ? null : json(limits),
        ),
    )
  }

  get tenant() {
    return this._native.tenant
  }

  get bookTimeZone() {
    return this._native.bookTimeZone
  }

  bookDate(at) {
    return call(() => this._native.bookDate(instant(at)))
  }

  setCalendar(calendar) {
    call(() => this._native.setCalendar(json(calendar)))
  }

  availability(doctorId) {
    return new Availability(null, call(() => this._native.availability(doctorId)))
  }

  appointmentType(id) {
    return read('AppointmentType', call(() => this._native.appointmentType(id)))
  }

  doctorIds() {
    return this._native.doctorIds()
  }

  clinicRules() {
    return new ClinicRules(this._native.clinicRules())
  }
}

module.exports = {
  ClinicRules,
  Availability,
  PreparedOccupancy,
  Schedule,
  firstAvailable,
  firstAvailableAsync,
  slotsForDoctors,
  slotsForDoctorsAsync,
  slotsForDoctorsJson,
  slotsForDoctorsJsonAsync,
}
