// The typed API of the npm package medsched (hand-written over the generated native.d.ts;
// the records are in types.d.ts, generated from the core's JSON Schema).
import type * as T from './types'

export * from './types'

/** An instant: a `Date` (an Invalid Date is refused) or ISO 8601 text with an offset. */
export type Instant = Date | string
/** A calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string
/** The stable codes of medsched's errors, the same in every language. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'slot_unavailable'
  | 'invalid_transition'
  | 'policy_violation'
  | 'conflict'
  | 'rate_limited'
  | 'storage'
/** An appointment action by name. */
export type AppointmentActionName = 'confirm' | 'decline' | 'complete' | 'mark_no_show' | 'cancel'
/** A wait estimator by name. */
export type EstimatorName = 'queue' | 'moving_average'

/** A record as medsched reads it: instants may be given as ISO text too. */
export type Input<R> = R extends Date
  ? Instant
  : R extends Array<infer I>
    ? Array<Input<I>>
    : R extends object
      ? { [K in keyof R]: Input<R[K]> }
      : R

/** A refusal of medsched, with its ErrorReport's fields. */
export class MedschedError extends Error {
  constructor(report?: Partial<T.ErrorReport>, options?: ErrorOptions)
  static readonly code: string
  readonly code: ErrorCode | string
  readonly report: T.ErrorReport
  readonly retry_safe?: boolean
  readonly field?: string | null
  readonly value?: string | null
  readonly problem?: string | null
  readonly problem_message?: string | null
  readonly kind?: string | null
  readonly id?: string | null
  readonly action?: string | null
  readonly from?: string | null
  readonly doctor_id?: string | null
  readonly start?: Date | null
  readonly reason?: T.Unavailable | null
  readonly rule?: string | null
  readonly rule_message?: string | null
  readonly stream?: string | null
  readonly expected?: number | null
  readonly actual?: number | null
  readonly retry_after_ms?: number | null
  readonly retry_at?: Date | null
  readonly storage_kind?: string | null
  readonly storage_message?: string | null
}
/** `invalid_input`: `field`, `value`, `problem`. */
export class InvalidInputError extends MedschedError {}
/** `not_found`: `kind`, `id`. */
export class NotFoundError extends MedschedError {}
/** `slot_unavailable`: `doctor_id`, `start`, `reason`. */
export class SlotUnavailableError extends MedschedError {}
/** `invalid_transition`: `kind`, `id`, `from`, `action`. */
export class InvalidTransitionError extends MedschedError {}
/** `policy_violation`: `action`, `id`, `rule`. */
export class PolicyViolationError extends MedschedError {}
/** `conflict`: `stream`, `expected`, `actual` (a store throws it when the stream moved). */
export class ConflictError extends MedschedError {}
/** `rate_limited`: `kind` (`patient`, `phone` or `ip`), `retry_after_ms`, `retry_at`. */
export class RateLimitedError extends MedschedError {}
/** `storage`: `storage_kind` and the store's message; `cause` is the store's own error (an
 * `Error` named by `storage_kind`, with `storage_message`). */
export class StorageError extends MedschedError {
  constructor(report?: Partial<T.ErrorReport>)
  readonly cause: Error
}

/** A clinic's compiled rules. */
export class ClinicRules {
  /**
   * `limits` raises the bounds (the defaults when absent); `roster`, the ids of the
   * clinic's doctors, refuses a calendar or a reservation of any other doctor
   * (`InvalidInputError` naming the field, e.g. `doctor_id`).
   *
   * @example
   * const rules = new ClinicRules(clinic, { roster: ['dr-asha', 'dr-ben'] })
   */
  constructor(clinic: Input<T.Clinic>, options?: ClinicRulesOptions)
  timeZone(locationId: string): string | null
}

/** What is taken, read once and kept for many searches. */
export class PreparedOccupancy {
  constructor(occupancy: Input<T.Occupancy>)
  toJSON(): T.Occupancy
}

