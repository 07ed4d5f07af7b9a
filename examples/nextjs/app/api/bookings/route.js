// POST /api/bookings {date, hold_id, appointment_id, patient_id}: books a held slot.
import { clinic, refusal } from '../../lib/clinic.js'

export const dynamic = 'force-dynamic'

export async function POST(request) {
  const body = await request.json()
  try {
    const appointment = await clinic.bookings.bookHoldAsync(
      clinic.schedule,
      { kind: 'patient', id: body.patient_id },
      new Date(),
      body.date,
      body.hold_id,
      body.appointment_id,
    )
    return Response.json({ appointment }, { status: 201 })
  } catch (error) {
    return refusal(error)
  }
}
