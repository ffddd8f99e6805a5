// The console writes times in UTC (<time datetime=ISO>2026-12-05 09:08:33 UTC</time>); this shows
// them in the reader's own time zone, named, and keeps the UTC text as the tooltip. Without the
// script the UTC text stays, which is still exact.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
for (const time of document.querySelectorAll('time[data-local-time]')) {
  const when = new Date(time.dateTime);
  if (Number.isNaN(when.getTime())) continue;
  time.title = time.textContent;
  time.textContent = format.format(when);
}