/** What is taken: prepared, a plain object, or nothing. */
export type OccupancyArg = PreparedOccupancy | Input<T.Occupancy> | null | undefined

/** One doctor's compiled availability. */
export class Availability {
  constructor(rules: ClinicRules, calendar: Input<T.DoctorCalendar>)
  readonly doctorId: string
  /** The doctor's time, open and closed; with `mergeOpen`, open intervals that touch are one. */
  resolve(start: Instant, end: Instant, options?: ResolveOptions): T.Interval[]
  /** As `resolve`, as the UTF-8 bytes of the intervals' JSON: a response body. */
  resolveJson(start: Instant, end: Instant): JsonBody<T.Interval[]>
  resolveDates(locationId: string, first: CalendarDate, last: CalendarDate): T.Interval[]
  explain(at: Instant): T.Explanation
  slots(request: Input<T.SlotRequest>, occupancy?: OccupancyArg, options?: Input<T.SlotOptions> | null): T.SlotSeries
  slotsAsync(request: Input<T.SlotRequest>, occupancy?: OccupancyArg, options?: Input<T.SlotOptions> | null): Promise<T.SlotSeries>
  /**
   * The slots as the UTF-8 bytes of their `SlotSeries` JSON, written natively: a route
   * handler's response body as it is, the slots never made into objects. Instants are UTC
   * ISO text (`2026-03-02T03:30:00Z`), as in every JSON medsched writes.
   *
   * @example
   * const body = availability.slotsJson({ appointment_type, start, end, now }, day.preparedOccupancy(now))
   * return new Response(body, { headers: { 'content-type': 'application/json' } })
   */
  slotsJson(request: Input<T.SlotRequest>, occupancy?: OccupancyArg, options?: Input<T.SlotOptions> | null): JsonBody<T.SlotSeries>
  slotsJsonAsync(
    request: Input<T.SlotRequest>,
    occupancy?: OccupancyArg,
    options?: Input<T.SlotOptions> | null,
  ): Promise<JsonBody<T.SlotSeries>>
  /**
   * The slots this doctor can take with every doctor of `others` and a seat of every piece
   * of `equipment` (room ids) at once, given what is taken, at most `limit` (docs/RESOURCES.md).
   *
   * @example
   * const { slots } = surgeon.jointSlots([anaesthetist], ['theatre'], request, day.preparedOccupancy(now))
   */
  jointSlots(others: Availability[], equipment: string[], request: Input<T.SlotRequest>, occupancy?: OccupancyArg, limit?: number | null): T.SlotSeries
  jointSlotsAsync(
    others: Availability[],
    equipment: string[],
    request: Input<T.SlotRequest>,
    occupancy?: OccupancyArg,
    limit?: number | null,
  ): Promise<T.SlotSeries>
}

/** Options of `new ClinicRules`. */
export interface ClinicRulesOptions {
  /** Raised bounds; the defaults when absent. */
  limits?: Input<T.Limits> | null
  /** The ids of the clinic's doctors: any other doctor is refused. */
  roster?: string[] | null
}

/** Options of `Availability.resolve` (the core's `ResolveOptions`). */
export interface ResolveOptions {
  /** Merge open intervals that touch into one (off by default). */
  mergeOpen?: boolean
}

/** The first slots across doctors, and whether the search stopped looking before the end of
 * the window (`truncated`: more slots may follow), as Python's `SlotList`. */
export type SlotList = T.Slot[] & { readonly truncated: boolean }

/**
 * The UTF-8 bytes of a JSON text of `R` (instants as ISO text): a response body as it is.
 * `JSON.parse(body.toString())` reads it.
 */
export type JsonBody<R> = Buffer<ArrayBuffer> & { readonly __json?: R }

