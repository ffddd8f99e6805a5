// Home-realm discovery on the sign-in form: when the email's domain signs in through an upstream
// identity provider (data-routed-domains='{"domain": "Name"}'), the password field goes away and the
// button says where it leads. The server decides the same on submit, with or without this script.
const form = document.querySelector('form[data-routed-domains]');
if (form) {
  const routes = new Map(Object.entries(JSON.parse(form.dataset.routedDomains)));
  const email = form.elements.email;
  const password = form.elements.password;
  const part = form.querySelector('[data-password-part]');
  const note = form.querySelector('[data-routed-note]');
  const button = form.querySelector('[data-submit]');
  const label = button.textContent;
  const update = () => {
    const domain = email.value.trim().toLowerCase().split('@')[1] ?? '';
    const name = routes.get(domain);
    part.hidden = !!name;
    password.required = !name;
    note.hidden = !name;
    note.textContent = name ? `Accounts at ${domain} sign in with ${name}.` : '';
    button.textContent = name ? `Continue with ${name}` : label;
  };
  email.addEventListener('input', update);
  update();
}
