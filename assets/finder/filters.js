// The search as state, kept in the URL fragment ("#/?near=Media&topics=ALCOHOL"), so a search
// can be shared or bookmarked, and never sent to any server (browsers do not send fragments).
// Also turns that state into the API's GroupFilter and NearInput.

const LISTS = ['topics', 'kinds', 'attendance', 'weekdays', 'timeOfDay'];

export const EMPTY = Object.freeze({
  q: '', near: '', lat: null, lng: null, radius: 10, online: false, soon: false,
  topics: [], kinds: [], attendance: [], weekdays: [], timeOfDay: [],
});

// The state in a fragment such as location.hash ("#/?..."); anything unknown is ignored.
export function fromHash(hash) {
  const query = hash.startsWith('#/?') ? hash.slice(3) : '';
  const p = new URLSearchParams(query);
  const state = { ...EMPTY };
  state.q = p.get('q') ?? '';
  state.near = p.get('near') ?? '';
  state.lat = number(p.get('lat'));
  state.lng = number(p.get('lng'));
  state.radius = number(p.get('r')) ?? EMPTY.radius;
  state.online = p.get('online') === '1';
  state.soon = p.get('soon') === '1';
  for (const key of LISTS) state[key] = (p.get(key) ?? '').split(',').filter((v) => /^[A-Z_]+$/.test(v));
  return state;
}

// The fragment for a state (only what is set, in a stable order).
export function toHash(state) {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.near) p.set('near', state.near);
  if (state.lat !== null && state.lng !== null) {
    p.set('lat', state.lat.toFixed(5));
    p.set('lng', state.lng.toFixed(5));
  }
  if (state.near || state.lat !== null) p.set('r', String(state.radius));
  if (state.online) p.set('online', '1');
  if (state.soon) p.set('soon', '1');
  for (const key of LISTS) if (state[key].length) p.set(key, state[key].join(','));
  return `#/?${p.toString()}`;
}

// One value of a list filter switched on or off.
export function toggled(state, key, value, on) {
  const rest = state[key].filter((v) => v !== value);
  return { ...state, [key]: on ? [...rest, value] : rest };
}

// The API's GroupFilter for a state.
export function groupFilter(state) {
  const filter = {};
  for (const key of LISTS) if (state[key].length) filter[key] = state[key];
  if (state.q.trim()) filter.text = state.q.trim();
  return filter;
}

// The API's NearInput for a state, or null when the search is not near anywhere.
export function nearInput(state) {
  const base = { radiusKm: state.radius, includeOnline: state.online };
  if (state.lat !== null && state.lng !== null) return { ...base, latitude: state.lat, longitude: state.lng };
  if (state.near.trim()) return { ...base, place: state.near.trim() };
  return null;
}

function number(text) {
  if (text === null || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}
