// Tiny DOM helpers shared by the finder and the operator console: build elements from
// data without ever parsing data as HTML, and keep only http(s) links.

// h('a', { href: '#x', class: 'c' }, 'text', child): attributes starting with "on" are
// listeners; `null`/`false` children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// The URL when it is http(s), else null (a feed's `javascript:` link never becomes a link).
export function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const SPECIAL = { TWELVE_STEP: '12-step', IN_PERSON: 'In person', OCD: 'OCD', PTSD: 'PTSD and trauma', LGBTQ: 'LGBTQ' };

// "EATING_DISORDERS" -> "Eating disorders".
export function labelOf(code) {
  if (SPECIAL[code]) return SPECIAL[code];
  const words = String(code).toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
