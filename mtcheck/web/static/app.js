// The editor's page of `mtcheck serve`. No framework, no network but this server.
//
// Safety rule of this file: document text only ever reaches the page as text nodes
// (el() / document.createTextNode / textContent). Nothing here parses markup from
// strings, so a story holding <script> or onerror= is shown as the characters it is.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  /** An element with properties and children; string children become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "onclick") node.addEventListener("click", value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const CATEGORIES = ["calque", "repetition", "fragment", "punctuation", "script", "marker"];
  const cssName = (value) => String(value).toLowerCase().replace(/[^a-z-]/g, "");
  const fixed = (value, digits) => Number(value).toFixed(digits);

  // ------------------------------------------------------------------ server

  async function request(path, options) {
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new Error("the mtcheck server cannot be reached (is `mtcheck serve` still running?)");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      throw new Error(data && data.error ? data.error : `${response.status} ${response.statusText}`);
    }
    return data;
  }

  const postJSON = (path, body) =>
    request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  /** The text of an uploaded file, as the checker reads it (decoded, markup stripped). */
  async function extractFile(file) {
    const bytes = await file.arrayBuffer();
    const data = await request(`/v1/extract?name=${encodeURIComponent(file.name)}`, {
      method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes,
    });
    const first = data.documents[0];
    const more = data.documents.length > 1 ? ` (the first of its ${data.documents.length} documents)` : "";
    // A textarea turns CR LF into LF; doing it here keeps offsets the same in both views.
    return { text: first.text.replace(/\r\n?/g, "\n"), note: `${file.name}: ${first.format}${more}` };
  }

  // ------------------------------------------------------------------ status line

  function status(message, isError) {
    const line = $("status");
    line.textContent = message || "";
    line.classList.toggle("error", Boolean(isError));
  }

  let busyCount = 0;
  function busy(on) {
    busyCount += on ? 1 : -1;
    document.body.classList.toggle("busy", busyCount > 0);
    for (const id of ["check-btn", "compare-btn"]) $(id).disabled = busyCount > 0;
  }

  // ------------------------------------------------------------------ offsets
  // The server counts characters (code points); JavaScript strings count UTF-16 units.

  function unitsIndex(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return null; // the common case: the same numbers
    const map = [];
    let units = 0;
    for (const ch of text) {
      map.push(units);
      units += ch.length;
    }
    map.push(units);
    return map;
  }
  const toUnits = (map, i) => (map ? map[Math.min(i, map.length - 1)] : i);

  // ------------------------------------------------------------------ check view state

  const state = {
    text: "", // the text as last checked; edits and fixes produce a new one
    name: "story",
    report: null,
    findings: [], // the report's findings, each with s/e: UTF-16 offsets into state.text
    marks: [], // marks[i]: the <mark> elements that show finding i
    selected: -1,
    generation: 0, // responses to older requests are dropped
  };

  function showEditor(editing) {
    $("input").hidden = !editing;
    $("doc").hidden = editing;
    $("edit-btn").hidden = editing || !state.report;
    $("legend").hidden = editing || !state.report;
  }

  async function runCheck(text, keepNear) {
    if (!text.trim()) {
      status("Paste a story first.", true);
      return;
    }
    const generation = ++state.generation;
    busy(true);
    status("Checking…");
    try {
      const report = await postJSON("/v1/check", { text, name: state.name, format: "text" });
      if (generation !== state.generation) return;
      state.text = text;
      state.report = report.documents[0];
      const units = unitsIndex(text);
      state.findings = state.report.findings.map((f) => ({ ...f, s: toUnits(units, f.start), e: toUnits(units, f.end) }));
      renderDocument();
      renderSummary();
      renderFindingList();
      showEditor(false);
      $("intro").hidden = true;
      for (const id of ["copy-btn", "download-btn"]) $(id).disabled = false;
      $("fix-all-btn").disabled = !state.findings.some((f) => f.fix_safe);
      const n = state.findings.length;
      status(`${n} finding${n === 1 ? "" : "s"} · ${state.report.provenance.verdict} (MT likelihood ${fixed(state.report.provenance.mt_likelihood, 2)})`);
      // After a fix the next finding is selected, ready for the next key press; a fresh
      // check selects nothing, so the first click picks what it lands on.
      select(n && keepNear !== undefined ? nearest(keepNear) : -1);
    } catch (err) {
      if (generation === state.generation) status(err.message, true);
    } finally {
      busy(false);
    }
  }

  /** Index of the first finding at or after UTF-16 offset `at` (else the last). */
  function nearest(at) {
    const i = state.findings.findIndex((f) => f.s >= at);
    return i >= 0 ? i : state.findings.length - 1;
  }

  // ------------------------------------------------------------------ the highlighted text

  function renderDocument() {
    const doc = $("doc");
    const text = state.text;
    const findings = state.findings;
    state.marks = findings.map(() => []);
    const fragment = document.createDocumentFragment();
    const points = new Set([0, text.length]);
    for (const f of findings) {
      points.add(f.s);
      points.add(f.e);
    }
    const bounds = [...points].sort((a, b) => a - b);
    const order = findings.map((_, i) => i).sort((a, b) => findings[a].s - findings[b].s || findings[b].e - findings[a].e);
    let next = 0;
    let active = [];
    for (let k = 0; k < bounds.length; k++) {
      const at = bounds[k];
      active = active.filter((i) => findings[i].e > at);
      while (next < order.length && findings[order[next]].s <= at) {
        const i = order[next++];
        if (findings[i].e > findings[i].s) active.push(i);
        else fragment.appendChild(markFor([i], "")); // an empty span: something missing here
      }
      if (k === bounds.length - 1) break;
      const piece = text.slice(at, bounds[k + 1]);
      fragment.appendChild(active.length ? markFor(active.slice(), piece) : document.createTextNode(piece));
    }
    doc.replaceChildren(fragment);
    renderLegend();
  }

  function markFor(ids, piece) {
    // The innermost finding (latest start, then shortest) colours the mark and answers a click.
    const primary = ids.reduce((best, i) => {
      const a = state.findings[best];
      const b = state.findings[i];
      return b.s > a.s || (b.s === a.s && b.e < a.e) ? i : best;
    });
    const f = state.findings[primary];
    const mark = el("mark", {
      class: `cat-${cssName(f.category)} sev-${cssName(f.severity)}${piece ? "" : " empty"}`,
      title: ids.map((i) => `${state.findings[i].rule}: ${state.findings[i].message}`).join("\n"),
      dataset: { findings: ids.join(" "), primary: String(primary) },
    }, piece);
    for (const i of ids) state.marks[i].push(mark);
    return mark;
  }

  function renderLegend() {
    const present = new Set(state.findings.map((f) => f.category));
    const legend = $("legend");
    legend.replaceChildren(...CATEGORIES.filter((c) => present.has(c)).map((c) => el("span", { class: `chip cat-${c}` }, c)));
  }

  $("doc").addEventListener("click", (event) => {
    const mark = event.target.closest("mark");
    if (!mark) return;
    const ids = mark.dataset.findings.split(" ").map(Number);
    // A second click on overlapping findings steps through them.
    const at = ids.indexOf(state.selected);
    select(at >= 0 ? ids[(at + 1) % ids.length] : Number(mark.dataset.primary), false);
  });

  // ------------------------------------------------------------------ the selected finding

  function select(i, scroll = true) {
    for (const m of state.marks[state.selected] || []) m.classList.remove("selected");
    state.selected = i;
    const panel = $("finding");
    for (const item of $("findings").querySelectorAll("[aria-current]")) item.removeAttribute("aria-current");
    if (i < 0 || i >= state.findings.length) {
      panel.hidden = true;
      return;
    }
    const marks = state.marks[i];
    for (const m of marks) m.classList.add("selected");
    if (scroll && marks.length) marks[0].scrollIntoView({ block: "nearest" });
    const item = $("findings").querySelector(`[data-index="${i}"]`);
    if (item) {
      item.setAttribute("aria-current", "true");
      if (scroll) item.scrollIntoView({ block: "nearest" });
    }
    renderFinding(state.findings[i], i);
    panel.hidden = false;
  }

  function renderFinding(f, i) {
    const canApply = f.fix_safe && f.suggestion !== null && f.suggestion !== undefined;
    const rows = [
      ["Rule", el("code", {}, f.rule)],
      ["Category", el("span", { class: `chip cat-${cssName(f.category)}` }, f.category)],
      ["Where", `line ${f.line}, column ${f.column}`],
      ["Text", el("q", { class: "flagged" }, f.text || "(nothing: something is missing here)")],
      ["Message", f.message],
    ];
    if (f.suggestion !== null && f.suggestion !== undefined) {
      rows.push(["Suggestion", el("span", {}, el("strong", { class: "suggestion" }, f.suggestion),
        el("span", { class: canApply ? "safe" : "review" }, canApply ? " safe to apply" : " needs a person"))]);
    }
    if (f.source_term) rows.push(["Source term", `${f.source_term}${f.source_language ? ` (${f.source_language})` : ""}`]);
    if (f.pair) rows.push(["Reference pair", el("code", { title: f.pair }, f.pair.split(/[\\/]/).pop())]);
    $("finding").replaceChildren(
      el("h2", {}, el("span", { class: `sev sev-${cssName(f.severity)}` }, f.severity), ` Finding ${i + 1} of ${state.findings.length}`),
      el("dl", {}, rows.map(([term, value]) => [el("dt", {}, term), el("dd", {}, value)])),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "prev-btn", title: "Previous finding (k)", onclick: () => step(-1) }, "‹ Previous"),
        canApply
          ? el("button", { type: "button", id: "apply-btn", class: "primary", title: "Apply this fix (a)", onclick: () => applySelected() }, "Apply fix")
          : el("button", { type: "button", id: "apply-btn", title: "Edit this passage yourself (e)", onclick: () => editAt(f) }, "Edit here"),
        el("button", { type: "button", id: "next-btn", title: "Next finding (j)", onclick: () => step(1) }, "Next ›")),
    );
  }

  function step(delta) {
    const n = state.findings.length;
    if (!n) return;
    select(state.selected < 0 ? (delta > 0 ? 0 : n - 1) : (state.selected + delta + n) % n);
  }

  async function applySelected() {
    const f = state.findings[state.selected];
    if (!f || !f.fix_safe || f.suggestion === null || f.suggestion === undefined) return;
    await applyFixes({ only: { rule: f.rule, start: f.start, end: f.end } }, f.s, `Applied: “${f.text}” → “${f.suggestion}”.`);
  }

  async function applyAllSafe() {
    await applyFixes({}, 0, null);
  }

  /** Ask the server to fix (all safe fixes, or the findings named), then check the result. */
  async function applyFixes(which, keepNear, message) {
    const generation = ++state.generation;
    busy(true);
    try {
      const result = await postJSON("/v1/fix", { text: state.text, name: state.name, format: "text", ...which });
      if (generation !== state.generation) return;
      const applied = result.applied.length;
      busy(false);
      await runCheck(result.text, keepNear);
      status(message || `Applied ${applied} safe fix${applied === 1 ? "" : "es"}; ${state.findings.length} finding${state.findings.length === 1 ? "" : "s"} left.`);
      return;
    } catch (err) {
      if (generation === state.generation) status(err.message, true);
    }
    busy(false);
  }

  function editAt(f) {
    const input = $("input");
    input.value = state.text;
    showEditor(true);
    input.focus();
    if (f) input.setSelectionRange(f.s, f.e);
  }

  // ------------------------------------------------------------------ the list of findings

  function renderFindingList() {
    const list = el("ol", { class: "finding-list" }, state.findings.map((f, i) =>
      el("li", {},
        el("button", { type: "button", class: "finding-item", dataset: { index: String(i) }, onclick: () => select(i) },
          el("span", { class: `dot cat-${cssName(f.category)}` }),
          el("span", { class: "where" }, `${f.line}:${f.column}`),
          el("span", { class: "rule" }, f.rule),
          el("span", { class: "text" }, f.text || "∅")))));
    $("findings").replaceChildren(el("h2", {}, `Findings (${state.findings.length})`), list);
    $("findings").hidden = state.findings.length === 0;
  }

  // ------------------------------------------------------------------ the summary panel

  function meter(value, max, cls) {
    const bar = el("span", { class: `meter ${cls || ""}` }, el("span", { class: "fill" }));
    bar.firstChild.style.width = `${Math.max(0, Math.min(100, (100 * value) / max))}%`; // CSSOM, allowed by the CSP
    return bar;
  }

  function renderSummary() {
    const r = state.report;
    const p = r.provenance;
    const counts = r.counts.by_severity;
    const parts = [
      el("h2", {}, "Summary"),
      el("p", { class: "verdict-line" },
        el("span", { class: `verdict verdict-${cssName(p.verdict)}`, id: "verdict" }, p.verdict),
        " MT likelihood ", el("strong", { id: "likelihood" }, fixed(p.mt_likelihood, 2)), meter(p.mt_likelihood, 1, "likelihood")),
      el("p", {}, `${counts.error || 0} errors · ${counts.warning || 0} warnings · ${counts.info || 0} info in ${r.sentences} sentences`),
    ];
    if (p.evidence.length) {
      parts.push(el("h3", {}, "Evidence (log-odds)"), el("table", { class: "evidence" },
        el("tbody", {}, p.evidence.map((e) => el("tr", {},
          el("td", {}, el("code", {}, e.rule)), el("td", { class: "num" }, `×${e.count}`),
          el("td", { class: "num" }, `${e.contribution >= 0 ? "+" : ""}${fixed(e.contribution, 2)}`))))));
    }
    parts.push(
      el("h3", {}, "Fluency ", el("strong", { id: "fluency" }, `${fixed(r.fluency.score, 1)}/100`)),
      meter(r.fluency.score, 100, "fluency"),
      sentenceFluency(r.fluency.sentences),
    );
    const src = p.source_language;
    parts.push(el("h3", {}, "Likely source language"),
      el("p", { id: "source-language" }, src.code ? `${src.code} (confidence ${fixed(src.confidence, 2)})` : "unknown"));
    if (src.evidence && src.evidence.length) {
      parts.push(el("ul", { class: "small" }, src.evidence.slice(0, 4).map((e) => el("li", {}, e)),
        src.evidence.length > 4 ? el("li", {}, `and ${src.evidence.length - 4} more`) : null));
    }
    if (p.agency) {
      parts.push(el("h3", {}, "Agency"), el("p", { id: "agency" }, `${p.agency.normalised} (${p.agency.short})`,
        p.agency.as_written !== p.agency.normalised ? el("span", { class: "small" }, ` written “${p.agency.as_written}”`) : null));
    }
    if (p.dateline) {
      const d = p.dateline;
      parts.push(el("h3", {}, "Dateline"), el("p", { id: "dateline" }, `“${d.as_written}”`,
        el("br"), [d.city, d.date_normalised || d.date].filter(Boolean).join(", "), ` (${d.style} style)`));
    }
    parts.push(el("h3", {}, "Signature"), el("p", { class: "signature", id: "signature" }, p.signature));
    $("summary").replaceChildren(...parts);
    $("summary").hidden = false;
  }

  function sentenceFluency(sentences) {
    const units = unitsIndex(state.text);
    return el("ol", { class: "sentences" }, sentences.map((s) => {
      const text = state.text.slice(toUnits(units, s.start), toUnits(units, s.end));
      const first = state.findings.findIndex((f) => f.sentence === s.index);
      const row = el("li", { class: s.score < 50 ? "low" : s.score < 90 ? "mid" : "high", title: text },
        el("span", { class: "num" }, fixed(s.score, 0)), meter(s.score, 100),
        el("span", { class: "preview" }, text.length > 70 ? `${text.slice(0, 70)}…` : text));
      if (first >= 0) {
        row.classList.add("clickable");
        row.addEventListener("click", () => select(first));
      }
      return row;
    }));
  }

  // ------------------------------------------------------------------ copy, download, files

  async function copyText() {
    try {
      await navigator.clipboard.writeText(state.text);
    } catch (err) {
      const input = $("input");
      const hidden = input.hidden;
      input.value = state.text;
      input.hidden = false;
      input.select();
      document.execCommand("copy");
      input.hidden = hidden;
    }
    status("The text is on the clipboard.");
  }

  function downloadText() {
    const base = state.name.replace(/\.[A-Za-z0-9]+$/, "") || "story";
    const link = el("a", { download: `${base}-edited.txt` });
    link.href = URL.createObjectURL(new Blob([state.text], { type: "text/plain;charset=utf-8" }));
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  async function openFile(file, target) {
    if (!file) return;
    busy(true);
    status(`Reading ${file.name}…`);
    let extracted;
    try {
      extracted = await extractFile(file);
    } catch (err) {
      status(err.message, true);
      return;
    } finally {
      busy(false);
    }
    if (target) {
      target.value = extracted.text;
      status(extracted.note);
      return;
    }
    showView("check");
    state.name = file.name;
    $("input").value = extracted.text;
    await runCheck(extracted.text);
  }

  // ------------------------------------------------------------------ compare view

  async function runCompare() {
    const draft = $("draft").value;
    const reference = $("reference").value;
    if (!draft.trim() || !reference.trim()) {
      status("Paste both versions first.", true);
      return;
    }
    busy(true);
    status("Aligning…");
    try {
      const report = await postJSON("/v1/align", { draft, reference, format: "text" });
      renderCompare(report);
      const e = report.editing;
      const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
      status(`${report.groups.length} groups · editing fixed ${total(e.fixed)}, missed ${total(e.remaining)}`);
    } catch (err) {
      status(err.message, true);
    } finally {
      busy(false);
    }
  }

  function renderCompare(report) {
    const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
    const byRule = (m) => Object.entries(m).map(([rule, n]) => `${rule} ×${n}`).join(", ");
    const version = (title, v) => el("div", { class: "version" },
      el("h3", {}, title),
      el("p", {}, el("span", { class: `verdict verdict-${cssName(v.verdict)}` }, v.verdict),
        ` MT likelihood ${fixed(v.mt_likelihood, 2)}`),
      el("p", {}, `fluency ${fixed(v.fluency, 1)} · ${v.findings} findings · ${v.sentences} sentences`));
    const s = report.sentences;
    const pct = (x) => `${Math.round(100 * x)}%`;
    const e = report.editing;
    const stat = (label, n, title, id) => el("li", { title: title || null, id: id || null }, el("strong", {}, String(n)), ` ${label}`);
    $("compare-summary").replaceChildren(
      version("Draft", report.draft),
      version("Reference", report.reference),
      el("div", { class: "version" },
        el("h3", {}, "Scores (draft against reference)"),
        el("p", { id: "corpus-scores" }, `BLEU ${fixed(report.scores.bleu, 1)} · chrF ${fixed(report.scores.chrf, 1)} · TER ${fixed(report.scores.ter, 1)}`),
        el("p", {}, `sentences: ${s.kept} kept (${pct(s.kept_share)}), ${s.edited} edited (${pct(s.edited_share)}), `
          + `${s.dropped} dropped (${pct(s.dropped_share)}); ${s.added} added (${pct(s.added_share)})`)),
      el("div", { class: "version" },
        el("h3", {}, "What editing did"),
        el("ul", { class: "editing" },
          stat("fixed", total(e.fixed), byRule(e.fixed), "edit-fixed"),
          stat("missed", total(e.remaining), byRule(e.remaining), "edit-missed"),
          stat("removed with their sentence", total(e.removed), byRule(e.removed)),
          stat("introduced", total(e.introduced), byRule(e.introduced)))),
    );
    $("compare-summary").hidden = false;
    $("view-compare").classList.add("has-results");
    $("compare-groups").replaceChildren(...report.groups.map(renderGroup));
    $("compare-groups").hidden = false;
    applyChangedOnly();
  }

  function renderGroup(g) {
    const scores = g.scores ? ` · BLEU ${fixed(g.scores.bleu, 1)} · chrF ${fixed(g.scores.chrf, 1)} · TER ${fixed(g.scores.ter, 1)}` : "";
    const draftMarks = g.edits.filter((x) => x.op !== "insert").map((x) => [x.draft_start - g.draft.start, x.draft_end - g.draft.start]);
    const refMarks = g.edits.filter((x) => x.op !== "delete").map((x) => [x.reference_start - g.reference.start, x.reference_end - g.reference.start]);
    return el("article", { class: `group status-${cssName(g.status)}`, dataset: { status: g.status } },
      el("p", { class: "group-meta" }, el("span", { class: `badge status-${cssName(g.status)}` }, g.status),
        ` #${g.index + 1} · ${g.operation} · similarity ${fixed(g.similarity, 1)}${scores}`),
      el("div", { class: "side-by-side" },
        el("div", { class: "draft-side" }, markedText(g.draft.text, draftMarks, "del", "(dropped)")),
        el("div", { class: "reference-side" }, markedText(g.reference.text, refMarks, "ins", "(added)"))),
      g.findings.length ? el("ul", { class: "changes" }, g.findings.map((c) => el("li", { class: `change change-${cssName(c.status)}` },
        el("span", { class: "badge" }, c.status === "remaining" ? "missed" : c.status), " ", el("code", {}, c.rule), " ",
        el("q", {}, c.draft_text || c.reference_text || ""),
        c.status === "remaining" && c.suggestion ? ` → ${c.suggestion}` : ""))) : null);
  }

  /** `text` with the code-point spans `spans` wrapped in <tag>. */
  function markedText(text, spans, tag, emptyLabel) {
    if (!text) return el("span", { class: "empty-side" }, emptyLabel);
    const units = unitsIndex(text);
    const parts = [];
    let at = 0;
    for (const [a, b] of spans.slice().sort((x, y) => x[0] - y[0])) {
      const s = toUnits(units, Math.max(a, 0));
      const e = toUnits(units, Math.max(b, 0));
      if (s < at || e <= s) continue;
      parts.push(text.slice(at, s), el(tag, {}, text.slice(s, e)));
      at = e;
    }
    parts.push(text.slice(at));
    return el("span", {}, parts);
  }

  function applyChangedOnly() {
    const only = $("changed-only").checked;
    for (const g of $("compare-groups").children) g.hidden = only && g.dataset.status === "kept";
  }

  // ------------------------------------------------------------------ views, keys, drops

  function showView(name) {
    for (const view of ["check", "compare"]) {
      $(`view-${view}`).hidden = view !== name;
      $(`tab-${view}`).setAttribute("aria-selected", String(view === name));
    }
  }

  /** Check what the editor shows: the text being edited, or the text last checked. */
  const checkCurrent = () => runCheck($("input").hidden ? state.text : $("input").value);
  const typing = (target) => target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement;

  document.addEventListener("keydown", (event) => {
    const compare = !$("view-compare").hidden;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (compare) runCompare();
      else checkCurrent();
      return;
    }
    if (compare || typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    const onButton = event.target instanceof HTMLButtonElement;
    switch (event.key) {
      case "j": case "n": step(1); break;
      case "k": case "p": step(-1); break;
      case "a": applySelected(); break;
      case "Enter": if (onButton) return; applySelected(); break;
      case "e": editAt(state.findings[state.selected]); break;
      case "Escape": select(-1); break;
      default: return;
    }
    event.preventDefault();
  });

  $("tab-check").addEventListener("click", () => showView("check"));
  $("tab-compare").addEventListener("click", () => showView("compare"));
  $("check-btn").addEventListener("click", checkCurrent);
  $("edit-btn").addEventListener("click", () => editAt(null));
  $("fix-all-btn").addEventListener("click", applyAllSafe);
  $("copy-btn").addEventListener("click", copyText);
  $("download-btn").addEventListener("click", downloadText);
  $("compare-btn").addEventListener("click", runCompare);
  $("changed-only").addEventListener("change", applyChangedOnly);
  $("file-input").addEventListener("change", (event) => {
    openFile(event.target.files[0], null);
    event.target.value = "";
  });

  let dragDepth = 0;
  window.addEventListener("dragenter", (event) => {
    event.preventDefault();
    dragDepth++;
    $("drop-hint").hidden = false;
  });
  window.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) $("drop-hint").hidden = true;
  });
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => {
    event.preventDefault();
    dragDepth = 0;
    $("drop-hint").hidden = true;
    const file = event.dataTransfer && event.dataTransfer.files[0];
    const target = event.target instanceof HTMLTextAreaElement && !$("view-compare").hidden ? event.target : null;
    openFile(file, target);
  });
})();
