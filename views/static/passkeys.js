// Passkey ceremonies for the sign-in screens and the account page. A form marked
// data-passkey="…" fetches its WebAuthn options from data-options (with the form's CSRF token),
// asks the browser for a passkey, puts the answer in its `credential` field and posts itself:
// the server decides everything else. Without WebAuthn (or without this script) the passkey
// buttons stay hidden and the password and code forms work as before. Served as a file: the
// screens' Content-Security-Policy forbids inline script.
const webauthn = window.SimpleWebAuthnBrowser;

async function fetchOptions(form) {
  const body = new URLSearchParams({ csrf: form.elements.csrf.value });
  const response = await fetch(form.dataset.options, { method: 'POST', body, credentials: 'same-origin' });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw Object.assign(new Error('options'), { status: response.status, answer });
  }
  return response.json();
}

function say(form, text) {
  const status = form.querySelector('[data-passkey-status]');
  if (!status) return;
  status.textContent = text;
  status.hidden = false;
}

function problem(error) {
  // A first passkey that needs the email confirmed first: the server says how.
  if (error?.answer?.error === 'email_proof_required') return error.answer.error_description;
  if (error?.status === 403 || error?.status === 400) return 'This page has expired. Reload it and try again.';
  if (error?.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
  if (error?.name === 'InvalidStateError') return 'This device already has a passkey for your account.';
  if (error?.name === 'SecurityError') return 'Passkeys are not available on this address.';
  return 'The passkey could not be used. Try again, or use another way to sign in.';
}

async function ceremony(form, autofill) {
  const optionsJSON = await fetchOptions(form);
  const credential =
    form.dataset.passkey === 'register'
      ? await webauthn.startRegistration({ optionsJSON })
      : await webauthn.startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  form.elements.credential.value = JSON.stringify(credential);
  form.submit();
}

for (const form of document.querySelectorAll('form[data-passkey]')) {
  if (!webauthn?.browserSupportsWebAuthn()) continue;
  for (const hidden of form.querySelectorAll('[data-passkey-show]')) hidden.hidden = false;
  for (const note of form.querySelectorAll('[data-passkey-missing]')) note.hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.reportValidity && !form.reportValidity()) return;
    ceremony(form, false).catch((error) => {
      // An account change needs a recent sign-in ("sudo mode"): go and make one, then come back.
      if (error?.status === 401 && form.dataset.reauth) return location.assign(form.dataset.reauth);
      say(form, problem(error));
    });
  });
  // The browser's passkey autofill on the email field (conditional mediation): a passkey offered
  // there signs in without the button. Cancelled quietly when the button starts its own request.
  if (form.dataset.passkey === 'sign-in') {
    webauthn.browserSupportsWebAuthnAutofill().then((supported) => {
      if (supported) ceremony(form, true).catch(() => undefined);
    });
  }
}
