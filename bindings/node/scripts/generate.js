// Generates, from the core's JSON Schema (schema/medsched.schema.json, itself generated from
// the Rust types), what the package needs to speak JavaScript:
//   types.d.ts  one TypeScript interface or union per record, instants typed `Date`, written
//               in one file a schema area (types/<area>.d.ts) and re-exported from types.d.ts;
//   dates.js    where each record holds instants, for index.js to make `Date`s of them.
// `node scripts/generate.js` writes both; `--check` fails when they differ from the files.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const here = path.resolve(__dirname, '..')
const schema = JSON.parse(
  fs.readFileSync(path.resolve(here, '../../schema/medsched.schema.json'), 'utf8'),
)
const defs = schema.$defs
const refName = (ref) => ref.replace('#/$defs/', '')

/** A schema's TypeScript type. */
function ts(s, indent) {
  if (s.$ref) return refName(s.$ref)
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  if (s.allOf) {
    const parts = s.allOf.map((x) => ts(x, indent))
    const own = { ...s }
    delete own.allOf
    if (own.properties) parts.push(ts(own, indent))
    return parts.join(' & ')
  }
  const union = s.oneOf || s.anyOf
  if (union) return union.map((x) => ts(x, indent)).join(' | ')
  const types = Array.isArray(s.type) ? s.type : [s.type]
  return types.map((t) => scalar(s, t, indent)).join(' | ')
}

function scalar(s, type, indent) {
  switch (type) {
    case 'string':
      return s.format === 'date-time' ? 'Date' : 'string'
    case 'integer':
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return `Array<${s.items ? ts(s.items, indent) : 'unknown'}>`
    case 'object':
      return object(s, indent)
    default:
      return 'unknown'
  }
}

function object(s, indent) {
  const props = s.properties || {}
  const required = new Set(s.required || [])
  const pad = '  '.repeat(indent + 1)
  const lines = Object.entries(props).map(([name, p]) => {
    const doc = p.description ? `${pad}/** ${p.description.replace(/\*\//g, '*\\/').split('\n').join(`\n${pad} * `)} */\n` : ''
    const optional = required.has(name) ? '' : '?'
    return `${doc}${pad}${name}${optional}: ${ts(p, indent + 1)}`
  })
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    lines.push(`${pad}[key: string]: ${ts(s.additionalProperties, indent + 1)}`)
  }
  if (lines.length === 0) return 'Record<string, never>'
  return `{\n${lines.join('\n')}\n${'  '.repeat(indent)}}`
}

/**
 * The schema area each record's TypeScript declaration is written in: one file
 * `types/<area>.d.ts` an area, re-exported whole by `types.d.ts`. A record of the schema
 * not named here stops the generator, so that a new record gets an area on purpose.
 */
