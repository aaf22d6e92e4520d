import { StartClient } from '@tanstack/react-start/client';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { registerServiceWorker } from './lib/service-worker';

// TanStack Start's default client entry, plus the service worker once the page has loaded.
startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <StartClient />
    </StrictMode>,
  );
});
registerServiceWorker();
// This page load's web vitals for the operations dashboards: a chunk of its own, fetched once
// the page has loaded and the browser is idle, so it never delays what the visitor came for.
const vitals = () => void import('./lib/web-vitals').then((m) => m.reportWebVitals());
const whenIdle = () => ('requestIdleCallback' in window ? requestIdleCallback(vitals) : setTimeout(vitals, 1000));
if (document.readyState === 'complete') whenIdle();
else addEventListener('load', whenIdle, { once: true });
