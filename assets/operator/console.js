// The operator console's entry point: gets the session's token, then shows the sources and
// answers the group form. Every request carries `Authorization: Bearer <token>`; a refused
// token is forgotten so the next load asks again.

import { gql } from '/finder/api.js';
import { showGroup } from './records.js';
import { showSources } from './sources.js';
import { askToken, forgetToken } from './token.js';

const $ = (id) => document.getElementById(id);
const say = (text) => { $('status').textContent = text; };

const token = await askToken($('token-form'), $('token'));
const call = async (query, variables) => {
  try {
    return await gql(query, variables, { token });
  } catch (err) {
    if (err.codes?.includes('UNAUTHORIZED')) {
      forgetToken();
      throw new Error(`${err.message} (the token was refused; reload the page to enter it again)`);
    }
    throw err;
  }
};

$('console').hidden = false;
$('forget').addEventListener('click', () => {
  forgetToken();
  location.reload();
});
$('refresh').addEventListener('click', () => load());
$('group-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await showGroup($('group'), call, say, $('group-id').value.trim());
  } catch (err) {
    say(err.message);
  }
});
await load();

async function load() {
  try {
    await showSources($('sources'), call, say);
  } catch (err) {
    say(err.message);
  }
}
