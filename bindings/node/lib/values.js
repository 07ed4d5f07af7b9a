// Values between JavaScript and the native side: plain objects and `Date`s to the core's
// JSON (and bookings to columns of numbers), the core's JSON and slot columns back to plain
// objects with `Date`s.
'use strict'

const plans = require('../dates.js')

// ---------------------------------------------------------------------------------------
// Values in

/** An instant as the core reads it: a `Date` as ISO text, a string as it is. An Invalid
 * Date is passed as `"Invalid Date"`, which the core refuses naming the field. */
function instant(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  return typeof value === 'string' ? value : String(value)
}

/** A calendar date (`YYYY-MM-DD`) as the core reads it. */
function day(value) {
  return typeof value === 'string' ? value : String(value)
}

function replacer(key, value) {
  const original = this[key]
  return original instanceof Date ? instant(original) : value
}

/** A record as the core's JSON; `Date`s anywhere in it as instants. */
function json(value) {
  return JSON.stringify(value ?? null, replacer)
}

// ---------------------------------------------------------------------------------------
// Bookings in, as columns

/** The milliseconds of the `Date`s whose ISO text the core reads (years 0-9999). */
const EARLIEST_MS = -62167219200000
const LATEST_MS = 253402300799999

/** A `Date`'s milliseconds, or NaN when it is not a valid `Date` of those years. */
function millis(value) {
  if (!(value instanceof Date)) return NaN
  const ms = value.getTime()
  return ms >= EARLIEST_MS && ms <= LATEST_MS ? ms : NaN
}

/** A count field (`u32`): its default when absent; -1 when not a count. */
function counted(value, fallback) {
  if (value === undefined) return fallback
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : -1
}

const OCCUPANCY_FIELDS = new Set(['reservations', 'busy'])
const RESERVATION_FIELDS = new Set([
  'id',
  'doctor_id',
  'start',
  'end',
  'buffer_before_minutes',
  'buffer_after_minutes',
  'seats',
  'mode',
  'room_id',
  'expires_at',
])
const BUSY_FIELDS = new Set(['id', 'start', 'end'])

/** Whether `value` is a plain record whose enumerable fields are all among `fields`. */
function record(value, fields) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof value.toJSON === 'function') {
    return false
  }
  for (const key in value) if (!fields.has(key)) return false
  return true
}

/** A list field: its items, `[]` when absent, null when not a list. */
const items = (value) => (value === undefined ? [] : Array.isArray(value) ? value : null)

/**
 * An `Occupancy` of plain objects as the native side's columns (`OccupancyColumns`): each
 * instant a `Date`'s milliseconds, the ids in one JSON list. Null when the object holds what
 * only its JSON can carry (instant text, an Invalid Date, an unknown field, a value of the
 * wrong type): the JSON path reads those, and refuses what it must naming the field.
 */
function occupancyColumns(occupancy) {
  if (!record(occupancy, OCCUPANCY_FIELDS)) return null
  const reservations = items(occupancy.reservations)
  const busy = items(occupancy.busy)
  if (reservations === null || busy === null) return null
  const n = reservations.length
  const texts = new Array(n * 4 + busy.length)
  const instants = new Float64Array(n * 3 + busy.length * 2)
  const counts = new Uint32Array(n * 3)
  for (let i = 0; i < n; i++) {
    const r = reservations[i]
    if (!record(r, RESERVATION_FIELDS)) return null
    const { id, doctor_id: doctor, room_id: room = null, mode = null, expires_at: expires = null } = r
    if (typeof id !== 'string' || typeof doctor !== 'string') return null
    if ((room !== null && typeof room !== 'string') || (mode !== null && typeof mode !== 'string')) return null
    if (r.mode === null) return null
    const start = millis(r.start)
    const end = millis(r.end)
    const lapses = expires === null ? NaN : millis(expires)
    if (Number.isNaN(start) || Number.isNaN(end) || (expires !== null && Number.isNaN(lapses))) return null
    const before = counted(r.buffer_before_minutes, 0)
    const after = counted(r.buffer_after_minutes, 0)
    const seats = counted(r.seats, 1)
    if (before < 0 || after < 0 || seats < 0) return null
    texts[i * 4] = id
    texts[i * 4 + 1] = doctor
    texts[i * 4 + 2] = room
    texts[i * 4 + 3] = mode
    instants[i * 3] = start
    instants[i * 3 + 1] = end
    instants[i * 3 + 2] = lapses
    counts[i * 3] = before
    counts[i * 3 + 1] = after
    counts[i * 3 + 2] = seats
  }
  for (let i = 0; i < busy.length; i++) {
    const b = busy[i]
    if (!record(b, BUSY_FIELDS) || typeof b.id !== 'string') return null
    const start = millis(b.start)
    const end = millis(b.end)
    if (Number.isNaN(start) || Number.isNaN(end)) return null
    texts[n * 4 + i] = b.id
    instants[n * 3 + i * 2] = start
    instants[n * 3 + i * 2 + 1] = end
  }
  return { reservations: n, texts: JSON.stringify(texts), instants, counts }
}

