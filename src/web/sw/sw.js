// gridcare service worker. The build (src/web/sw/post_build.mjs) replaces the two
// placeholders below with this build's id and its hashed file names, so every
// build gets its own cache and old caches are removed once it takes over.
const BUILD_ID = '__GRIDCARE_BUILD_ID__';
const PRECACHE = __GRIDCARE_PRECACHE__;
const CACHE = `gridcare-shell-${BUILD_ID}`;
// The kiosk's home and the whole kiosk are modules of their own with shells of
// their own; every other route is the main app.
const shellFor = (path) => {
  if (path === '/kiosk/app' || path.startsWith('/kiosk/app/')) return '/kiosk/app/index.html';
  if (path === '/kiosk' || path.startsWith('/kiosk/')) return '/kiosk/index.html';
  return '/index.html';
};

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
  // The sync server behind /couchdb: always the network, never a cache.
  if (url.pathname === '/couchdb' || url.pathname.startsWith('/couchdb/')) return;

  if (request.mode === 'navigate') {
    // Every route is one of the shells, so each works offline like /.
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

// A notification of a ticket that arrived by sync (src/web/notify.rs): a tap
// brings the app to the front on that ticket, opening it where none is open.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? '/crew', self.location.origin).href;
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const client = open.find((c) => new URL(c.url).origin === self.location.origin);
    if (client) {
      await client.focus();
      return client.navigate(target).catch(() => client);
    }
    return self.clients.openWindow(target);
  })());
});