const AREAS = {
  calendar: [
    'Id', 'Clinic', 'Location', 'Room', 'Holiday', 'DoctorCalendar', 'WeeklyTemplate',
    'Session', 'SessionSettings', 'Alignment', 'ModeCapacity', 'ConsultationMode', 'Hours',
    'DateOverride', 'OverrideKind', 'Leave', 'LeaveStatus', 'Unavailability', 'BusyTime',
    'Limits', 'BookingLimits', 'BookingLimitKind', 'Interval', 'Explanation', 'Status',
    'RuleKind', 'RuleRef',
  ],
  slots: [
    'AppointmentType', 'BookingPolicy', 'ResourceNeed', 'Occupancy', 'Reservation',
    'SlotRequest', 'SlotOptions', 'Slot', 'SlotSeries', 'Unavailable', 'UnavailableSlot',
    'Place', 'Pool', 'Assignment', 'AssignmentReason', 'AssignmentRule', 'Reassignment',
  ],
  bookings: [
    'Actor', 'ActorKind', 'SlotClaim', 'Hold', 'HoldStatus', 'HoldRequest', 'BookRequest',
    'JointBookRequest', 'PoolBookRequest', 'PoolBooking', 'Appointment', 'AppointmentStatus',
    'Collision', 'Command', 'Notification', 'NotificationKind', 'FeedNotifications',
  ],
  events: ['Change', 'Event', 'FeedEntry', 'LoadedStream', 'StreamId', 'ErrorReport'],
  tokens: [
    'Token', 'TokenKind', 'TokenState', 'TokenRequest', 'TokenCommand', 'TokenChange',
    'TokenSession', 'TokenCounts', 'QueueRules', 'QueueDay', 'QueueNotification',
    'QueueNotificationKind', 'ChannelQuota', 'EmergencyOrder', 'IssuedCounts',
    'WalkInPlacement', 'SkippedToken', 'PassedOver', 'Consultation',
  ],
  waits: [
    'QueueSnapshot', 'QueueRates', 'WaitingToken', 'WaitEstimate', 'DoctorHistory', 'PastDay',
    'PastEstimate', 'DurationPrior', 'KindFactors', 'VisitFactors', 'VisitType',
    'WaitCalibration', 'HorizonCalibration',
  ],
  clinic_ops: [
    'Bookability', 'BookabilityCheck', 'BookabilityPolicy', 'BookabilityWeights', 'CheckKind',
    'CalendarFacts', 'DoctorFacts', 'Rate', 'RateLimits', 'RateKey', 'KeyKind', 'RateDecision',
  ],
  analytics: [
    'Observation', 'Report', 'ReportTable', 'CalibrationRow', 'ConversionRow', 'DoctorRow',
    'HourRow', 'LeadTimeRow', 'TokenKindRow', 'UtilisationRow', 'WeekPicture', 'Span',
  ],
}

/** Each record's area, checked against the schema: every record in exactly one area. */
function areaOf() {
  const area = new Map()
  for (const [name, records] of Object.entries(AREAS)) {
    for (const record of records) {
      if (area.has(record)) throw new Error(`${record} is in two areas of AREAS`)
      if (!defs[record]) throw new Error(`AREAS names ${record}, which the schema lacks`)
      area.set(record, name)
    }
  }
  const missing = Object.keys(defs).filter((name) => !area.has(name))
  if (missing.length) {
    throw new Error(`no area in AREAS (scripts/generate.js) for ${missing.join(', ')}`)
  }
  return area
}

/** The records a schema names by `$ref`. */
function refs(s, found = new Set()) {
  if (Array.isArray(s)) {
    for (const x of s) refs(x, found)
  } else if (s && typeof s === 'object') {
    for (const [key, value] of Object.entries(s)) {
      if (key === '$ref' && typeof value === 'string') found.add(refName(value))
      else refs(value, found)
    }
  }
  return found
}

const GENERATED = '// Generated by scripts/generate.js from schema/medsched.schema.json: do not edit.'

function areaFile(area, where) {
  const names = Object.keys(defs).filter((name) => where.get(name) === area)
  const imports = new Map()
  for (const name of names) {
    for (const used of refs(defs[name])) {
      const from = where.get(used)
      if (from === area) continue
      if (!imports.has(from)) imports.set(from, new Set())
      imports.get(from).add(used)
    }
  }
  const out = [
    GENERATED,
    `// The ${area} records (the package re-exports them all from types.d.ts); instants are`,
    '// `Date`s (an ISO string is accepted too where medsched reads one).',
    '',
  ]
  for (const from of [...imports.keys()].sort()) {
    out.push(`import type { ${[...imports.get(from)].sort().join(', ')} } from './${from}'`)
  }
  if (imports.size) out.push('')
  for (const name of names) {
    const s = defs[name]
    if (s.description) {
      out.push(`/** ${s.description.replace(/\*\//g, '*\\/').split('\n').join('\n * ')} */`)
    }
    const body = ts(s, 0)
    const isInterface = body.startsWith('{') && !s.allOf && !s.oneOf && !s.anyOf
    out.push(isInterface ? `export interface ${name} ${body}` : `export type ${name} = ${body}`)
    out.push('')
  }
  return out.join('\n')
}

