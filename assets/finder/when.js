// Meeting times for people: a group's next meeting in the group's own time zone, and in the
// viewer's zone too when the clocks differ (Intl.DateTimeFormat; nothing is sent anywhere).

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

// The soonest `next` occurrence of a group's meetings, or null.
export function nextOccurrence(group) {
  const all = group.meetings.map((m) => m.next).filter(Boolean);
  all.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  return all[0] ?? null;
}

// { local: "Tue 31 Mar, 18:30", zone: "America/New_York", viewer: "Tue 31 Mar, 23:30" | null }:
// `viewer` only when the viewer's clock shows something else.
export function describe(occurrence, zone = viewerZone()) {
  const at = new Date(occurrence.startsAt);
  const local = format(at, occurrence.timezone);
  const mine = format(at, zone);
  return { local, zone: occurrence.timezone, viewer: mine === local ? null : mine, inProgress: occurrence.inProgress };
}

// "Tuesdays 18:30-19:30" for a meeting (its own local time).
export function schedule(meeting) {
  const day = meeting.weekday ? `${dayName(meeting.weekday)}s` : '';
  const time = meeting.startTime ? `${meeting.startTime}${meeting.endTime ? `–${meeting.endTime}` : ''}` : '';
  switch (meeting.recurrence) {
    case 'MONTHLY_NTH':
      return `${ordinals(meeting.weeksOfMonth)} ${dayName(meeting.weekday)} of the month ${time}`.trim();
    case 'ONCE':
      return `${meeting.date ?? ''} ${time}`.trim();
    case 'BY_APPOINTMENT':
      return 'By appointment';
    default:
      return `${day} ${time}`.trim() || 'Time not given';
  }
}

export function dayName(weekday) {
  return weekday ? weekday.charAt(0) + weekday.slice(1).toLowerCase() : '';
}

export function dayIndex(weekday) {
  return DAYS.indexOf(weekday);
}

function ordinals(weeks = []) {
  const names = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', '-1': 'last' };
  return weeks.map((w) => names[w] ?? `${w}th`).join(' and ');
}

function format(date, timeZone) {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone,
  }).format(date);
}
