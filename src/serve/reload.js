// Accord live reload. Injected by `accord serve` only; never part of a build.
(() => {
  const script = document.currentScript;
  const base = script.dataset.base;
  const scrollKey = "accord-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = JSON.parse(saved);
    const restore = () => window.scrollTo(x, y);
    if (document.readyState === "complete") restore(); else addEventListener("load", restore);
  }

  // The output file this page is, e.g. "briefs/kl/index.html".
  const self = (() => {
    if (!location.pathname.startsWith(base)) return null;
    let rel = decodeURIComponent(location.pathname.slice(base.length));
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    return rel;
  })();

  const reload = () => {
    sessionStorage.setItem(scrollKey, JSON.stringify([scrollX, scrollY]));
    location.reload();
  };

  const swapStylesheets = (changed) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (!url.pathname.startsWith(base)) continue;
      if (!changed.includes(decodeURIComponent(url.pathname.slice(base.length)))) continue;
      url.searchParams.set("accord", Date.now().toString(36));
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", () => link.remove());
      link.after(next);
    }
  };

  let overlay = null;
  const showError = (message) => {
    if (!overlay) {
      overlay = document.createElement("accord-error");
      overlay.setAttribute("role", "alert");
      const root = overlay.attachShadow({ mode: "open" });
      root.innerHTML = `<style>
        :host { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 70vh; overflow: auto;
          background: #1b1f24; color: #f6f8fa; border-bottom: 6px solid #d1242f;
          font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; box-shadow: 0 4px 24px #0008; }
        h2 { font: 700 16px/1.3 system-ui, sans-serif; margin: 0; padding: 12px 16px 0; color: #ff8182; }
        p { font: 14px/1.4 system-ui, sans-serif; margin: 4px 16px 0; color: #d0d7de; }
        pre { margin: 0; padding: 12px 16px 16px; white-space: pre-wrap; }
      </style><h2>Accord: the site does not build</h2>
      <p>This page is the last version that built. Fix the problem below and it updates by itself.</p><pre></pre>`;
      document.documentElement.append(overlay);
    }
    overlay.shadowRoot.querySelector("pre").textContent = message;
  };
  const clearError = () => {
    if (overlay) { overlay.remove(); overlay = null; }
  };

  let instance = null;
  const events = new EventSource(base + "__accord/events");
  events.addEventListener("hello", (e) => {
    const data = JSON.parse(e.data);
    // A restarted server may hold anything: reload to be sure.
    if (instance !== null && data.instance !== instance) return reload();
    instance = data.instance;
    if (data.error) showError(data.error); else clearError();
  });
  events.addEventListener("reload", (e) => {
    const data = JSON.parse(e.data);
    clearError();
    if (data.css_only) return swapStylesheets(data.changed);
    const touchesThisPage = data.changed.some((f) => f === self || !f.endsWith(".html"));
    if (touchesThisPage) reload();
  });
  events.addEventListener("build-error", (e) => showError(JSON.parse(e.data).message));
})();
