/*
 * Eat or Yeet's service worker: recipes a person opened, and their shopping list, stay
 * readable without a network (a kitchen or a shop with bad Wi-Fi). Written by hand, no
 * build step: it is served as it is at /sw.js (root scope). The rules (docs/decisions,
 * "service worker caching") in short:
 *
 * - Only same-origin GET navigations to a recipe page (/r/<slug>) and to /shopping-list
 *   are kept, and only a 200 page (never a redirect, never an error page). API calls,
 *   images, sign-in and every other page go to the network untouched.
 * - Pages are network first: the network has PAGE_TIMEOUT_MS to answer, then a kept copy
 *   is served; with none kept, the network is waited for, and if it fails, /offline.html.
 * - A page rendered for a signed-in person (Cache-Control: private) goes to the private
 *   cache; an anonymous one to the public cache. Signing in or out (/auth/login,
 *   /auth/callback, /auth/logout — whoever is signed in changes) deletes the private cache
 *   before any new page is kept, so one person's pages are never served to another.
 * - Hashed build files (/assets/*) are cache first: their names change with their content.
 * - Cache names carry VERSION; activating a new worker deletes every other version's.
 */
const VERSION = 'v1';
const PREFIX = 'eoy-';
const CACHES = {
  shell: `${PREFIX}shell-${VERSION}`,
  assets: `${PREFIX}assets-${VERSION}`,
  pages: `${PREFIX}pages-${VERSION}`,
  private: `${PREFIX}private-${VERSION}`,
};
const OFFLINE_URL = '/offline.html';
const PAGE_TIMEOUT_MS = 3000;
/** Recipes kept per cache; the oldest kept go first. */
const MAX_PAGES = 60;
const MAX_ASSETS = 200;

const keptPage = /^\/(r\/[^/]+|shopping-list)$/;
const sessionChange = /^\/auth\/(login|callback|logout)$/;

/** Settles once the private cache is gone after a sign-in or sign-out; pages wait for it before being kept. */
let clearing = Promise.resolve();

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHES.shell)
      .then((cache) => cache.add(new Request(OFFLINE_URL, { cache: 'reload' })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  const current = new Set(Object.values(CACHES));
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && !current.has(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (sessionChange.test(url.pathname)) {
    // Not answered here: the browser sends it as it would without a worker.
    clearing = caches.delete(CACHES.private).then(() => undefined);
    event.waitUntil(clearing);
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
    return;
  }
  if (request.mode === 'navigate') event.respondWith(page(event, url));
});

/** A hashed build file: from the cache when kept, else from the network (and kept). */
async function asset(request) {
  const cache = await caches.open(CACHES.assets);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone());
    trim(cache, MAX_ASSETS);
  }
  return response;
}

async function page(event, url) {
  const keep = keptPage.test(url.pathname);
  const network = fetch(event.request).then((response) => {
    if (keep) event.waitUntil(store(event.request.url, response.clone()));
    return response;
  });
  if (!keep) return network.catch(offline);
  network.catch(() => undefined);
  const timeout = new Promise((resolve) => setTimeout(resolve, PAGE_TIMEOUT_MS, null));
  const first = await Promise.race([network, timeout]).catch(() => null);
  if (first) return first;
  const kept = await lookup(url);
  if (kept) return kept;
  return network.catch(offline);
}

/** Keeps a page if it is a whole page: private pages in the private cache, anonymous ones in the public cache. */
async function store(href, response) {
  if (response.status !== 200 || response.type !== 'basic' || response.redirected) return;
  if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
  await clearing;
  const signedIn = /private/.test(response.headers.get('cache-control') ?? '');
  const cache = await caches.open(signedIn ? CACHES.private : CACHES.pages);
  const key = pageKey(href);
  // Re-put moves it to the end of keys(): the order trim() goes by.
  await cache.delete(key);
  await cache.put(key, response);
  await trim(cache, MAX_PAGES);
}

/** The person's own copy first, then an anonymous one; ?servings= and the like do not make another page. */
async function lookup(url) {
  const key = pageKey(url.href);
  return (
    (await caches.open(CACHES.private).then((c) => c.match(key))) ?? (await caches.open(CACHES.pages).then((c) => c.match(key)))
  );
}

function pageKey(href) {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}

async function offline() {
  const kept = await caches.open(CACHES.shell).then((c) => c.match(OFFLINE_URL));
  return (
    kept ??
    new Response('You are offline, and this page was not saved for reading offline.', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
  );
}

async function trim(cache, max) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((k) => cache.delete(k)));
}

/**
 * The page that registered this worker loaded before the worker could see it: the page
 * tells what it is and which build files it used, so that they are kept now.
 */
self.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type !== 'opened' || typeof data.url !== 'string') return;
  const url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin) return;
  const assets = (Array.isArray(data.assets) ? data.assets : [])
    .map((a) => new URL(String(a), self.location.origin))
    .filter((a) => a.origin === self.location.origin && a.pathname.startsWith('/assets/'));
  const work = [
    ...assets.map((a) => asset(new Request(a.href)).catch(() => undefined)),
    keptPage.test(url.pathname)
      ? fetch(url.href, { credentials: 'same-origin', redirect: 'manual' })
          .then((response) => store(url.href, response))
          .catch(() => undefined)
      : Promise.resolve(),
  ];
  event.waitUntil(Promise.all(work));
});
