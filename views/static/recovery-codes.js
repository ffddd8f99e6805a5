// Recovery codes screen: a Copy button (hidden unless this script runs). Served as a file so
// that the screens' Content-Security-Policy can forbid inline script.
const button = document.getElementById('copy-codes');
const codes = Array.from(document.querySelectorAll('#recovery-codes code'), (code) => code.textContent);
if (button && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(`${codes.join('\n')}\n`);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed: select the codes instead';
    }
  });
}
