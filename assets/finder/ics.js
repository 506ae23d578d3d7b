// "Add to calendar": an iCalendar file (RFC 5545) of a group's meetings, made in the browser:
// weekly meetings repeat with RRULE:FREQ=WEEKLY;BYDAY=.., monthly ones by their weeks, each
// in its own time zone (TZID is the meeting's IANA zone, which calendar apps resolve).

const BYDAY = { MONDAY: 'MO', TUESDAY: 'TU', WEDNESDAY: 'WE', THURSDAY: 'TH', FRIDAY: 'FR', SATURDAY: 'SA', SUNDAY: 'SU' };

// The .ics text for a group (meetings without a next occurrence are left out), or null.
export function groupCalendar(group, now = new Date()) {
  const events = group.meetings.map((m, i) => event(group, m, i, now)).filter(Boolean);
  if (!events.length) return null;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//supportmesh//finder//EN', 'CALSCALE:GREGORIAN', ...events.flat(), 'END:VCALENDAR'];
  return lines.map(fold).join('\r\n') + '\r\n';
}

function event(group, meeting, index, now) {
  const start = meeting.next?.localStart;
  if (!start || !meeting.startTime) return null;
  const end = addMinutes(start, duration(meeting));
  const rule = recurrence(meeting);
  const where = group.location?.formatted ?? (group.online?.url ? 'Online' : null);
  const details = [group.description, group.online?.url ? `Join: ${group.online.url}` : null].filter(Boolean).join('\n');
  return [
    'BEGIN:VEVENT',
    `UID:${group.id}-${index}@supportmesh`,
    `DTSTAMP:${stamp(now)}`,
    `DTSTART;TZID=${meeting.timezone}:${compact(start)}`,
    `DTEND;TZID=${meeting.timezone}:${compact(end)}`,
    rule,
    `SUMMARY:${text(group.name)}`,
    where ? `LOCATION:${text(where)}` : null,
    details ? `DESCRIPTION:${text(details)}` : null,
    group.online?.url ? `URL:${group.online.url}` : null,
    'END:VEVENT',
  ].filter(Boolean);
}

function recurrence(meeting) {
  const day = BYDAY[meeting.weekday];
  if (meeting.recurrence === 'WEEKLY' && day) return `RRULE:FREQ=WEEKLY;BYDAY=${day}`;
  if (meeting.recurrence === 'MONTHLY_NTH' && day && meeting.weeksOfMonth.length) {
    return `RRULE:FREQ=MONTHLY;BYDAY=${meeting.weeksOfMonth.map((w) => `${w}${day}`).join(',')}`;
  }
  return null;
}

// Minutes from start to end ("HH:MM"), wrapping midnight; 60 when no end is given.
function duration(meeting) {
  if (!meeting.endTime) return 60;
  const [sh, sm] = meeting.startTime.split(':').map(Number);
  const [eh, em] = meeting.endTime.split(':').map(Number);
  const minutes = (eh * 60 + em) - (sh * 60 + sm);
  return minutes > 0 ? minutes : minutes + 24 * 60;
}

// "2026-03-31T18:30:00" plus minutes, as wall-clock arithmetic (no zone involved).
function addMinutes(local, minutes) {
  const d = new Date(`${local}Z`);
  d.setUTCMinutes(d.getUTCMinutes() + minutes);
  return d.toISOString().slice(0, 19);
}

function compact(local) {
  return local.replaceAll('-', '').replaceAll(':', '').slice(0, 15);
}

function stamp(date) {
  return `${date.toISOString().replaceAll('-', '').replaceAll(':', '').slice(0, 15)}Z`;
}

function text(value) {
  return String(value).replaceAll('\\', '\\\\').replaceAll(';', '\\;').replaceAll(',', '\\,').replace(/\r?\n/g, '\\n');
}

// Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1).
function fold(line) {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = new TextEncoder().encode(ch).length;
    if (size + n > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
