// GET /api/slots?date=YYYY-MM-DD: the doctor's bookable slots on that date.
import { clinic, DOCTOR, OFFSET, refusal } from '../../lib/clinic.js'

export const dynamic = 'force-dynamic'

export async function GET(request) {
  const date = new URL(request.url).searchParams.get('date') ?? ''
  try {
    const day = await clinic.bookings.dayAsync(clinic.schedule, date)
    const now = new Date()
    const series = await clinic.schedule.availability(DOCTOR).slotsAsync(
      {
        appointment_type: clinic.schedule.appointmentType('consult'),
        start: `${date}T00:00:00${OFFSET}`,
        end: `${date}T23:59:59${OFFSET}`,
        now,
      },
      day.preparedOccupancy(now),
    )
    return Response.json({ date, slots: series.slots })
  } catch (error) {
    return refusal(error)
  }
}