/**
 * The web `Response` of a JSON body medsched wrote: `content-type: application/json` (unless
 * `init.headers` names one) and its `content-length`, the bytes streamed as they are. Cheaper
 * than `new Response(body)`, which copies them first.
 *
 * @example
 * return jsonResponse(await availability.slotsJsonAsync(request, day.preparedOccupancy(now)))
 */
export function jsonResponse(body: JsonBody<unknown> | Uint8Array, init?: ResponseInit | null): Response

/** Doctors with what each has taken. */
export type DoctorPairs = Array<[Availability, OccupancyArg]>
export function firstAvailable(doctors: DoctorPairs, request: Input<T.SlotRequest>, count: number): SlotList
export function firstAvailableAsync(doctors: DoctorPairs, request: Input<T.SlotRequest>, count: number): Promise<SlotList>
export function slotsForDoctors(doctors: DoctorPairs, request: Input<T.SlotRequest>, options?: Input<T.SlotOptions> | null): T.SlotSeries[]
export function slotsForDoctorsAsync(
  doctors: DoctorPairs,
  request: Input<T.SlotRequest>,
  options?: Input<T.SlotOptions> | null,
): Promise<T.SlotSeries[]>
/** Each doctor's slots as the UTF-8 bytes of their JSON: a list of `SlotSeries`, in the
 * doctors' order (see `Availability.slotsJson`). */
export function slotsForDoctorsJson(
  doctors: DoctorPairs,
  request: Input<T.SlotRequest>,
  options?: Input<T.SlotOptions> | null,
): JsonBody<T.SlotSeries[]>
export function slotsForDoctorsJsonAsync(
  doctors: DoctorPairs,
  request: Input<T.SlotRequest>,
  options?: Input<T.SlotOptions> | null,
): Promise<JsonBody<T.SlotSeries[]>>

/** What a Schedule is made of. */
export interface ScheduleInit {
  tenant: string
  clinic: Input<T.Clinic>
  calendars: Array<Input<T.DoctorCalendar>>
  appointmentTypes: Array<Input<T.AppointmentType>>
  /** The IANA zone day books are dated in (the first location's by default). */
  bookTimeZone?: string | null
  /** Raised bounds on the rules and on slot searches (docs/LIMITS.md); the defaults when
   * absent, and for every field left out. */
  limits?: Input<T.Limits> | null
}

/** A tenant's compiled clinic, doctors and appointment types. */
export class Schedule {
  constructor(init: ScheduleInit)
  readonly tenant: string
  readonly bookTimeZone: string
  bookDate(at: Instant): CalendarDate
  setCalendar(calendar: Input<T.DoctorCalendar>): void
  availability(doctorId: string): Availability
  appointmentType(id: string): T.AppointmentType
  doctorIds(): string[]
  clinicRules(): ClinicRules
}

/** One event of a store's feed, as a store written in JavaScript gives it. */
export interface StoredFeedEntry {
  position: number
  stream: T.StreamId
  version: number
  /** The event's JSON text, kept verbatim. */
  event: string
}

/**
 * A store written in JavaScript. Keep each event's JSON text verbatim. `append` adds the
 * events only if the stream is still at `expectedVersion` (else it throws ConflictError),
 * atomically; `feed` gives a tenant's events after a position, in append order.
 */
export interface EventStore {
  load(stream: T.StreamId): Promise<{ version: number; events: string[] }>
  append(stream: T.StreamId, expectedVersion: number, events: string[]): Promise<number>
  feed(tenant: string, after: number, limit: number): Promise<StoredFeedEntry[]>
}

/** A store kept on the native side: services over it never leave Rust. */
export class NativeStore implements EventStore {
  load(stream: T.StreamId): Promise<{ version: number; events: string[] }>
  append(stream: T.StreamId, expectedVersion: number, events: string[]): Promise<number>
  feed(tenant: string, after: number, limit: number): Promise<StoredFeedEntry[]>
}
/** The core's in-memory store. */
export class InMemoryStore extends NativeStore {
  constructor()
}
/** The store at a URL: `memory:`, `sqlite:///path`, `sqlite::memory:`, `postgresql://…`. */
export function openStore(url: string): NativeStore
export function openStoreAsync(url: string): Promise<NativeStore>

