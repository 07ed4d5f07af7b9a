// POST /api/holds {start, patient_id, hold_id}: holds a slot while the patient confirms.
import { clinic, DOCTOR, refusal } from '../../lib/clinic.js'

export const dynamic = 'force-dynamic'

export async function POST(request) {
  const body = await request.json()
  try {
    const hold = await clinic.bookings.holdAsync(clinic.schedule, { kind: 'patient', id: body.patient_id }, new Date(), {
      hold_id: body.hold_id,
      patient_id: body.patient_id,
      doctor_id: DOCTOR,
      appointment_type_id: 'consult',
      start: new Date(body.start),
    })
    return Response.json({ hold }, { status: 201 })
  } catch (error) {
    return refusal(error)
  }
}
