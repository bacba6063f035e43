// Service-worker glue for the Rust side (see src/web/service_worker.rs).
// A new version never replaces the one an open page runs: it waits until the
// user accepts the "new version" prompt (or every tab of the app is closed).

let waiting = null;

export function registerServiceWorker(onUpdateReady) {
  if (!('serviceWorker' in navigator)) return;
  const announce = (worker) => {
    waiting = worker;
    onUpdateReady();
  };
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((registration) => {
    if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing;
      if (!installing) return;
      installing.addEventListener('statechange', () => {
        // Installed while another version controls the page: an update, not a first install.
        if (installing.state === 'installed' && navigator.serviceWorker.controller) announce(installing);
      });
    });
  }).catch((err) => console.warn('service worker not registered:', err));

  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (waiting && !reloading) {
      reloading = true;
      window.location.reload();
    }
  });
}

export function activateWaitingWorker() {
  if (waiting) waiting.postMessage({ type: 'SKIP_WAITING' });
}