/**
 * Runs medsched-testkit's store checks on a store, as Python's `check_event_store`: the
 * contract call by call, tenant isolation, tenant keys and, with `threads` of 2 or more (at
 * most 256; 4 by default), writers racing on one stream and the feed read while they commit.
 * Rejects with an `AssertionError` naming the first breach.
 *
 * @example
 * await checkEventStore(new PgStore(pool), { tenantPrefix: 'ci' })
 */
export function checkEventStore(store: EventStore, options?: { tenantPrefix?: string; threads?: number }): Promise<void>

/** Options of a service. */
export interface ServiceOptions {
  /** How many times a command is decided before a ConflictError (64). */
  maxAttempts?: number
}

/** Options of `new Tokens`. */
export interface TokensOptions extends ServiceOptions {
  /** Raised bounds; the defaults when absent. */
  limits?: Input<T.Limits> | null
}

/** A day book as folded from its events. */
export class DayBook {
  static fromEvents(events: Array<Input<T.Event>>): DayBook
  holds(): T.Hold[]
  appointments(): T.Appointment[]
  hold(holdId: string): T.Hold | null
  appointment(appointmentId: string): T.Appointment | null
  occupancy(now: Instant, exceptId?: string | null): T.Occupancy
  /** What it takes at `now`, kept native: the fast occupancy for slot searches. */
  preparedOccupancy(now: Instant, exceptId?: string | null): PreparedOccupancy
  equals(other: DayBook): boolean
}

/** What `execute` did. */
export interface Executed {
  book: DayBook
  events: T.Event[]
}

type Actor = Input<T.Actor>

/**
 * Holds, bookings, the appointment lifecycle, reschedules, the change feed and notification
 * intents over a store. Over a store written in JavaScript only the `...Async` calls run.
 */
