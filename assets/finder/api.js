// The one way the pages talk to the service: a GraphQL POST to /graphql (never GET, so
// nothing searched lands in a URL a proxy logs). Errors come back as one Error whose message
// joins the server's messages; the optional token is the operator's bearer token.

export async function gql(query, variables = {}, { token } = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let resp;
  try {
    resp = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new Error('The service could not be reached.');
  }
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new Error(`The service answered ${resp.status}.`);
  }
  if (body.errors?.length) {
    const err = new Error(body.errors.map((e) => e.message).join('; '));
    err.codes = body.errors.map((e) => e.extensions?.code).filter(Boolean);
    throw err;
  }
  return body.data;
}
