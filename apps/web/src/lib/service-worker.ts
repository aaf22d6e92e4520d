/**
 * Registers the service worker (apps/web/public/sw.js) once the page has loaded, so it never
 * competes with the page's own requests. Production builds only: in development Vite serves
 * unhashed modules that a worker must not keep.
 *
 * The first page a browser opens loads before the worker exists, so the worker cannot see
 * it: once the worker is ready, the page tells it its address and the build files it used,
 * and the worker keeps them (a recipe opened once is readable offline from then on).
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    const controlled = navigator.serviceWorker.controller !== null;
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (controlled) return;
        const assets = performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((name) => new URL(name).pathname.startsWith('/assets/'));
        registration.active?.postMessage({ type: 'opened', url: location.href, assets });
      })
      .catch((error: unknown) => console.warn('The service worker was not registered; pages will not be kept offline.', error));
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
