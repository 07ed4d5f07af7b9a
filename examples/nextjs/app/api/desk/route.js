// POST /api/desk {action: "walk_in", patient_id} | {action: "call_next"}: the token desk.
// Every change is pushed to the queue board's listeners.
import { boardView, clinic, desk, refusal } from '../../lib/clinic.js'

export const dynamic = 'force-dynamic'

const STAFF = { kind: 'staff', id: 'desk-1' }

export async function POST(request) {
  const body = await request.json()
  const now = new Date()
  const { day, rules } = desk(now)
  try {
    let update
    if (body.action === 'walk_in') {
      const issued = await clinic.tokens.issueAsync(day, rules, STAFF, now, {
        token_id: `t-${body.patient_id}-${now.getTime()}`,
        kind: 'walk_in',
        patient_id: body.patient_id,
      })
      update = await clinic.tokens.executeAsync(day, rules, STAFF, now, { action: 'check_in', number: issued.token.number })
      update = { ...update, token: issued.token }
    } else {
      update = await clinic.tokens.executeAsync(day, rules, STAFF, now, { action: body.action, number: body.number })
    }
    clinic.board.emit('change', await boardView(now))
    return Response.json({ token: update.token, line: update.queue.line(), notifications: update.notifications })
  } catch (error) {
    return refusal(error)
  }
}