// ---------------------------------------------------------------------------------------
// Values out

const converters = new Map()

function converter(plan) {
  if (plan === 'D') return (v) => (typeof v === 'string' ? new Date(v) : v)
  if (plan.ref) return (v) => revive(plan.ref, v)
  if (plan.items) {
    const item = converter(plan.items)
    return (v) => {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = item(v[i])
      return v
    }
  }
  if (plan.tag) {
    const cases = Object.fromEntries(Object.entries(plan.cases).map(([k, p]) => [k, converter(p)]))
    return (v) => {
      const each = v && cases[v[plan.tag]]
      return each ? each(v) : v
    }
  }
  if (plan.all) {
    const parts = plan.all.map(converter)
    return (v) => parts.reduce((value, part) => part(value), v)
  }
  const props = Object.entries(plan.props ?? {}).map(([k, p]) => [k, converter(p)])
  const rest = plan.rest ? converter(plan.rest) : null
  return (v) => {
    if (v === null || typeof v !== 'object') return v
    for (const [key, each] of props) if (v[key] != null) v[key] = each(v[key])
    if (rest) for (const key of Object.keys(v)) if (!(key in plan.props) && v[key] != null) v[key] = rest(v[key])
    return v
  }
}

/** A record of the core's type `name` (parsed JSON) with its instants as `Date`s. */
function revive(name, value) {
  let each = converters.get(name)
  if (each === undefined) {
    each = plans[name] ? converter(plans[name]) : (v) => v
    converters.set(name, each)
  }
  return each(value)
}

/** JSON text of the core's type `name`, read. */
const read = (name, text) => (text == null ? null : revive(name, JSON.parse(text)))

/** JSON text of a list of the core's type `name`, read. */
function readList(name, text) {
  const list = JSON.parse(text)
  for (let i = 0; i < list.length; i++) list[i] = revive(name, list[i])
  return list
}

/** Text of two digits. */
const two = (n) => (n < 10 ? `0${n}` : `${n}`)
const DAY_MS = 86400000
const dayTexts = new Map()
const timeTexts = new Map()

/** A wall-clock time given in milliseconds as if UTC, as the core writes it (each date's
 * and each time of day's text made once). */
function wall(ms) {
  const day = Math.floor(ms / DAY_MS)
  let date = dayTexts.get(day)
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10)
    dayTexts.set(day, date)
  }
  const within = ms - day * DAY_MS
  let time = timeTexts.get(within)
  if (time === undefined) {
    const seconds = Math.floor(within / 1000)
    time = `T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`
    timeTexts.set(within, time)
  }
  return date + time
}

/** Slots from the native side's columns, as `Slot` objects. */
function slotsOf(columns) {
  const places = JSON.parse(columns.places)
  const { start, end, place } = columns
  const local = columns.localStart
  const before = columns.bufferBeforeMinutes
  const after = columns.bufferAfterMinutes
  const left = columns.capacityLeft
  const slots = new Array(start.length)
  for (let i = 0; i < start.length; i++) {
    const at = places[place[i]]
    slots[i] = {
      doctor_id: at.doctor_id,
      location_id: at.location_id,
      room_id: at.room_id ?? null,
      start: new Date(start[i]),
      end: new Date(end[i]),
      local_start: wall(local[i]),
      buffer_before_minutes: before[i],
      buffer_after_minutes: after[i],
      capacity_left: left[i],
    }
  }
  return slots
}

/** A slot search's result from the native side's columns, as a `SlotSeries`. */
function seriesOf(columns) {
  const rest = JSON.parse(columns.rest)
  return { slots: slotsOf(columns.slots), unavailable: revive('SlotSeries', { unavailable: rest.unavailable }).unavailable, truncated: rest.truncated }
}

module.exports = { instant, day, json, occupancyColumns, revive, read, readList, slotsOf, seriesOf }
