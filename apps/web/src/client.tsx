import { StartClient } from '@tanstack/react-start/client';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { isLocale } from '@yeet/domain/locale';
import { loadLocale } from './lib/i18n';
import { registerServiceWorker } from './lib/service-worker';

// TanStack Start's default client entry, plus the service worker once the page has loaded.
// A page in German is hydrated once its translations are here (a chunk of their own, which
// English readers never fetch): its first render in the browser reads as the server's did.
const lang = document.documentElement.lang;
void loadLocale(isLocale(lang) ? lang : 'en').then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <StartClient />
      </StrictMode>,
    );
  }),
);
registerServiceWorker();
// This page load's web vitals for the operations dashboards: a chunk of its own, fetched once
// the page has loaded and the browser is idle, so it never delays what the visitor came for.
const vitals = () => void import('./lib/web-vitals').then((m) => m.reportWebVitals());
const whenIdle = () => ('requestIdleCallback' in window ? requestIdleCallback(vitals) : setTimeout(vitals, 1000));
if (document.readyState === 'complete') whenIdle();
else addEventListener('load', whenIdle, { once: true });
