// The commitment tracker's filters and sorting, over every commitment. The data is read in
// parts from commitments/data/ (see src/render/tracker_data.rs): a list's shards, or the word
// index for text, never all commitments at once. Without this script the overview and the
// static lists of commitments still work.
(function () {
  "use strict";
  const form = document.querySelector("form.tracker-filters");
  const results = document.getElementById("tracker-results");
  if (!form || !results || !window.fetch) return;
  const base = form.dataset.tracker;
  const tbody = results.querySelector("tbody");
  const heading = results.querySelector("h2");
  const count = document.getElementById("tracker-count");
  const pager = results.querySelector(".tracker-pager");
  const more = results.querySelector(".tracker-more");
  const initial = { rows: tbody.innerHTML, heading: heading.textContent };
  const PAGE = 50;
  // A list or word match of at most this many commitments is read whole, so it can be counted
  // and sorted exactly; a larger one is scanned in the sort's order until a page is full.
  const READ_WHOLE = 20000;
  const fields = ["party", "topic", "status", "q", "sort"];
  const checks = ["overdue", "reverse"];
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const fetched = new Map();
  let meta = null;
  let run = 0;

  function get(path) {
    if (!fetched.has(path)) {
      const read = fetch(base + path).then((r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r.json();
      });
      // A failed read is tried again next time, not kept.
      read.catch(() => fetched.delete(path));
      fetched.set(path, read);
    }
    return fetched.get(path);
  }

  // A link such as commitments/?party=jp&status=fulfilled opens the tracker filtered.
  const params = new URLSearchParams(location.search);
  for (const name of fields) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
  for (const name of checks) form.elements[name].checked = params.get(name) === "1";
  let page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  form.hidden = false;

  function filters() {
    const value = (name) => form.elements[name].value.trim();
    return {
      party: value("party"), topic: value("topic"), status: value("status"),
      q: value("q").toLowerCase(), sort: value("sort"),
      overdue: form.elements.overdue.checked, reverse: form.elements.reverse.checked,
    };
  }

  function isActive(f) {
    return Boolean(f.party || f.topic || f.status || f.q || f.overdue || f.sort || f.reverse || page > 1);
  }

  function keepAddress(f) {
    const next = new URLSearchParams();
    for (const name of fields) if (f[name]) next.set(name, form.elements[name].value.trim());
    for (const name of checks) if (f[name]) next.set(name, "1");
    if (page > 1) next.set("page", String(page));
    const query = next.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  // The words of a query as Accord indexes them (tracker_data::words): lowercase runs of
  // alphabetic characters (combining vowel signs included) and digits, two or more long.
  function words(text) {
    return text.toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u).filter((w) => [...w].length >= 2);
  }

  // FNV-1a over the code points of a word's first two characters (tracker_data::word_bucket).
  function bucket(word, buckets) {
    let hash = 0x811c9dc5;
    for (const ch of [...word].slice(0, 2)) {
      hash ^= ch.codePointAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % buckets;
  }

  // The places (in the list `all`) of the commitments whose text has a word starting with each
  // word of the query; null when the query has no word to look up.
  async function textMatches(q) {
    const wanted = words(q);
    if (!wanted.length) return null;
    let found = null;
    for (const word of wanted) {
      const index = await get(`words/${bucket(word, meta.word_buckets)}.json`);
      const places = new Set();
      for (const [w, list] of Object.entries(index)) {
        if (w.startsWith(word)) for (const at of list) places.add(at);
      }
      found = found === null ? places : new Set([...found].filter((at) => places.has(at)));
    }
    return found;
  }

  const status = (id) => meta.statuses.find((s) => s.id === id) || { id, label: id, closes: false };
  const isOverdue = (r) => Boolean(r[8] && r[8] < meta.as_of && !status(r[5]).closes);

  function matches(r, f, text) {
    return (!f.party || r[3].includes(f.party)) &&
      (!f.topic || r[4] === f.topic) &&
      (!f.status || r[5] === f.status) &&
      (!f.overdue || isOverdue(r)) &&
      (!text || text.has(r[0]));
  }

  const lower = (s) => s.toLowerCase();
  const orders = {
    "": (a, b) => a[0] - b[0],
    due: (a, b) => (a[8] === b[8] ? 0 : a[8] === null ? 1 : b[8] === null ? -1 : a[8] < b[8] ? -1 : 1) || a[0] - b[0],
    first: (a, b) => (a[6] < b[6] ? -1 : a[6] > b[6] ? 1 : 0) || a[0] - b[0],
    mentions: (a, b) => b[9] - a[9] || a[0] - b[0],
    text: (a, b) => (lower(a[2]) < lower(b[2]) ? -1 : lower(a[2]) > lower(b[2]) ? 1 : 0) || a[0] - b[0],
  };

  async function readList(key) {
    const shards = (meta.lists[key] || { shards: 0 }).shards;
    const parts = await Promise.all(Array.from({ length: shards }, (_, i) => get(`${key}/${i + 1}.json`)));
    return parts.flat();
  }

  async function readPlaces(places) {
    const shards = new Set([...places].map((at) => Math.floor(at / meta.shard) + 1));
    const parts = await Promise.all([...shards].map((n) => get(`all/${n}.json`)));
    return parts.flat().filter((r) => places.has(r[0]));
  }

  // Read list `key` in order (or backwards) until `want` records pass `keep`.
  async function scan(key, backwards, keep, want) {
    const shards = (meta.lists[key] || { shards: 0 }).shards;
    const order = Array.from({ length: shards }, (_, i) => i + 1);
    if (backwards) order.reverse();
    const found = [];
    for (let i = 0; i < order.length && found.length < want; i++) {
      if (i + 1 < order.length) get(`${key}/${order[i + 1]}.json`).catch(() => {}); // the next, meanwhile
      const records = await get(`${key}/${order[i]}.json`);
      for (const r of backwards ? [...records].reverse() : records) {
        if (keep(r)) found.push(r);
      }
    }
    return found;
  }

  // The commitments to show for the filters: this page's, how many match (null if unknown
  // without reading more), and whether a next page exists. Sorting by due date shows the
  // commitments that have one.
  async function select(f) {
    const text = f.q ? await textMatches(f.q) : null;
    const lists = [];
    if (f.party) lists.push(`party/${f.party}`);
    if (f.topic) lists.push(`topic/${f.topic}`);
    if (f.status) lists.push(`status/${f.status}`);
    if (f.overdue) lists.push("overdue");
    const size = (key) => (meta.lists[key] || { count: 0 }).count;
    const shards = (key) => (meta.lists[key] || { shards: 0 }).shards;
    // Each filter names a set that holds every match: a list, or the commitments with the
    // words. Reading one whole costs its shards; reading in the sort's order stops once a
    // page is full, which takes about (rows wanted) / (share of commitments matching) rows.
    const sets = lists.map((key) => ({ key, size: size(key), shards: shards(key) }));
    if (text) {
      const touched = new Set([...text].map((at) => Math.floor(at / meta.shard)));
      sets.push({ key: null, size: text.size, shards: touched.size });
    }
    const all = Math.max(1, size("all"));
    const share = sets.reduce((p, set) => p * (set.size / all), 1); // as if independent
    const whole = sets
      .filter((set) => set.size <= READ_WHOLE)
      .sort((a, b) => a.shards - b.shards || a.size - b.size)[0];
    const smallestList = sets.filter((set) => set.key).sort((a, b) => a.size - b.size)[0];
    const key = f.sort ? `sort/${f.sort}` : smallestList ? smallestList.key : "all";
    const start = (page - 1) * PAGE;
    const expected = Math.max(1, share * all);
    const rowsToRead = Math.min(size(key), ((start + PAGE + 1) * size(key)) / expected);
    const scanShards = Math.ceil(rowsToRead / meta.shard);
    const keep = (r) => matches(r, f, text) && (f.sort !== "due" || r[8] !== null);
    if (whole && whole.shards <= scanShards) {
      const records = whole.key ? await readList(whole.key) : await readPlaces(text);
      const found = records.filter(keep).sort(orders[f.sort] || orders[""]);
      if (f.reverse) found.reverse();
      return { rows: found.slice(start, start + PAGE), total: found.length, next: found.length > start + PAGE };
    }
    const found = await scan(key, f.reverse, keep, start + PAGE + 1);
    // One filter or none: its size is the count (due dates aside).
    let total = null;
    if (!sets.length) total = size(key);
    else if (sets.length === 1 && f.sort !== "due") total = sets[0].size;
    return { rows: found.slice(start, start + PAGE), total, next: found.length > start + PAGE };
  }

  // The same markup as tracker_row.html (whose cells accord.css labels on phones).
  function cell(tag, ...children) {
    const el = document.createElement(tag);
    if (tag === "th") el.scope = "row";
    el.append(...children);
    return el;
  }

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // A YYYY-MM-DD date in the site's `date_format`, as the pages print it (the strftime codes
  // of dates; anything else gives the date as written).
  function formatDate(date) {
    const [y, m, d] = date.split("-").map(Number);
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const pad = (n) => String(n).padStart(2, "0");
    const codes = {
      Y: String(y), y: pad(y % 100), m: pad(m), "-m": String(m), d: pad(d), "-d": String(d),
      e: String(d).padStart(2, " "), B: MONTHS[m - 1], b: MONTHS[m - 1].slice(0, 3),
      h: MONTHS[m - 1].slice(0, 3), A: DAYS[weekday], a: DAYS[weekday].slice(0, 3), "%": "%",
    };
    let known = true;
    const text = (meta.date_format || "%Y-%m-%d").replace(/%(-?[A-Za-z%])/g, (_, code) => {
      if (code in codes) return codes[code];
      known = false;
      return "";
    });
    return known ? text : date;
  }

  function time(date) {
    if (!date) return "";
    const t = document.createElement("time");
    t.dateTime = date;
    t.textContent = formatDate(date);
    return t;
  }

  function row(r) {
    const tr = document.createElement("tr");
    const parties = [];
    r[3].forEach((id, i) => {
      const p = meta.parties[id] || { name: id };
      if (i) parties.push(", ");
      parties.push(link(`${meta.site_base}parties/${id}/`, p.short || p.name));
    });
    const topic = r[4] ? [link(`${meta.site_base}topics/${r[4]}/`, (meta.topics[r[4]] || { name: r[4] }).name)] : [];
    const s = status(r[5]);
    const badge = document.createElement("span");
    badge.className = `status status-${s.id}${s.closes ? " status-closed" : ""}`;
    badge.textContent = s.label;
    const due = [time(r[8])];
    if (isOverdue(r)) {
      const flag = document.createElement("span");
      flag.className = "overdue";
      flag.textContent = "Overdue";
      due.push(" ", flag);
    }
    const briefs = cell("td", String(r[9]));
    briefs.className = "num";
    tr.append(
      cell("th", link(`${meta.commitment_base}${r[1]}/`, r[2])),
      cell("td", ...parties),
      cell("td", ...topic),
      cell("td", badge),
      cell("td", time(r[6])),
      cell("td", time(r[7])),
      cell("td", ...due),
      briefs,
    );
    return tr;
  }

  function pageButton(label, to) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => { page = to; update(); heading.focus(); });
    return b;
  }

  function show(found) {
    tbody.replaceChildren(...found.rows.map(row));
    heading.textContent = "Matching commitments";
    const first = (page - 1) * PAGE + 1;
    const last = first + found.rows.length - 1;
    if (!found.rows.length) {
      count.textContent = page > 1 ? "No more matching commitments." : "No commitment matches these filters.";
    } else if (found.total !== null) {
      count.textContent = `${found.total} ${found.total === 1 ? "commitment matches" : "commitments match"}; showing ${first} to ${last}.`;
    } else {
      count.textContent = `Showing matching commitments ${first} to ${last}${found.next ? "; more follow" : ""}.`;
    }
    const buttons = [];
    if (page > 1) buttons.push(pageButton("Previous page", page - 1));
    if (found.next) buttons.push(pageButton("Next page", page + 1));
    pager.replaceChildren(...buttons);
    pager.hidden = !buttons.length;
    more.hidden = true;
  }

  function reset() {
    tbody.innerHTML = initial.rows;
    heading.textContent = initial.heading;
    count.textContent = "";
    pager.hidden = true;
    more.hidden = false;
  }

  async function update() {
    const f = filters();
    keepAddress(f);
    const mine = ++run;
    if (!isActive(f)) { reset(); return; }
    if (f.q && !words(f.q).length) {
      count.textContent = "Type a word of two letters or more.";
      return;
    }
    // Busy, not "Loading…" in the live region: that would be read out at every keystroke.
    results.setAttribute("aria-busy", "true");
    try {
      meta = meta || await get("meta.json");
      const found = await select(f);
      if (mine !== run) return; // a newer change has started meanwhile
      results.removeAttribute("aria-busy");
      show(found);
      form.dispatchEvent(new CustomEvent("accord:tracker-shown", { detail: { rows: found.rows.length } }));
    } catch (e) {
      if (mine === run) {
        results.removeAttribute("aria-busy");
        count.textContent = `The tracker's data could not be read (${e.message}).`;
      }
    }
  }

  heading.tabIndex = -1;
  const changed = () => { page = 1; update(); };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (e) => { e.preventDefault(); changed(); });
  form.addEventListener("reset", () => setTimeout(changed));
  if (isActive(filters())) update();
})();
