// gridcare service worker. The build (src/web/sw/post_build.mjs) replaces the two
// placeholders below with this build's id and its hashed file names, so every
// build gets its own cache and old caches are removed once it takes over.
const BUILD_ID = '__GRIDCARE_BUILD_ID__';
const PRECACHE = __GRIDCARE_PRECACHE__;
const CACHE = `gridcare-shell-${BUILD_ID}`;
// The kiosk is its own small module with its own shell; every other route is the main app.
const shellFor = (path) => (path === '/kiosk' || path.startsWith('/kiosk/') ? '/kiosk/index.html' : '/index.html');

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('gridcare-shell-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    // Every route is one of two shells, so each works offline like /.
    event.respondWith((async () => {
      const cached = await caches.match(shellFor(url.pathname), { cacheName: CACHE });
      if (cached) return cached;
      return fetch(request);
    })());
    return;
  }

  event.respondWith((async () => {
    const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
    if (cached) return cached;
    return fetch(request);
  })());
});
