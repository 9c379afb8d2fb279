// Registers the service worker and tells the app when a new version waits.
// The app shows the prompt (src/update_prompt.rs) and, when the person
// accepts, sets __jzUpdateAccepted and calls __jzApplyUpdate().
(function () {
  if (!("serviceWorker" in navigator)) return;
  var announce = function () {
    window.__jzUpdateReady = true;
    window.dispatchEvent(new Event("jz-update-ready"));
  };
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // The first install also changes the controller; reload only on an accepted update.
    if (window.__jzUpdateAccepted && !window.__jzReloading) {
      window.__jzReloading = true;
      window.location.reload();
    }
  });
  navigator.serviceWorker.register("/sw.js").then(function (reg) {
    window.__jzRegistration = reg;
    window.__jzApplyUpdate = function () {
      if (reg.waiting) reg.waiting.postMessage("skip-waiting");
    };
    if (reg.waiting && navigator.serviceWorker.controller) announce();
    reg.addEventListener("updatefound", function () {
      var worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && navigator.serviceWorker.controller) announce();
      });
    });
  });
})();
