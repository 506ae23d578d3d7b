// The finder's entry point: reads the search from the URL fragment, runs it, renders the
// filters, the list and the map, keeps a live subscription with the same filters (a notice
// says when a new or changed group matches), and routes #/group/<id> to a group's page.
// It logs nothing: no console output, no analytics.

import { gql } from './api.js';
import { renderFacets } from './facets.js';
import { EMPTY, fromHash, groupFilter, nearInput, toggled, toHash } from './filters.js';
import { renderGroup } from './group.js';
import { renderList } from './list.js';
import { liveClient } from './live.js';
import { createMap } from './map.js';
import { placeAutocomplete } from './places.js';
import { find } from './search.js';

const $ = (id) => document.getElementById(id);
const TOPICS = 'query { topics { code label parent } }';
const LIVE = (field) => `subscription Live($filter: GroupFilter, $near: NearInput) { ${field}(filter: $filter, near: $near) { id name } }`;

const config = await fetch('/finder/config.json').then((r) => r.json()).catch(() => ({ mapTiles: null }));
const topics = await gql(TOPICS).then((d) => d.topics).catch(() => []);
const map = createMap($('map'), config.mapTiles);
const places = placeAutocomplete($('near'), $('place-options'), gql);
const live = liveClient();

let state = { ...EMPTY };
let lastSearch = '#/';
let page = null;
let stopLive = [];
let arrivals = { added: new Set(), updated: new Set() };

wireForm();
window.addEventListener('hashchange', route);
route();

function route() {
  const hash = location.hash;
  const group = hash.match(/^#\/group\/(.+)$/);
  $('finder-view').hidden = Boolean(group);
  $('group-view').hidden = !group;
  if (group) {
    renderGroup($('group-view'), gql, decodeURIComponent(group[1]), lastSearch);
    return;
  }
  lastSearch = hash || '#/';
  state = fromHash(hash);
  fillForm(state);
  search();
}

async function search({ after = null } = {}) {
  const filter = groupFilter(state);
  const near = nearInput(state);
  $('error').hidden = true;
  if (!after) $('count').textContent = 'Searching…';
  let result;
  try {
    result = await find(gql, filter, near, after, state.soon);
  } catch (err) {
    $('error').textContent = err.message;
    $('error').hidden = false;
    $('count').textContent = 'No results.';
    return;
  }
  page = after ? { ...result, items: [...page.items, ...result.items] } : result;
  renderFacets($('filters'), result.facets, state, topics, onFacet, onSoon);
  renderList($('results'), result.items, { append: Boolean(after) });
  $('count').textContent = countText(page, near);
  $('more').hidden = !result.hasNextPage;
  const center = near?.latitude !== undefined ? [near.latitude, near.longitude] : null;
  map.show(page.items, center);
  if (!after) subscribe(filter, near);
}

function countText(result, near) {
  const where = near ? ' near here' : '';
  if (result.soon) {
    return `${result.total} ${result.total === 1 ? 'group meets' : 'groups meet'}${where} in the next few hours`;
  }
  const shown = result.items.length < result.total ? ` (showing ${result.items.length})` : '';
  return `${result.total} ${result.total === 1 ? 'group' : 'groups'} found${where}${shown}`;
}

// One groupAdded and one groupUpdated subscription with the search's filters.
function subscribe(filter, near) {
  for (const stop of stopLive) stop();
  arrivals = { added: new Set(), updated: new Set() };
  showNotice();
  const variables = { filter, near };
  stopLive = [
    live.subscribe(LIVE('groupAdded'), variables, (p) => arrived('added', p.data?.groupAdded)),
    live.subscribe(LIVE('groupUpdated'), variables, (p) => arrived('updated', p.data?.groupUpdated)),
  ];
  const status = $('live-status');
  status.dataset.live = 'connecting';
  const mine = stopLive;
  live.listening().then(() => {
    if (stopLive !== mine) return;
    status.dataset.live = 'on';
    status.textContent = 'Live: groups that start to match this search are announced here.';
  });
}

function arrived(kind, group) {
  if (!group) return;
  arrivals[kind].add(group.id);
  showNotice();
}

function showNotice() {
  const added = arrivals.added.size;
  const updated = [...arrivals.updated].filter((id) => !arrivals.added.has(id)).length;
  const parts = [];
  if (added) parts.push(`${added} new ${added === 1 ? 'group matches' : 'groups match'} your search`);
  if (updated) parts.push(`${updated} ${updated === 1 ? 'group has' : 'groups have'} changed`);
  if (!parts.length) {
    $('notice').replaceChildren();
    return;
  }
  const show = document.createElement('button');
  show.type = 'button';
  show.textContent = 'Show';
  show.addEventListener('click', () => search());
  $('notice').replaceChildren(`${parts.join('; ')}. `, show);
}

function onFacet(key, value, on) {
  go(toggled(state, key, value, on));
}

function onSoon(on) {
  go({ ...state, soon: on });
}

function go(next) {
  location.hash = toHash(next);
}

function wireForm() {
  $('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const near = $('near').value.trim();
    const point = places.pointOf(near);
    const keepPoint = near === state.near && state.lat !== null;
    go({
      ...state,
      q: $('q').value,
      near,
      lat: point ? point.latitude : keepPoint ? state.lat : null,
      lng: point ? point.longitude : keepPoint ? state.lng : null,
      radius: Number($('radius').value),
      online: $('online').checked,
    });
  });
  $('locate').addEventListener('click', () => {
    if (!navigator.geolocation) {
      $('error').textContent = 'This browser cannot share its location.';
      $('error').hidden = false;
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => go({ ...state, near: 'My location', lat: pos.coords.latitude, lng: pos.coords.longitude, radius: Number($('radius').value) }),
      () => {
        $('error').textContent = 'Your location is not available; type a town or postcode instead.';
        $('error').hidden = false;
      },
    );
  });
  $('more').addEventListener('click', () => search({ after: page?.endCursor }));
}

function fillForm(s) {
  $('q').value = s.q;
  $('near').value = s.near;
  $('online').checked = s.online;
  const radius = $('radius');
  if (![...radius.options].some((o) => o.value === String(s.radius))) {
    radius.append(new Option(`${s.radius} km`, String(s.radius)));
  }
  radius.value = String(s.radius);
}
