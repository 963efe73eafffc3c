// The service worker: the page and the package offline. Pages, scripts, styles and the package
// are fetched from the network first (so a new version arrives at once) and kept in a cache
// that answers when the network does not: the form then validates offline, and the tracker
// shows what was last verified. The service's API and sign-in are never cached or answered
// here: they go to the network as if there were no worker, and fail offline, which the page
// says in words.
const CACHE = "kezek-page-v3";
/** Everything the page needs to start, cached at install (a missing file is skipped, so a
 * package that splits into other files still installs; those are cached when first fetched). */
const SHELL = ["/", "/style.css", "/favicon.png", "/build/citizen.js", "/accessibility.html", "/accessibility.js",
  "/pkg/kezek_bg.wasm",
  // The package's tracker part, its texts and the page's own labels (loaded at run time: the form
  // offline needs its language's).
  "/pkg/kezek_tracker_bg.wasm", "/pkg/i18n/kk.json", "/pkg/i18n/ru.json", "/pkg/i18n/en.json",
  "/i18n/kk.json", "/i18n/ru.json", "/i18n/en.json"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => {})))));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/auth/") || url.pathname === "/metrics") return;
  // A page is kept by its path: `/?application=…&lang=en` offline is the page `/`.
  const key = request.mode === "navigate" ? url.pathname : request;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const kept = await cache.match(key, { ignoreSearch: true });
      if (kept) return kept;
      throw error;
    }
  })());
});
