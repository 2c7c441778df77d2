// The search page: queries the Pagefind index built with the site (under pagefind/, found
// through the script tag's data-bundle, so it works under any sub-path), with filters by
// party, topic and status. The query and filters live in the address, so results can be
// shared and the back button works.
const script = document.currentScript || document.querySelector("script[data-bundle]");
const bundle = script.dataset.bundle;
const form = document.querySelector("form.search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const filterNames = ["party", "topic", "status"];

let pagefind;
try {
  pagefind = await import(`${bundle}pagefind.js`);
} catch (e) {
  // `accord serve` builds the index in the background; a built site always has it.
  status.textContent = "The search index is not available yet: reload this page in a moment.";
  throw e;
}
// Result URLs are indexed relative to the site; baseUrl puts them under its path.
await pagefind.options({ basePath: bundle, baseUrl: script.dataset.base, excerptLength: 30 });
await pagefind.init();
// The index is cut into shards of consecutive briefs from the oldest on (the last holds the
// newest): this bundle is the first, accord-shards.json lists the others, and they are merged
// into one search. Merged results are
// ordered by score; a sort by date scores each result by its place in its own shard, which
// would interleave the shards, so a listing newest first asks the shards one by one instead
// (every record has a `shard` filter).
let shardCount = 1;
let partial = "";
try {
  const listed = await fetch(`${bundle}accord-shards.json`).then((r) => (r.ok ? r.json() : { shards: [] }));
  const shards = Array.isArray(listed.shards) ? listed.shards : [];
  // mergeIndex adds each shard's instance before it loads, so the order is kept.
  await Promise.all(shards.map((shard) =>
    pagefind.mergeIndex(`${bundle}${shard}`, { baseUrl: script.dataset.base, excerptLength: 30 })));
  shardCount += shards.length;
} catch (e) {
  partial = " Part of the search index could not be loaded: results may be incomplete.";
  status.textContent = partial;
  console.error(e);
}

async function fillFilters() {
  const available = await pagefind.filters();
  for (const name of filterNames) {
    const select = form.elements[name];
    const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b));
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${value} (${available[name][value]})`;
      select.appendChild(option);
    }
  }
  form.querySelector(".search-filters").hidden = false;
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of filterNames) form.elements[name].value = params.get(name) || "";
}

function writeAddress() {
  const params = new URLSearchParams();
  const q = form.elements.q.value.trim();
  if (q) params.set("q", q);
  for (const name of filterNames) {
    if (form.elements[name].value) params.set(name, form.elements[name].value);
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

const SHOWN = 20;

// The first briefs a filter matches, newest first: shard by shard from the newest, each in
// date order.
async function newestFirst(filters) {
  const found = [];
  for (let shard = shardCount - 1; shard >= 0 && found.length < SHOWN; shard--) {
    const part = await pagefind.search(null, { filters: { ...filters, shard: String(shard) }, sort: { date: "desc" } });
    found.push(...part.results);
  }
  return found.slice(0, SHOWN);
}

let latest = 0;
async function run() {
  const ticket = ++latest;
  const q = form.elements.q.value.trim();
  const filters = {};
  for (const name of filterNames) {
    if (form.elements[name].value) filters[name] = form.elements[name].value;
  }
  writeAddress();
  if (!q && Object.keys(filters).length === 0) {
    list.replaceChildren();
    status.textContent = partial;
    return;
  }
  // An empty query with filters lists every brief they match, newest first.
  const search = await pagefind.search(q || null, { filters });
  const first = q ? search.results.slice(0, SHOWN) : await newestFirst(filters);
  const results = await Promise.all(first.map((r) => r.data()));
  if (ticket !== latest) return; // a newer search has started
  list.replaceChildren(...results.map(resultItem));
  const n = search.results.length;
  status.textContent = (n === 0 ? "No brief matches." : `${n} ${n === 1 ? "brief matches" : "briefs match"}${n > SHOWN ? `; the first ${SHOWN} are shown` : ""}.`) + partial;
}

function resultItem(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const h = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  h.appendChild(a);
  li.appendChild(h);
  if (data.meta.date) {
    const p = document.createElement("p");
    p.className = "kicker";
    p.textContent = data.meta.date;
    li.appendChild(p);
  }
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is escaped text with <mark> around the matches.
  excerpt.innerHTML = data.excerpt;
  li.appendChild(excerpt);
  return li;
}

let timer;
form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
form.addEventListener("change", run);
form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
readAddress();
await fillFilters();
readAddress();
run();