export class Bookings {
  constructor(store?: EventStore, options?: ServiceOptions)
  readonly store: EventStore
  day(schedule: Schedule, date: CalendarDate): DayBook
  dayAsync(schedule: Schedule, date: CalendarDate): Promise<DayBook>
  execute(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, command: Input<T.Command>): Executed
  executeAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, command: Input<T.Command>): Promise<Executed>
  hold(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.HoldRequest>): T.Hold
  holdAsync(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.HoldRequest>): Promise<T.Hold>
  extendHold(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string, minutes?: number | null): T.Hold
  extendHoldAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string, minutes?: number | null): Promise<T.Hold>
  releaseHold(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string): T.Hold
  releaseHoldAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string): Promise<T.Hold>
  expireHolds(schedule: Schedule, actor: Actor, now: Instant, first: CalendarDate, last: CalendarDate): T.Hold[]
  expireHoldsAsync(schedule: Schedule, actor: Actor, now: Instant, first: CalendarDate, last: CalendarDate): Promise<T.Hold[]>
  book(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.BookRequest>): T.Appointment
  bookAsync(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.BookRequest>): Promise<T.Appointment>
  /** Books a slot with other clinicians and equipment at once: all of them or none. */
  bookJoint(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.JointBookRequest>): T.Appointment
  bookJointAsync(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.JointBookRequest>): Promise<T.Appointment>
  /** Books a slot with a doctor of a team pool, chosen by the pool's rule. */
  bookFromPool(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.PoolBookRequest>): T.PoolBooking
  bookFromPoolAsync(schedule: Schedule, actor: Actor, now: Instant, request: Input<T.PoolBookRequest>): Promise<T.PoolBooking>
  bookHold(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string, appointmentId: string): T.Appointment
  bookHoldAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, holdId: string, appointmentId: string): Promise<T.Appointment>
  appointmentAction(action: AppointmentActionName, schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): T.Appointment
  appointmentActionAsync(action: AppointmentActionName, schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): Promise<T.Appointment>
  confirm(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): T.Appointment
  confirmAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): Promise<T.Appointment>
  decline(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): T.Appointment
  declineAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): Promise<T.Appointment>
  complete(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): T.Appointment
  completeAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): Promise<T.Appointment>
  markNoShow(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): T.Appointment
  markNoShowAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string): Promise<T.Appointment>
  cancel(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): T.Appointment
  cancelAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, reason?: string | null): Promise<T.Appointment>
  reschedule(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, start: Instant): T.Appointment
  rescheduleAsync(schedule: Schedule, actor: Actor, now: Instant, date: CalendarDate, appointmentId: string, start: Instant): Promise<T.Appointment>
  appointment(schedule: Schedule, date: CalendarDate, appointmentId: string): T.Appointment
  appointmentAsync(schedule: Schedule, date: CalendarDate, appointmentId: string): Promise<T.Appointment>
  voidUnfinishedMoves(schedule: Schedule, actor: Actor, now: Instant, first: CalendarDate, last: CalendarDate): T.Appointment[]
  voidUnfinishedMovesAsync(schedule: Schedule, actor: Actor, now: Instant, first: CalendarDate, last: CalendarDate): Promise<T.Appointment[]>
  collisions(schedule: Schedule, first: CalendarDate, last: CalendarDate, now: Instant): T.Collision[]
  collisionsAsync(schedule: Schedule, first: CalendarDate, last: CalendarDate, now: Instant): Promise<T.Collision[]>
  feed(schedule: Schedule, after: number, limit: number): T.FeedEntry[]
  feedAsync(schedule: Schedule, after: number, limit: number): Promise<T.FeedEntry[]>
  feedNotifications(schedule: Schedule, after: number, limit: number): T.FeedNotifications
  feedNotificationsAsync(schedule: Schedule, after: number, limit: number): Promise<T.FeedNotifications>
  reminders(schedule: Schedule, first: CalendarDate, last: CalendarDate, after: Instant, until: Instant): T.Notification[]
  remindersAsync(schedule: Schedule, first: CalendarDate, last: CalendarDate, after: Instant, until: Instant): Promise<T.Notification[]>
}

export function decideBooking(schedule: Schedule, book: DayBook, actor: Actor, now: Instant, date: CalendarDate, command: Input<T.Command>): T.Change[]
export function bookingNotifications(events: Array<Input<T.Event>>): T.Notification[]

/** A doctor's token queue for a day, as folded from its events. */
export class Queue {
  static fromEvents(events: Array<Input<T.Event>>): Queue
  tokens(): T.Token[]
  token(number: number): T.Token | null
  tokenById(id: string): T.Token | null
  current(number: number): T.Token | null
  tokenForAppointment(appointmentId: string): T.Token | null
  line(): number[]
  waiting(): T.Token[]
  nowServing(): T.Token | null
  lastCalled(): T.Token | null
  /** A waiting token's place in the line, 1 for the next to be seen. */
  position(number: number): number | null
  next(n: number): T.Token[]
  counts(): T.TokenCounts
  reinsertions(): number
  meetLink(): string | null
  nextNumber(rules: Input<T.QueueRules>): number
  waitSnapshot(rules: Input<T.QueueRules>, sessionId: string, now: Instant): T.QueueSnapshot | null
  pastDays(rules: Input<T.QueueRules>): T.PastDay[]
  equals(other: Queue): boolean
}

/** What a desk call did. */
export interface QueueUpdate {
  queue: Queue
  token: T.Token | null
  events: T.Event[]
  notifications: T.QueueNotification[]
}

/** Options of the moving-average estimator. */
export interface EstimatorOptions {
  window?: number
  p90Factor?: number
}

type Day = Input<T.QueueDay>
type Rules = Input<T.QueueRules>

