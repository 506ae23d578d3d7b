// The filters beside the results: topic, kind, attendance, day, time of day and "starting in
// the next few hours", each value with its facet count from the same search. Re-rendered
// after every search; keyboard focus stays on the checkbox it was on.

import { h, labelOf } from './dom.js';
import { SOON_HOURS } from './search.js';

const FIXED = {
  kinds: ['PEER_SUPPORT', 'TWELVE_STEP', 'PROFESSIONALLY_LED', 'THERAPY_GROUP'],
  attendance: ['IN_PERSON', 'ONLINE', 'HYBRID'],
  weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
  timeOfDay: ['MORNING', 'MIDDAY', 'EVENING', 'NIGHT'],
};
const TITLES = { topics: 'Topic', kinds: 'Kind of group', attendance: 'Attendance', weekdays: 'Day', timeOfDay: 'Time of day' };
const LABELS = {
  MORNING: 'Morning (4–12)', MIDDAY: 'Midday (11–17)',
  EVENING: 'Evening (16–21)', NIGHT: 'Night (20–5)',
};

// `topics`: [{ code, label }] from the `topics` query; `onChange(key, value, on)`.
export function renderFacets(aside, facets, state, topics, onChange, onSoon) {
  const focused = document.activeElement?.id;
  const labels = Object.fromEntries(topics.map((t) => [t.code, t.label]));
  const groups = ['topics', 'kinds', 'attendance', 'weekdays', 'timeOfDay'].map((key) => {
    const counts = Object.fromEntries((facets?.[key] ?? []).map((f) => [f.value, f.count]));
    let values = FIXED[key];
    if (key === 'topics') {
      values = [...new Set([...(facets?.topics ?? []).map((f) => f.value), ...state.topics])];
    }
    return fieldset(key, values, counts, state[key], (v) => LABELS[v] ?? labels[v] ?? labelOf(v), onChange);
  });
  const soon = h('fieldset', { class: 'facet' },
    h('legend', {}, 'When'),
    h('label', { class: 'check' },
      h('input', { type: 'checkbox', id: 'f-soon', checked: state.soon, onchange: (e) => onSoon(e.target.checked) }),
      ` Starting in the next ${SOON_HOURS} hours`));
  aside.replaceChildren(h('h2', { class: 'visually-hidden' }, 'Filters'), soon, ...groups);
  if (focused) document.getElementById(focused)?.focus();
}

function fieldset(key, values, counts, selected, label, onChange) {
  const boxes = values.map((value) => {
    const id = `f-${key}-${value}`;
    const count = counts[value] ?? 0;
    return h('label', { class: 'check', for: id },
      h('input', {
        type: 'checkbox', id, value, checked: selected.includes(value),
        onchange: (e) => onChange(key, value, e.target.checked),
      }),
      ` ${label(value)} `,
      h('span', { class: 'count', 'data-count': count }, `(${count})`));
  });
  return h('fieldset', { class: 'facet', 'data-facet': key },
    h('legend', {}, TITLES[key]),
    boxes.length ? boxes : h('p', { class: 'hint' }, 'None in these results'));
}
