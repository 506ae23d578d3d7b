// A group's page (#/group/<id>): what it is, its meetings (each with its next time in the
// group's zone and the viewer's), where it meets, how to join online, how to contact it, the
// directories that list it, and "Add to calendar" (an .ics file made in the browser).

import { h, labelOf, safeUrl } from './dom.js';
import { groupCalendar } from './ics.js';
import { attendanceBadge } from './list.js';
import { describe, schedule } from './when.js';

const GROUP = `
query Group($id: ID!) {
  group(id: $id) {
    id name description kind topics attendance organisation cost languages status
    meetings {
      weekday startTime endTime timezone recurrence weeksOfMonth date
      next { startsAt localStart timezone inProgress }
    }
    location { name address formatted notes latitude longitude approximate }
    online { url phone notes }
    contact { email phone website }
    records { sourceId externalId url lastSeenAt }
  }
  sources { id name }
}`;

export async function renderGroup(container, gql, id, backHref) {
  container.replaceChildren(h('p', {}, 'Loading…'));
  let data;
  try {
    data = await gql(GROUP, { id });
  } catch (err) {
    container.replaceChildren(back(backHref), h('p', { class: 'error', role: 'alert' }, err.message));
    return;
  }
  const group = data.group;
  if (!group) {
    container.replaceChildren(back(backHref), h('h2', {}, 'Group not found'), h('p', {}, 'It may have closed or moved.'));
    return;
  }
  const names = Object.fromEntries(data.sources.map((s) => [s.id, s.name]));
  container.replaceChildren(
    back(backHref),
    h('article', { class: 'group', 'data-group-id': group.id },
      h('h2', { id: 'group-name', tabindex: '-1' }, group.name),
      h('p', { class: 'tags' }, attendanceBadge(group.attendance), h('span', { class: 'tag' }, labelOf(group.kind)),
        group.topics.map((t) => h('span', { class: 'tag' }, labelOf(t)))),
      group.status !== 'ACTIVE' ? h('p', { class: 'warning' }, 'This group is no longer listed by its directories.') : null,
      group.description ? h('p', { class: 'description' }, group.description) : null,
      section('Meetings', meetings(group)),
      calendar(group),
      group.location ? section('Where', place(group.location)) : null,
      group.online ? section('Online', online(group.online)) : null,
      contact(group.contact),
      section('Also good to know', facts(group)),
      section('Listed by', sources(group.records, names))));
  document.getElementById('group-name')?.focus();
}

function back(href) {
  return h('p', {}, h('a', { href, class: 'back' }, '← Back to results'));
}

function section(title, body) {
  if (!body) return null;
  return h('section', {}, h('h3', {}, title), body);
}

function meetings(group) {
  if (!group.meetings.length) return h('p', {}, 'No meeting times listed.');
  return h('ul', { class: 'meetings' }, group.meetings.map((m) => {
    const d = m.next ? describe(m.next) : null;
    return h('li', {},
      h('strong', {}, schedule(m)), ` (${m.timezone.replaceAll('_', ' ')} time)`,
      d ? h('span', { class: 'next' }, ` · next ${d.local}${d.viewer ? `, ${d.viewer} your time` : ''}`) : null);
  }));
}

function calendar(group) {
  const ics = groupCalendar(group);
  if (!ics) return null;
  const href = URL.createObjectURL(new Blob([ics], { type: 'text/calendar' }));
  const file = `${group.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase() || 'group'}.ics`;
  return h('p', {}, h('a', { class: 'button', href, download: file, id: 'add-to-calendar' }, 'Add to calendar (.ics)'));
}

function place(loc) {
  return h('div', {},
    loc.name ? h('p', {}, loc.name) : null,
    loc.formatted ? h('p', {}, loc.formatted) : null,
    loc.notes ? h('p', { class: 'hint' }, loc.notes) : null,
    loc.approximate ? h('p', { class: 'hint' }, 'The map point is approximate.') : null);
}

function online(o) {
  const url = o.url && safeUrl(o.url);
  return h('div', {},
    url ? h('p', {}, h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, 'Join online')) : null,
    o.phone ? h('p', {}, 'By phone: ', h('a', { href: `tel:${o.phone}` }, o.phone)) : null,
    o.notes ? h('p', { class: 'hint' }, o.notes) : null);
}

function contact(c) {
  const website = c.website && safeUrl(c.website);
  const items = [
    c.email ? h('li', {}, 'Email: ', h('a', { href: `mailto:${c.email}` }, c.email)) : null,
    c.phone ? h('li', {}, 'Phone: ', h('a', { href: `tel:${c.phone}` }, c.phone)) : null,
    website ? h('li', {}, 'Website: ', h('a', { href: website, rel: 'noopener noreferrer' }, website)) : null,
  ].filter(Boolean);
  return items.length ? section('Contact', h('ul', {}, items)) : null;
}

function facts(group) {
  const items = [
    group.organisation ? h('li', {}, `Run by ${group.organisation}`) : null,
    group.cost ? h('li', {}, `Cost: ${group.cost}`) : null,
    group.languages.length ? h('li', {}, `Languages: ${group.languages.join(', ')}`) : null,
  ].filter(Boolean);
  return items.length ? h('ul', {}, items) : null;
}

function sources(records, names) {
  const seen = new Map();
  for (const r of records) if (!seen.has(`${r.sourceId}|${r.url}`)) seen.set(`${r.sourceId}|${r.url}`, r);
  return h('ul', { class: 'sources' }, [...seen.values()].map((r) => {
    const url = r.url && safeUrl(r.url);
    return h('li', { 'data-source-id': r.sourceId },
      names[r.sourceId] ?? r.sourceId,
      url ? [' · ', h('a', { href: url, rel: 'noopener noreferrer' }, 'the listing')] : null);
  }));
}
