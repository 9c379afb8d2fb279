// Jianzheng service worker: the app of one build in one versioned cache.
// Each area of the app (jianzheng_core::area) is its own bundle; the cache
// holds the files every area shares and the bundles of the areas used on
// this device, so a resident's phone never downloads the clerk's or the
// town's code. The large icons only a home screen install asks for are kept
// when first fetched (ASSETS.onDemand), never downloaded up front. A new
// build precaches the same areas and waits until the
// person accepts the update prompt (the page posts "skip-waiting"); it never
// takes over mid-task. scripts/sw-precache fills in the version and the
// file lists at build time.
const VERSION = "__JZ_VERSION__";
const ASSETS = "__JZ_ASSETS__";
const PREFIX = "jianzheng-shell-";
const CACHE = PREFIX + VERSION;
// The shell of each area; agrees with jianzheng_core::area::Area::shell.
const SHELLS = {
  resident: "/index.html",
  clerk: "/clerk.html",
  town: "/town.html",
  verify: "/verify.html",
  poster: "/poster.html",
};

// The area of an address, as jianzheng_core::area::Area::of_path.
function areaOf(pathname) {
  const first = pathname.replace(/^\/+/, "").split("/")[0];
  return ["clerk", "town", "verify", "poster"].includes(first) ? first : "resident";
}

// The areas this device uses: those an earlier version cached, and those
// open in a window now (the page that registered this worker among them).
async function areasInUse() {
  const areas = new Set();
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    for (const [area, shell] of Object.entries(SHELLS)) {
      if (await old.match(shell)) areas.add(area);
    }
  }
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) areas.add(areaOf(new URL(client.url).pathname));
  return areas;
}

// What a never-visited area answers offline: it has not been downloaded.
function notDownloaded() {
  const page =
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>减证</title>' +
    '<body style="font: 1.25rem/1.6 sans-serif; padding: 1.5rem; max-width: 40rem">' +
    '<h1 id="not-downloaded">此页面尚未下载到本设备</h1><p>请联网后打开一次，之后断网也能使用。</p>' +
    '<p lang="en">This page has not been downloaded to this device yet. Open it once while online; ' +
    "after that it works offline too.</p></body></html>";
  return new Response(page, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const areas = [...(await areasInUse())];
      // Areas share files (tools.css): addAll refuses a request named twice.
      const files = new Set([...ASSETS.common, ...areas.flatMap((area) => ASSETS[area])]);
      await cache.addAll([...files]);
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is always live; only the app itself is served from the cache.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // Every route of an area is that area's shell of this version.
    const area = areaOf(url.pathname);
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        const hit = await cache.match(SHELLS[area]);
        if (hit) return hit;
        // An area first used now: from the network, and kept from now on.
        try {
          const response = await fetch(request);
          event.waitUntil(cache.addAll(ASSETS[area]).catch(() => {}));
          return response;
        } catch (_) {
          return notDownloaded();
        }
      })(),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      // A file only an install asks for is kept once it has been fetched.
      if (response.ok && ASSETS.onDemand.includes(url.pathname)) {
        event.waitUntil(cache.put(request, response.clone()).catch(() => {}));
      }
      return response;
    })(),
  );
});
