// Accord live reload. Injected by `accord serve` only; never part of a build.
(() => {
  const script = document.currentScript;
  const base = script.dataset.base;
  // The version of the site this page was served at.
  let version = Number(script.dataset.version);
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

  // Swap the changed stylesheets in place; `false` when none of them is linked from this
  // page (an @import, say), so only a reload shows the change.
  const swapStylesheets = (changed) => {
    let swapped = false;
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (!url.pathname.startsWith(base)) continue;
      if (!changed.includes(decodeURIComponent(url.pathname.slice(base.length)))) continue;
      url.searchParams.set("accord", Date.now().toString(36));
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", () => link.remove());
      next.addEventListener("error", () => link.remove());
      link.after(next);
      swapped = true;
    }
    return swapped;
  };

  // Files every page may use: a change to one reloads any page. Pages, feeds and data files
  // concern only themselves.
  const ASSET = /\.(css|js|mjs|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf)$/i;

  // The overlay is plain DOM with its own inline styles, so the page's CSS cannot hide it
  // and its text is part of the page (for readers, screen readers and tests).
  let overlay = null;
  const el = (tag, style, text) => {
    const node = document.createElement(tag);
    node.setAttribute("style", style);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const showError = (error) => {
    if (overlay) overlay.remove();
    overlay = el("div", "all:initial;position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:75vh;overflow:auto;" +
      "background:#1b1f24;color:#f6f8fa;border-bottom:6px solid #d1242f;box-shadow:0 4px 24px #0008;" +
      "font:14px/1.5 system-ui,sans-serif;padding:12px 16px 16px;display:block");
    overlay.id = "accord-build-error";
    overlay.setAttribute("role", "alert");
    overlay.append(el("strong", "display:block;font-size:16px;color:#ff8182", "Accord: the site does not build"));
    overlay.append(el("span", "display:block;color:#d0d7de;margin:2px 0 8px",
      "You are seeing the last version that built. Fix the problem and this page updates by itself."));
    for (const line of error.summary) {
      overlay.append(el("code", "display:block;font:600 14px/1.5 ui-monospace,Menlo,Consolas,monospace;color:#ffd8d3", line));
    }
    overlay.append(el("pre", "margin:8px 0 0;white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;color:#f6f8fa", error.message));
    document.body.append(overlay);
  };
  const clearError = () => {
    if (overlay) { overlay.remove(); overlay = null; }
  };

  let instance = null;
  const events = new EventSource(base + "__accord/events");
  events.addEventListener("hello", (e) => {
    const data = JSON.parse(e.data);
    // A restarted server may hold anything, and a newer version means a rebuild happened
    // between this page's load and this stream's start: reload to be sure.
    if ((instance !== null && data.instance !== instance) || data.version > version) return reload();
    instance = data.instance;
    if (data.error) showError(data.error); else clearError();
  });
  events.addEventListener("reload", (e) => {
    const data = JSON.parse(e.data);
    clearError();
    const missed = data.version > version + 1;
    version = data.version;
    if (data.css_only && !missed && swapStylesheets(data.changed)) return;
    const touchesThisPage = missed || data.css_only || data.changed.some((f) => f === self || ASSET.test(f));
    if (touchesThisPage) reload();
  });
  events.addEventListener("build-error", (e) => showError(JSON.parse(e.data)));
})();
