// The operator token: asked for once per browser session and kept in sessionStorage (this
// tab only, gone when it closes), never in localStorage, a cookie or the URL.

const KEY = 'supportmesh.operatorToken';

export function currentToken() {
  return sessionStorage.getItem(KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

// Resolves with the token: the session's, or the one typed into the form.
export function askToken(form, input) {
  const known = currentToken();
  if (known) return Promise.resolve(known);
  form.hidden = false;
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      sessionStorage.setItem(KEY, token);
      input.value = '';
      form.hidden = true;
      resolve(token);
    });
  });
}