/** Outpatient tokens over a store: issue, the desk's commands, queue views, wait estimates. */
export class Tokens {
  constructor(store?: EventStore, options?: TokensOptions)
  readonly store: EventStore
  queue(day: Day): Queue
  queueAsync(day: Day): Promise<Queue>
  execute(day: Day, rules: Rules, actor: Actor, now: Instant, command: Input<T.TokenCommand>): QueueUpdate
  executeAsync(day: Day, rules: Rules, actor: Actor, now: Instant, command: Input<T.TokenCommand>): Promise<QueueUpdate>
  issue(day: Day, rules: Rules, actor: Actor, now: Instant, request: Input<T.TokenRequest>): QueueUpdate
  issueAsync(day: Day, rules: Rules, actor: Actor, now: Instant, request: Input<T.TokenRequest>): Promise<QueueUpdate>
  issueForAppointment(schedule: Schedule, rules: Rules, actor: Actor, now: Instant, appointment: Input<T.Appointment>): QueueUpdate
  issueForAppointmentAsync(schedule: Schedule, rules: Rules, actor: Actor, now: Instant, appointment: Input<T.Appointment>): Promise<QueueUpdate>
  waitEstimates(day: Day, rules: Rules, now: Instant, history: Input<T.DoctorHistory>, estimator?: EstimatorName, options?: EstimatorOptions): T.WaitEstimate[]
  waitEstimatesAsync(day: Day, rules: Rules, now: Instant, history: Input<T.DoctorHistory>, estimator?: EstimatorName, options?: EstimatorOptions): Promise<T.WaitEstimate[]>
}

export function decideTokenCommand(queue: Queue, rules: Rules, actor: Actor, now: Instant, command: Input<T.TokenCommand>): T.TokenChange[]
export function tokenNotifications(lineBefore: number[], after: Queue, changes: Array<Input<T.TokenChange>>, notifyNext: number): T.QueueNotification[]
export function checkMeetLink(link: string): void
export function historyFromDays(days: Array<Input<T.PastDay>>): T.DoctorHistory
export function historyFromDurations(minutes: number[]): T.DoctorHistory
/** A doctor's bookability at `now` (docs/BOOKABILITY.md). */
export function evaluateBookability(facts: Input<T.DoctorFacts>, rules: ClinicRules, calendar: Input<T.DoctorCalendar>, appointmentType: Input<T.AppointmentType>, now: Instant, policy?: Input<T.BookabilityPolicy> | null): T.Bookability
/** What a doctor's own rules say about bookability at `now` (one bounded slot search). */
export function gatherCalendarFacts(rules: ClinicRules, calendar: Input<T.DoctorCalendar>, appointmentType: Input<T.AppointmentType>, now: Instant, horizonDays?: number): T.CalendarFacts
/** The verdicts from a doctor's facts and kept calendar facts, with no slot search. */
export function scoreBookability(facts: Input<T.DoctorFacts>, calendarFacts: Input<T.CalendarFacts>, policy?: Input<T.BookabilityPolicy> | null): T.Bookability
/** The GCRA decision for one request on a key whose state is `tat` (docs/RATE_LIMITS.md). */
export function checkRate(rate: Input<T.Rate>, tat: Instant | null, now: Instant, cost?: number): T.RateDecision
/** The booking rate limiter over a native store, shared by app servers (docs/RATE_LIMITS.md);
 * a store written in JavaScript is refused (`InvalidInputError` on `store`). */
