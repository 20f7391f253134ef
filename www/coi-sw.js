// Cross-origin isolation for hosts that cannot send headers (GitHub Pages). The page's
// loader (boot.js) registers this service worker when a top-level page is not isolated and reloads once;
// from then on every same-origin response reaches the page with the headers www/_headers
// lists (Document-Isolation-Policy aside: a service worker does not isolate a frame), so the
// page is cross-origin isolated and threads run.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Other origins are left alone (the page loads nothing from them), and so is a request
  // the browser forbids a service worker to answer from the network.
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response;
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
