// The list of results: one card per real group with its next meeting (group's time and the
// viewer's), where it meets or that it is online, and how far it is when searching near a place.

import { h, labelOf } from './dom.js';
import { describe, nextOccurrence } from './when.js';

export function renderList(ol, items, { append = false } = {}) {
  if (!append) ol.replaceChildren();
  for (const item of items) ol.append(card(item));
}

function card({ group, distanceKm, occurrence }) {
  const next = occurrence ?? nextOccurrence(group);
  return h('li', { class: 'card', 'data-group-id': group.id },
    h('h3', {}, h('a', { href: `#/group/${encodeURIComponent(group.id)}` }, group.name)),
    h('p', { class: 'tags' },
      attendanceBadge(group.attendance),
      h('span', { class: 'tag' }, labelOf(group.kind)),
      group.topics.map((t) => h('span', { class: 'tag' }, labelOf(t)))),
    next ? when(next) : h('p', { class: 'next' }, 'No upcoming meeting listed'),
    where(group, distanceKm));
}

export function attendanceBadge(attendance) {
  const text = { ONLINE: 'Online', HYBRID: 'Hybrid: in person and online', IN_PERSON: 'In person' }[attendance];
  return h('span', { class: `badge ${attendance.toLowerCase()}` }, text ?? labelOf(attendance));
}

function when(occurrence) {
  const d = describe(occurrence);
  return h('p', { class: 'next' },
    h('strong', {}, d.inProgress ? 'On now: ' : 'Next: '),
    h('span', { class: 'local-time' }, `${d.local} (${d.zone.replaceAll('_', ' ')} time)`),
    d.viewer ? h('span', { class: 'viewer-time' }, ` · ${d.viewer} your time`) : null);
}

function where(group, distanceKm) {
  const place = group.location?.formatted ?? group.location?.locality;
  const parts = [];
  if (place) parts.push(place);
  else if (group.attendance === 'ONLINE') parts.push('Meets online');
  const distance = typeof distanceKm === 'number' ? h('span', { class: 'distance' }, `${distanceKm.toFixed(1)} km away`) : null;
  return h('p', { class: 'where' }, parts.join(''), distance && parts.length ? ' · ' : null, distance);
}
