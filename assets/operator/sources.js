// Sources at a glance: each source's last run (outcome, counts, when, its error and
// problems), its recent runs, its schedule, and the actions: "Run now" (runImport), "Pause" /
// "Resume" (pauseSource / resumeSource) and, for a held run, "Apply anyway" (applyHeldRun:
// exactly the listings the run read) or "Discard" (discardHeldRun).

import { h } from '/finder/dom.js';

const SOURCES = `
query Sources {
  sources {
    id name format url schedule enabled trust lastRefreshedAt paused pause { at by reason }
    lastRun {
      id outcome startedAt finishedAt httpStatus error problemsOmitted resolution { applied }
      counts { seen added updated unchanged missing removed problems }
      problems { record field message dropped }
    }
    runs(last: 10) { id outcome finishedAt error counts { added updated missing removed problems } }
  }
}`;

const COUNTS = 'counts { seen added updated unchanged missing removed problems }';
const ACTIONS = {
  run: { doing: 'Running', query: `mutation($id: ID!) { runImport(sourceId: $id) { outcome error ${COUNTS} } }`, run: (d) => d.runImport },
  apply: { doing: 'Applying the held run of', query: `mutation($run: ID!) { applyHeldRun(runId: $run) { run { outcome error ${COUNTS} } } }`, run: (d) => d.applyHeldRun.run },
  discard: { doing: 'Discarding the held run of', query: 'mutation($run: ID!) { discardHeldRun(runId: $run) { id } }', done: 'held run discarded' },
  pause: { doing: 'Pausing', query: 'mutation($id: ID!) { pauseSource(id: $id) { paused } }', done: 'paused' },
  resume: { doing: 'Resuming', query: 'mutation($id: ID!) { resumeSource(id: $id) { paused } }', done: 'resumed' },
};

// Loads and renders the sources into `container`; `say(text)` reports an action's result.
export async function showSources(container, call, say) {
  const { sources } = await call(SOURCES);
  const rows = sources.map((s) => row(s, async (name, button) => {
    const action = ACTIONS[name];
    button.disabled = true;
    say(`${action.doing} ${s.id}…`);
    try {
      const data = await call(action.query, { id: s.id, run: s.lastRun?.id });
      const run = action.run?.(data);
      say(run ? `${s.id}: ${run.outcome}, ${counts(run.counts)}${run.error ? `: ${run.error}` : ''}` : `${s.id}: ${action.done}`);
    } catch (err) {
      say(`${s.id}: ${err.message}`);
    }
    await showSources(container, call, say);
  }));
  container.replaceChildren(h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Sources and their last import run'),
      h('thead', {}, h('tr', {}, ['Source', 'Last run', 'Counts', 'Error and problems', 'History', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))));
}

function row(s, act) {
  const run = s.lastRun;
  const held = run?.outcome === 'HELD' && !run.resolution;
  const button = (name, label, cls = 'secondary') =>
    h('button', { type: 'button', class: cls, onclick: (e) => act(name, e.target) }, label);
  return h('tr', { 'data-source-id': s.id },
    h('th', { scope: 'row' }, h('div', {}, s.name), h('div', { class: 'hint' },
      `${s.id} · ${s.format} · ${s.enabled ? `schedule ${s.schedule}` : 'disabled'} · trust ${s.trust}`),
      h('div', { class: 'hint' }, s.url)),
    h('td', {}, run ? [outcome(run.outcome), h('div', { class: 'hint' }, `finished ${when(run.finishedAt)}`),
      run.httpStatus ? h('div', { class: 'hint' }, `HTTP ${run.httpStatus}`) : null] : 'never run',
      h('div', { class: 'hint' }, `last success ${s.lastRefreshedAt ? when(s.lastRefreshedAt) : 'never'}`),
      s.paused ? h('div', { class: 'run-error' }, `paused by ${s.pause.by} ${when(s.pause.at)}${s.pause.reason ? `: ${s.pause.reason}` : ''}`) : null),
    h('td', {}, run ? counts(run.counts) : ''),
    h('td', {}, run?.error ? h('div', { class: 'run-error' }, run.error) : null, run ? problems(run) : null),
    h('td', {}, history(s.runs)),
    h('td', {}, h('div', { class: 'actions' },
      s.paused ? button('resume', 'Resume') : [button('run', 'Run now'), button('pause', 'Pause')],
      held ? [button('apply', 'Apply anyway', 'apply'), button('discard', 'Discard')] : null)));
}

function outcome(value) {
  return h('span', { class: `outcome ${value}` }, value);
}

function counts(c) {
  return `${c.seen} seen, ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.missing} missing, ${c.removed} removed, ${c.problems} problems`;
}

function problems(run) {
  if (!run.problems.length) return null;
  const more = run.problemsOmitted ? h('li', {}, `and ${run.problemsOmitted} more`) : null;
  return h('details', {}, h('summary', {}, `${run.counts.problems} ${run.counts.problems === 1 ? 'problem' : 'problems'}`),
    h('ul', {}, run.problems.slice(0, 100).map((p) =>
      h('li', {}, `${p.record ?? ''}${p.field ? ` (${p.field})` : ''}: ${p.message}${p.dropped ? ' [skipped]' : ''}`)), more));
}

function history(runs) {
  if (!runs.length) return null;
  return h('details', {}, h('summary', {}, `${runs.length} recent ${runs.length === 1 ? 'run' : 'runs'}`),
    h('ol', {}, runs.map((r) => h('li', {}, outcome(r.outcome), ` ${when(r.finishedAt)}: +${r.counts.added} ~${r.counts.updated} −${r.counts.missing}`,
      r.error ? h('div', { class: 'run-error' }, r.error) : null))));
}

function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
