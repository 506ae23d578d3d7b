// Autocomplete for the "Near" box: towns, postcodes and ZIPs from the `places` query, offered
// through a <datalist> (native keyboard and screen reader support). The latest answer wins.

const PLACES = 'query Places($q: String!) { places(query: $q, first: 8) { name latitude longitude } }';

export function placeAutocomplete(input, datalist, gql) {
  let latest = 0;
  const known = new Map(); // every place offered on this page, by its name
  input.addEventListener('input', async () => {
    const text = input.value.trim();
    if (text.length < 2 || known.has(text)) return;
    const ticket = ++latest;
    try {
      const { places } = await gql(PLACES, { q: text });
      if (ticket !== latest) return;
      for (const p of places) known.set(p.name, p);
      datalist.replaceChildren(...places.map((p) => Object.assign(document.createElement('option'), { value: p.name })));
    } catch {
      // A failed suggestion is no error for the person typing: the search still works.
    }
  });
  // The chosen suggestion's point, or null when the text is not one of them.
  return { pointOf: (text) => known.get(text) ?? null };
}
