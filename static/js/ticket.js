// The ticket on this phone: a confirmation page is kept for offline use (Cache API)
// and listed in localStorage; "My registration" links to it from /walk and /dates.
// On /dates, a copy shown without a connection says how old it is.
(function () {
  "use strict";

  const STORE = "tour-tickets";
  // Not "tour-…": the service worker drops old "tour-" caches on each new version.
  const CACHE = "tickets-kept";

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function tickets() {
    try {
      const list = JSON.parse(localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function save(list) {
    try {
      localStorage.setItem(STORE, JSON.stringify(list));
    } catch (error) {
      /* private mode or full: the page still works online */
    }
  }

  function keep(ticket) {
    const list = tickets().filter((t) => t.code !== ticket.code);
    list.push({ code: ticket.code, url: ticket.url, when: ticket.when, starts_at: ticket.starts_at });
    save(list);
    if (!window.caches) return Promise.resolve();
    // The page itself is fetched again: the copy is what the guest saw, ready offline.
    return caches
      .open(CACHE)
      .then((cache) => cache.addAll([ticket.url, ticket.ics]))
      .then(() => document.documentElement.setAttribute("data-ticket", "saved"))
      .catch(() => undefined);
  }

  function forget(ticket) {
    save(tickets().filter((t) => t.code !== ticket.code));
    if (!window.caches) return Promise.resolve();
    return caches.open(CACHE).then((cache) =>
      Promise.all([cache.delete(ticket.url), cache.delete(ticket.ics)])
    );
  }

  function upcoming() {
    // starts_at is the tour's wall-clock time; a day of slack covers time zones.
    const cutoff = Date.now() - 24 * 3600 * 1000;
    return tickets()
      .filter((t) => Date.parse(t.starts_at) > cutoff)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  }

  function showLink() {
    const link = document.getElementById("my-ticket");
    const next = upcoming()[0];
    if (!link || !next) return;
    link.href = next.url;
    link.textContent = link.dataset.label.replace("%(when)s", next.when);
    link.hidden = false;
  }

  function showAge() {
    const note = document.getElementById("as-of");
    if (!note) return;
    const age = Date.now() - Date.parse(note.dataset.renderedAt);
    if (!navigator.onLine || age > 5 * 60 * 1000) note.hidden = false;
  }

  const ticket = readJson("ticket-data");
  if (ticket) {
    (ticket.keep ? keep(ticket) : forget(ticket)).then(() => undefined);
  }
  showLink();
  showAge();
  window.addEventListener("offline", showAge);
})();