/** `types.d.ts` and one `types/<area>.d.ts` an area. */
function typesFiles() {
  const where = areaOf()
  const files = {
    'types.d.ts': [
      GENERATED,
      '// The records medsched reads and writes, as plain objects, one file a schema area under',
      '// types/; instants are `Date`s (an ISO string is accepted too where medsched reads one).',
      '',
      ...Object.keys(AREAS).map((area) => `export * from './types/${area}'`),
      '',
    ].join('\n'),
  }
  for (const area of Object.keys(AREAS)) files[`types/${area}.d.ts`] = areaFile(area, where)
  return files
}

/** Where a schema holds instants: 'D' (this value), or a plan of its parts; null if none. */
function plan(s, seen) {
  if (s.$ref) {
    const name = refName(s.$ref)
    return hasDates(name, seen) ? { ref: name } : null
  }
  if (s.format === 'date-time') return 'D'
  if (s.allOf) {
    const props = {}
    for (const part of [...s.allOf, { properties: s.properties }]) {
      const p = part.$ref ? plan(defs[refName(part.$ref)], seen) : plan(part, seen)
      if (p && p.props) Object.assign(props, p.props)
      else if (p) return { all: [p, plan({ ...s, allOf: undefined }, seen)].filter(Boolean) }
    }
    return Object.keys(props).length ? { props } : null
  }
  const union = s.oneOf || s.anyOf
  if (union) {
    const branches = union.filter((b) => b.type !== 'null')
    if (branches.length === 1) return plan(branches[0], seen)
    const cases = {}
    let tag = null
    for (const b of branches) {
      const consts = Object.entries(b.properties || {}).filter(([, p]) => p.const !== undefined)
      if (consts.length !== 1) continue
      tag = consts[0][0]
      const p = plan(b, seen)
      if (p) cases[consts[0][1].const] = p
    }
    return tag && Object.keys(cases).length ? { tag, cases } : null
  }
  const types = Array.isArray(s.type) ? s.type : [s.type]
  if (types.includes('array') && s.items) {
    const p = plan(s.items, seen)
    return p ? { items: p } : null
  }
  if (types.includes('object')) {
    const props = {}
    for (const [name, p] of Object.entries(s.properties || {})) {
      const q = plan(p, seen)
      if (q) props[name] = q
    }
    const rest =
      s.additionalProperties && typeof s.additionalProperties === 'object'
        ? plan(s.additionalProperties, seen)
        : null
    if (rest) return { props, rest }
    return Object.keys(props).length ? { props } : null
  }
  return null
}

const dated = new Map()
function hasDates(name, seen = new Set()) {
  if (dated.has(name)) return dated.get(name)
  if (seen.has(name)) return false
  seen.add(name)
  const result = plan(defs[name], seen) !== null
  dated.set(name, result)
  return result
}

function datesFile() {
  const plans = {}
  for (const name of Object.keys(defs)) {
    const p = plan(defs[name], new Set([name]))
    if (p) plans[name] = p
  }
  return [
    '// Generated by scripts/generate.js from schema/medsched.schema.json: do not edit.',
    '// Where each record holds instants: "D" is an instant; {props, rest}, {items}, {ref},',
    '// {tag, cases} (a union told apart by its tag field) and {all} say where to look.',
    "'use strict'",
    `module.exports = ${JSON.stringify(plans, null, 1)}`,
    '',
  ].join('\n')
}

const files = { ...typesFiles(), 'dates.js': datesFile() }
const check = process.argv.includes('--check')
let stale = 0
for (const [name, text] of Object.entries(files)) {
  const file = path.join(here, name)
  if (check) {
    const now = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    if (now !== text) {
      console.error(`${name} is stale: run node scripts/generate.js`)
      stale += 1
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
  }
}
process.exit(stale ? 1 : 0)
