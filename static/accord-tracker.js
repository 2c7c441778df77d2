// The commitment tracker, enhanced: filter rows by party, topic, status, text and overdue,
// and sort by any column. Without this script the full table is still there.
(function () {
  "use strict";
  const table = document.querySelector("table.tracker");
  const form = document.querySelector("form.tracker-filters");
  if (!table || !form) return;
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const count = document.getElementById("tracker-count");
  const fields = ["party", "topic", "status", "q"];
  form.hidden = false;

  // A link such as commitments/?party=jp&status=fulfilled opens the tracker filtered.
  const params = new URLSearchParams(location.search);
  for (const name of fields) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
  form.elements.overdue.checked = params.get("overdue") === "1";

  function matches(row, f) {
    const d = row.dataset;
    return (!f.party || d.parties.split(" ").includes(f.party)) &&
      (!f.topic || d.topic === f.topic) &&
      (!f.status || d.status === f.status) &&
      (!f.overdue || d.overdue === "true") &&
      (!f.q || row.textContent.toLowerCase().includes(f.q));
  }

  function apply() {
    const f = {
      party: form.elements.party.value,
      topic: form.elements.topic.value,
      status: form.elements.status.value,
      q: form.elements.q.value.trim().toLowerCase(),
      overdue: form.elements.overdue.checked,
    };
    let shown = 0;
    for (const row of rows) {
      const ok = matches(row, f);
      row.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown === rows.length
      ? `All ${rows.length} commitments shown`
      : `${shown} of ${rows.length} commitments shown`;
    // Keep the address shareable: it carries the filters.
    const next = new URLSearchParams();
    for (const name of fields) {
      const value = form.elements[name].value.trim();
      if (value) next.set(name, value);
    }
    if (f.overdue) next.set("overdue", "1");
    const query = next.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => { e.preventDefault(); apply(); });
  form.addEventListener("reset", () => setTimeout(apply));

  const headers = Array.from(table.tHead.rows[0].cells);
  for (const th of headers) {
    const key = th.dataset.sort;
    if (!key) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", () => sortBy(th, key));
  }

  function sortBy(th, key) {
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    for (const h of headers) h.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = key === "mentions";
    const value = (row) => row.dataset[key] || "";
    const sorted = rows.slice().sort((a, b) => {
      const x = value(a), y = value(b);
      // Empty cells (no due date) go last whichever way the column sorts.
      if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);
      const c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? c : -c;
    });
    tbody.append(...sorted);
  }

  apply();
})();
