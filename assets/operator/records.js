// One group for an operator: its records (with provenance), why they were put together
// (matchExplanation), and the corrections: link two records (linkRecords) or keep two apart
// (unlinkRecords), each given as "sourceId:externalId".

import { h, safeUrl } from '/finder/dom.js';

const GROUP = `
query OperatorGroup($id: ID!) {
  group(id: $id) {
    id name status
    records { sourceId externalId url lastSeenAt missingSince }
    matchExplanation { a b score evidence }
  }
}`;
const LINK = `mutation Link($a: RecordRefInput!, $b: RecordRefInput!, $reason: String) { linkRecords(a: $a, b: $b, reason: $reason) { id name } }`;
const UNLINK = `mutation Unlink($a: RecordRefInput!, $b: RecordRefInput!, $reason: String) { unlinkRecords(a: $a, b: $b, reason: $reason) { id name } }`;

export async function showGroup(container, call, say, id) {
  const { group } = await call(GROUP, { id });
  if (!group) {
    container.replaceChildren(h('p', {}, `No group ${id}.`));
    return;
  }
  const keys = group.records.map((r) => `${r.sourceId}:${r.externalId}`);
  container.replaceChildren(
    h('h3', {}, `${group.name} (${group.id}, ${group.status})`),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Records of this group'),
      h('thead', {}, h('tr', {}, ['Record', 'Listing', 'Last seen', 'Missing since'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, group.records.map((r) => h('tr', {},
        h('td', {}, `${r.sourceId}:${r.externalId}`),
        h('td', {}, r.url && safeUrl(r.url) ? h('a', { href: safeUrl(r.url), rel: 'noopener noreferrer' }, 'open') : ''),
        h('td', {}, when(r.lastSeenAt)), h('td', {}, when(r.missingSince))))))),
    h('h4', {}, 'Why these records are one group'),
    group.matchExplanation.length
      ? h('ul', {}, group.matchExplanation.map((m) => h('li', {}, `${m.a} ↔ ${m.b}: score ${m.score.toFixed(2)}`,
        h('ul', { class: 'evidence' }, m.evidence.map((e) => h('li', {}, e))))))
      : h('p', {}, 'One record, or records of one source assembled by name and place: no match links.'),
    correction('Link two records (one group on every import)', 'link', LINK, keys, call, say, container, id),
    correction('Unlink two records (never one group)', 'unlink', UNLINK, keys, call, say, container, id));
}

function correction(title, name, mutation, keys, call, say, container, id) {
  const list = h('datalist', { id: `${name}-keys` }, keys.map((k) => h('option', { value: k })));
  const a = h('input', { type: 'text', id: `${name}-a`, list: `${name}-keys`, required: true, placeholder: 'source:external-id' });
  const b = h('input', { type: 'text', id: `${name}-b`, list: `${name}-keys`, required: true, placeholder: 'source:external-id' });
  const reason = h('input', { type: 'text', id: `${name}-reason`, placeholder: 'optional' });
  const form = h('form', { class: 'inline', 'aria-label': title },
    h('label', { for: a.id }, 'Record A'), a, h('label', { for: b.id }, 'Record B'), b,
    h('label', { for: reason.id }, 'Reason'), reason, list,
    h('button', { type: 'submit' }, name === 'link' ? 'Link' : 'Unlink'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const data = await call(mutation, { a: ref(a.value), b: ref(b.value), reason: reason.value || null });
      const groups = [data.linkRecords ?? data.unlinkRecords].flat();
      say(`${name === 'link' ? 'Linked' : 'Unlinked'}: now ${groups.map((g) => `${g.name} (${g.id})`).join(', ')}`);
      await showGroup(container, call, say, groups[0]?.id ?? id);
    } catch (err) {
      say(err.message);
    }
  });
  return h('section', {}, h('h4', {}, title), form);
}

// "sepa:meeting-1" -> { sourceId: "sepa", externalId: "meeting-1" } (the id may hold colons).
function ref(text) {
  const at = text.indexOf(':');
  return { sourceId: text.slice(0, at).trim(), externalId: text.slice(at + 1).trim() };
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}
