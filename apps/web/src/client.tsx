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
// Tells the server this browser runs the app: a signed-in person's public pages may then be
// the ones shared by every reader, their own parts asked for here (apps/server/src/web.ts).
// Without it (no JavaScript) the server renders those parts into the page.
// biome-ignore lint/suspicious/noDocumentCookie: one constant value; the Cookie Store API is not in every browser served
document.cookie = `yeet_js=1; path=/; max-age=31536000; samesite=lax${location.protocol === 'https:' ? '; secure' : ''}`;