export class RateLimiter {
  constructor(store: NativeStore, limits?: Input<T.RateLimits> | null)
  readonly limits: T.RateLimits
  /** Counts a request against every key; the requests of cost 1 the tightest key lets pass
   * now. Over a limit: `RateLimitedError`, nothing counted. */
  acquire(keys: Array<Input<T.RateKey>>, now: Instant, cost?: number): number
  /** As `acquire`, off the JavaScript thread. */
  acquireAsync(keys: Array<Input<T.RateKey>>, now: Instant, cost?: number): Promise<number>
}
/** One doctor's time in a range, as FHIR and iCalendar exports take it (docs/INTEROP.md). */
export interface InteropExport {
  doctor_id: string
  time_zone: string
  start: Date | string
  end: Date | string
  now: Date | string
  system?: string
  intervals?: Array<Input<T.Interval>>
  slots?: Array<{ appointment_type_id: string; series: unknown }>
  appointments?: Array<Input<T.Appointment>>
  holds?: Array<Input<T.Hold>>
  tokens?: Array<Input<T.Token>>
}
/** A FHIR Slot search: every field that is set must match. */
export interface SlotSearch {
  schedule?: string
  start_ge?: Date | string
  start_lt?: Date | string
  status?: 'free' | 'busy' | 'busy-unavailable' | 'busy-tentative' | 'entered-in-error'
}
/** Bounds on what one reading call takes in and expands. */
export interface InteropLimits {
  max_bytes?: number
  max_components?: number
  max_occurrences?: number
  max_recurrence_steps?: number
}
/** Another system's appointment in medsched's terms. */
export interface ImportedAppointment {
  id: string
  doctor_id: string
  patient_id: string | null
  location_id: string | null
  appointment_type_id: string | null
  start: string
  end: string
  status: T.AppointmentStatus
  fhir_status: string
}
/** An export as a FHIR R4 Bundle. */
export function fhirBundle(exported: InteropExport): Record<string, any>
/** A FHIR Slot search over an export: a searchset Bundle. */
export function fhirSlotSearch(exported: InteropExport, search?: SlotSearch): Record<string, any>
/** An export as the doctor's iCalendar feed. */
export function icsFeed(exported: InteropExport): string
/** An export as a VFREEBUSY calendar. */
export function freebusy(exported: InteropExport): string
/** An external calendar's busy times in a window. */
export function readIcs(ics: string, request: { start: Date | string; end: Date | string; time_zone: string; limits?: InteropLimits }): T.BusyTime[]
/** Another system's FHIR Bundle as busy times and appointments. */
export function readFhir(fhir: string | Record<string, any>, limits?: InteropLimits): { busy: T.BusyTime[]; appointments: ImportedAppointment[] }
export function estimateWaits(estimator: EstimatorName, snapshot: Input<T.QueueSnapshot>, history: Input<T.DoctorHistory>, options?: EstimatorOptions): T.WaitEstimate[]

// Analytics and pictures (docs/ANALYTICS.md)

/** A report's table names, in order. */
export type ReportTableName = T.ReportTable
/** The tables of a report, in order. */
export const REPORT_TABLES: readonly ReportTableName[]

/** A tenant's running analytics, folded from its change feed a page at a time. */
export class Analytics {
  constructor(timeZone: string)
  /** The last feed position folded (0 before any). */
  readonly position: number
  /** Folds a page of feed entries; entries at or below `position` are skipped. */
  fold(page: Input<T.FeedEntry>[]): void
  /** Records a host observation: a search, or a wait estimate shown. */
  record(observation: Input<T.Observation>): void
  /** Sets the time a doctor was open on the dates `first` to `last`. */
  offer(doctorId: string, first: string, last: string, intervals: Input<T.Interval>[]): void
  /** The report of the dates `first` to `last`, as plain records. */
  report(first: string, last: string): T.Report
}

/** One table of a report as CSV text. */
export function reportCsv(report: Input<T.Report>, table: ReportTableName): string
/** A doctor's week as SVG text. */
export function weekSvg(picture: Input<T.WeekPicture>): string
/** A day's token queue (the queue stream's events) as SVG text. */
export function queueSvg(title: string, timeZone: string, events: Input<T.Event>[]): string
/** The wait calibration (a report's `calibration` rows) as SVG text. */
export function calibrationSvg(title: string, rows: Input<T.CalibrationRow>[]): string
