// The editor's page of `mtcheck serve`. No framework, no network but this server.
//
// Safety rule of this file: document text only ever reaches the page as text nodes
// (el() / document.createTextNode / textContent) or as form values. Nothing here parses
// markup from strings, so a story holding <script> or onerror= is shown as the
// characters it is.
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
  const SEVERITIES = ["error", "warning", "info"];
  const UNDERLINES = { error: "solid underline", warning: "dashed underline", info: "dotted underline" };
  const cssName = (value) => String(value).toLowerCase().replace(/[^a-z-]/g, "");
  const fixed = (value, digits) => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–");
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many || `${one}s`}`;
  const narrow = window.matchMedia("(max-width: 900px)");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const scrollBehavior = () => (reducedMotion.matches ? "auto" : "smooth");

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

  // The rule catalogue tells advice ("delete the repeated word") from a replacement:
  // a finding whose suggestion is its rule's own default suggestion is advice.
  const ruleAdvice = new Map();
  request("/v1/rules").then((data) => {
    for (const rule of data.rules || []) if (rule.suggestion) ruleAdvice.set(rule.id, rule.suggestion);
  }).catch(() => {});

  // ------------------------------------------------------------------ status, announcements, preferences

  function status(message, isError) {
    const line = $("status");
    line.textContent = message || "";
    line.classList.toggle("error", Boolean(isError));
  }

  /** Said by a screen reader (a polite live region), not shown. */
  function announce(message) {
    const region = $("announce");
    region.textContent = "";
    window.setTimeout(() => { region.textContent = message; }, 30);
  }

  let busyCount = 0;
  function busy(on) {
    busyCount += on ? 1 : -1;
    document.body.classList.toggle("busy", busyCount > 0);
    for (const id of ["check-btn", "compare-btn"]) $(id).disabled = busyCount > 0;
  }

  const prefs = {
    get(key, fallback) {
      try {
        const value = window.localStorage.getItem(`mtcheck.${key}`);
        return value === null ? fallback : JSON.parse(value);
      } catch (err) {
        return fallback;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(`mtcheck.${key}`, JSON.stringify(value));
      } catch (err) { /* private mode: the choice lasts for this page only */ }
    },
  };

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

  // ------------------------------------------------------------------ words for what a finding flags

  const SPACE_NAMES = { " ": ["space", "spaces"], "\t": ["tab", "tabs"], "\n": ["line break", "line breaks"],
    "\u3000": ["ideographic space", "ideographic spaces"], "\u00a0": ["no-break space", "no-break spaces"] };

  /** White space counted by kind: [[n, "space", "spaces"], ...]. */
  function spaceKinds(text) {
    const counts = new Map();
    for (const ch of text.replace(/\r\n?/g, "\n")) counts.set(ch, (counts.get(ch) || 0) + 1);
    return [...counts].map(([ch, n]) => {
      const [one, many] = SPACE_NAMES[ch] || [`U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`, null];
      return [n, one, many || `× ${one}`];
    });
  }
  const joinAnd = (parts) => (parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0]);
  /** "2 spaces", "1 tab", "2 spaces and 1 tab". */
  const countSpace = (text) => joinAnd(spaceKinds(text).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`));
  /** "space", "2 spaces": as the subject of "… before ‘,’". */
  const nameSpace = (text) => joinAnd(spaceKinds(text).map(([n, one, many]) => (n === 1 ? one : `${n} ${many}`)));
  /** "a space", "an ideographic space", "2 spaces". */
  const articleSpace = (text) => joinAnd(spaceKinds(text).map(([n, one, many]) => (n === 1 ? `${/^[aeiou]/i.test(one) ? "an" : "a"} ${one}` : `${n} ${many}`)));
  const isSpace = (text) => /^\s+$/u.test(text);

  // Lone marks that look alike (or like nothing) in a list, named.
  const MARK_NAMES = { "\u2019": "curly apostrophe", "\u2018": "opening curly quote", "\u201c": "opening curly quote",
    "\u201d": "closing curly quote", "'": "straight apostrophe", "\"": "straight quote", "\uff0c": "full-width comma",
    "\u3002": "full-width full stop", "\u3001": "ideographic comma", "\uff1a": "full-width colon", "\uff1b": "full-width semicolon",
    "\uff08": "full-width bracket", "\uff09": "full-width bracket", "\u300a": "Chinese title mark", "\u300b": "Chinese title mark" };

  /** What a finding flags, readable even when it is white space or nothing. */
  function flaggedLabel(f) {
    const text = f.text || "";
    if (!text) return "(nothing: something is missing here)";
    if (MARK_NAMES[text]) return `${text} (${MARK_NAMES[text]})`;
    if (isSpace(text)) return f.rule === "punctuation.indent" ? `indent (${countSpace(text)})` : nameSpace(text);
    let m = /^(\s+)(\S{1,3})$/u.exec(text);
    if (m) return `${nameSpace(m[1])} before ‘${m[2]}’`;
    m = /^(\S{1,3})(\s+)$/u.exec(text);
    if (m) return `${nameSpace(m[2])} after ‘${m[1]}’`;
    return text;
  }

  /** The suggestion as shown: "(delete)" for a deletion, white space named. */
  function suggestionLabel(f) {
    const s = f.suggestion;
    if (s === null || s === undefined) return null;
    if (s === "") return "(delete)";
    if (isSpace(s)) return `(${articleSpace(s)})`;
    return s;
  }

  const ADVICE = /^(add|capitali[sz]e|check|complete|consider|delete|give|keep|merge|move|name|remove|rewrite|translate|use)\b/i;

  /** Whether the suggestion is text to put in place of the span (else it is advice). */
  function isReplacement(f) {
    if (f.suggestion === null || f.suggestion === undefined) return false;
    if (f.fix_safe) return true;
    if (ruleAdvice.get(f.rule) === f.suggestion) return false;
    return f.category === "calque" || !ADVICE.test(f.suggestion);
  }

  // A note in a suggestion is advice, not text: "COVID-19 <or the coronavirus, as the sentence needs>".
  const NOTES = /<[^>]*>/g;
  const hasNote = (s) => (s || "").search(NOTES) >= 0; // (search ignores the g flag's lastIndex)

  /** The replacements a suggestion offers ("COVID-19 pandemic or COVID-19 outbreak" is two), its
   * notes left out ("COVID-19 <or the coronavirus ...> or coronavirus" offers "COVID-19" and
   * "coronavirus"); one that is only a note ("<attribute the information>") offers none. */
  function alternatives(f) {
    if (!isReplacement(f)) return [];
    if (f.fix_safe) return [f.suggestion];
    return f.suggestion.replace(NOTES, " ").split(/\s+or\s+/).map((s) => s.replace(/\s+/g, " ").trim()).filter(Boolean);
  }

  const VERDICT_WORDS = { "too-short": "too short to tell", "not-english": "not English", "post-edited": "post-edited" };
  const verdictWord = (v) => VERDICT_WORDS[v] || String(v || "unknown");

  // ------------------------------------------------------------------ check view state

  const savedFilters = prefs.get("filters", { categories: [], severities: [] });
  const state = {
    text: "", // the text as last checked; edits and fixes produce a new one
    name: "story",
    report: null,
    findings: [], // the report's findings, each with s/e: UTF-16 offsets into state.text
    order: [], // finding indices in text order
    marks: [], // marks[i]: the <mark> elements that show finding i
    selected: -1,
    generation: 0, // responses to older requests are dropped
    original: null, // the text as first checked (Show changes compares it with the text now)
    undo: [], // {text, label, at}: texts to go back to
    redo: [],
    hiddenCategories: new Set(savedFilters.categories || []),
    hiddenSeverities: new Set(savedFilters.severities || []),
    shade: prefs.get("shade", true),
    editing: null, // the open in-place editor: {index, box}
  };

  const shown = (f) => !state.hiddenCategories.has(f.category) && !state.hiddenSeverities.has(f.severity);
  const visibleOrder = () => state.order.filter((i) => shown(state.findings[i]));
  const hasReport = () => Boolean(state.report);
  const sentenceProbabilities = () => ((state.report && state.report.fluency && state.report.fluency.sentences) || [])
    .map((s) => (typeof s.mt_probability === "number" ? s.mt_probability : null));
  const hasMTProbability = () => sentenceProbabilities().some((p) => p !== null);

  function showEditor(editing) {
    closeInlineEditor();
    $("input").hidden = !editing;
    $("doc").hidden = editing;
    $("edit-btn").hidden = editing || !hasReport();
    $("legend").hidden = editing || !hasReport();
    document.body.classList.toggle("editing-text", editing);
  }

  /**
   * Check `text` and show the report. `keepNear` (a UTF-16 offset) selects the finding at
   * or after it, as after a fix; `fresh` starts a new story (history and original reset).
   * Returns whether the text was checked.
   */
  async function runCheck(text, keepNear, fresh) {
    if (!text.trim()) {
      status("Paste a story first.", true);
      return false;
    }
    const generation = ++state.generation;
    busy(true);
    status("Checking…");
    try {
      const report = await postJSON("/v1/check", { text, name: state.name, format: "text" });
      if (generation !== state.generation) return false;
      state.text = text;
      state.report = report.documents[0];
      if (fresh || state.original === null) {
        state.original = text;
        state.undo = [];
        state.redo = [];
      }
      const units = unitsIndex(text);
      state.findings = state.report.findings.map((f) => ({ ...f, s: toUnits(units, f.start), e: toUnits(units, f.end) }));
      state.order = state.findings.map((_, i) => i).sort((a, b) => state.findings[a].s - state.findings[b].s
        || state.findings[a].e - state.findings[b].e || a - b);
      state.selected = -1;
      showEditor(false);
      renderDocument();
      renderSummary();
      renderFindingList();
      renderDetails();
      $("intro").hidden = true;
      refocus(); // from the textarea just hidden, or a button disabled while checking, to the story
      for (const id of ["copy-btn", "download-btn"]) $(id).disabled = false;
      $("fix-all-btn").disabled = !state.findings.some((f) => f.fix_safe);
      updateHistory();
      status(checkedMessage());
      // A new report: its verdict is what to read first, wherever the panels were scrolled.
      revealVerdict(keepNear === undefined || keepNear === null);
      // After a fix the next finding is selected, ready for the next key press; a fresh
      // check selects nothing, so the first click picks what it lands on.
      const next = keepNear === undefined || keepNear === null ? -1 : nearest(keepNear);
      select(next);
      return true;
    } catch (err) {
      if (generation === state.generation) status(err.message, true);
      return false;
    } finally {
      busy(false);
    }
  }

  function checkedMessage() {
    const n = state.findings.length;
    const hidden = n - visibleOrder().length;
    const p = state.report.provenance;
    const likelihood = typeof p.mt_likelihood === "number" ? ` (MT likelihood ${fixed(p.mt_likelihood, 2)})` : "";
    return `${plural(n, "finding")}${hidden ? `, ${hidden} hidden by the filters` : ""} · ${verdictWord(p.verdict)}${likelihood}`;
  }

  /** The first shown finding at or after UTF-16 offset `at` (else the last shown; -1 for none). */
  function nearest(at) {
    const visible = visibleOrder();
    if (!visible.length) return -1;
    const i = visible.find((k) => state.findings[k].s >= at);
    return i === undefined ? visible[visible.length - 1] : i;
  }

  /** The side panels back at the verdict; on a narrow window the page too, unless `page` is false. */
  function revealVerdict(page) {
    $("side-scroll").scrollTop = 0;
    if (!narrow.matches || !page) return;
    const box = $("verdict-strip").getBoundingClientRect();
    if (box.top < headerBottom() || box.bottom > window.innerHeight) {
      window.scrollBy({ top: box.top - headerBottom() - 8, behavior: "auto" });
    }
  }

  // ------------------------------------------------------------------ history: undo, redo, show changes

  /** Check `text` as the new state of the story, undoable as `label`. */
  async function commit(text, label, at) {
    const before = state.text;
    if (text === before) {
      status("Nothing to change.");
      return false;
    }
    const ok = await runCheck(text, at);
    if (ok) {
      state.undo.push({ text: before, label, at });
      state.redo = [];
      updateHistory();
    }
    return ok;
  }

  async function travel(from, to, verb) {
    if (busyCount > 0) return;
    const entry = from.pop();
    if (!entry) {
      status(`Nothing to ${verb.toLowerCase()}.`);
      return;
    }
    const current = state.text;
    const ok = await runCheck(entry.text, entry.at);
    if (!ok) {
      from.push(entry);
      return;
    }
    to.push({ text: current, label: entry.label, at: entry.at });
    updateHistory();
    const message = `${verb === "Undo" ? "Undone" : "Redone"}: ${entry.label}.`;
    status(message);
    announce(message);
    refocus();
  }
  const undo = () => travel(state.undo, state.redo, "Undo");
  const redo = () => travel(state.redo, state.undo, "Redo");

  function updateHistory() {
    const last = (stack) => stack[stack.length - 1];
    $("undo-btn").disabled = !state.undo.length;
    $("redo-btn").disabled = !state.redo.length;
    $("undo-btn").title = state.undo.length ? `Undo: ${last(state.undo).label} (Ctrl+Z)` : "Undo (Ctrl+Z)";
    $("redo-btn").title = state.redo.length ? `Redo: ${last(state.redo).label} (Ctrl+Shift+Z)` : "Redo (Ctrl+Shift+Z)";
    $("changes-btn").disabled = state.original === null || state.original === state.text;
  }

  function showChanges() {
    if (state.original === null) return;
    $("draft").value = state.original;
    $("reference").value = state.text;
    $("changed-only").checked = true; // an editor's own changes: the sentences left alone are noise
    showView("compare");
    runCompare("the text as first checked (draft) against the text now (reference)");
  }

  /** Keyboard focus back on the story when what had it went away with a re-render. */
  function refocus() {
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected || active.disabled) {
      if (!$("doc").hidden) $("doc").focus({ preventScroll: true });
    }
  }

  // ------------------------------------------------------------------ the highlighted text

  function renderDocument() {
    closeInlineEditor();
    const doc = $("doc");
    const keep = doc.scrollTop;
    const text = state.text;
    const findings = state.findings;
    state.marks = findings.map(() => []);
    const fragment = document.createDocumentFragment();
    const points = new Set([0, text.length]);
    const visible = findings.map(shown);
    for (const [i, f] of findings.entries()) {
      if (!visible[i]) continue;
      points.add(f.s);
      points.add(f.e);
    }
    // Sentences, when the report gives an MT probability for them, are spans to shade.
    const sentences = [];
    if (hasMTProbability()) {
      const units = unitsIndex(text);
      for (const s of state.report.fluency.sentences) {
        const a = toUnits(units, s.start);
        const b = toUnits(units, s.end);
        if (b <= a) continue;
        sentences.push({ a, b, index: s.index, p: typeof s.mt_probability === "number" ? s.mt_probability : null, node: null });
        points.add(a);
        points.add(b);
      }
      sentences.sort((x, y) => x.a - y.a);
    }
    let sentence = 0;
    const containerFor = (a, b) => {
      while (sentence < sentences.length && sentences[sentence].b <= a && !(a === b && sentences[sentence].b === a)) sentence++;
      const s = sentences[sentence];
      if (!s || s.a > a || b > s.b) return fragment;
      if (!s.node) {
        const title = s.p === null ? `Sentence ${s.index + 1}: no MT probability`
          : `Sentence ${s.index + 1}: MT probability ${fixed(s.p, 2)}`;
        s.node = el("span", { class: `sent ${s.p === null ? "mt-none" : `mt-${Math.min(4, Math.floor(s.p * 5))}`}`,
          dataset: { sentence: String(s.index) }, title });
        fragment.appendChild(s.node);
      }
      return s.node;
    };

    const bounds = [...points].sort((a, b) => a - b);
    const order = state.order.filter((i) => visible[i]);
    let next = 0;
    let active = [];
    for (let k = 0; k < bounds.length; k++) {
      const at = bounds[k];
      active = active.filter((i) => findings[i].e > at);
      while (next < order.length && findings[order[next]].s <= at) {
        const i = order[next++];
        if (findings[i].e > findings[i].s) active.push(i);
        else containerFor(at, at).appendChild(markFor([i], "")); // an empty span: something missing here
      }
      if (k === bounds.length - 1) break;
      const piece = text.slice(at, bounds[k + 1]);
      containerFor(at, bounds[k + 1]).appendChild(active.length ? markFor(active.slice(), piece) : document.createTextNode(piece));
    }
    doc.replaceChildren(fragment);
    doc.classList.toggle("shade", state.shade && sentences.length > 0);
    doc.scrollTop = keep;
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
    let shape = "";
    let glyph = null;
    if (!piece) shape = " empty";
    else if (isSpace(piece)) {
      // White space is invisible and a few pixels wide: draw a sign and make it a target.
      shape = " ws";
      glyph = f.rule === "punctuation.indent" ? "⇥" : piece.includes("\u3000") ? "□" : "␣";
    } else if ([...piece].length <= 2) shape = " tiny";
    const mark = el("mark", {
      class: `cat-${cssName(f.category)} sev-${cssName(f.severity)}${shape}`,
      title: ids.map((i) => `${state.findings[i].severity} · ${state.findings[i].rule}: ${flaggedLabel(state.findings[i])}`
        + ` — ${state.findings[i].message}`).join("\n"),
      dataset: { findings: ids.join(" "), primary: String(primary), glyph },
    }, piece);
    for (const i of ids) state.marks[i].push(mark);
    return mark;
  }

  $("doc").addEventListener("click", (event) => {
    const mark = event.target.closest("mark");
    if (!mark || !mark.dataset.findings) return;
    const ids = mark.dataset.findings.split(" ").map(Number);
    // A second click on overlapping findings steps through them.
    const at = ids.indexOf(state.selected);
    select(at >= 0 ? ids[(at + 1) % ids.length] : Number(mark.dataset.primary), { doc: false });
  });

  // ------------------------------------------------------------------ legend and filters

  function renderLegend() {
    const byCategory = new Map();
    const bySeverity = new Map();
    for (const f of state.findings) {
      byCategory.set(f.category, (byCategory.get(f.category) || 0) + 1);
      bySeverity.set(f.severity, (bySeverity.get(f.severity) || 0) + 1);
    }
    const categories = [...CATEGORIES.filter((c) => byCategory.has(c)), ...[...byCategory.keys()].filter((c) => !CATEGORIES.includes(c))];
    const total = state.findings.length;
    const showing = visibleOrder().length;
    // The name is the visible text ("calque 5", "error solid 7") and a few words for a screen reader.
    const filter = (kind, value, n, label, ...inner) => el("button", {
      type: "button", class: "filter", "aria-pressed": String(!(kind === "category" ? state.hiddenCategories : state.hiddenSeverities).has(value)),
      title: `${label}: click to show or hide them`, dataset: { [kind]: value }, disabled: n === 0,
      onclick: () => toggleFilter(kind, value),
    }, inner, el("span", { class: "count" }, String(n)), el("span", { class: "sr-only" }, n === 1 ? " finding" : " findings"));
    const groups = [
      el("div", { class: "filter-group", role: "group", "aria-labelledby": "legend-colour" },
        el("span", { class: "filter-label", id: "legend-colour" }, "Colour: category"),
        categories.map((c) => filter("category", c, byCategory.get(c), `${c}, ${plural(byCategory.get(c), "finding")}`,
          el("span", { class: `chip cat-${cssName(c)}` }, c)))),
      el("div", { class: "filter-group", role: "group", "aria-labelledby": "legend-line" },
        el("span", { class: "filter-label", id: "legend-line" }, "Underline: severity"),
        SEVERITIES.map((s) => filter("severity", s, bySeverity.get(s) || 0,
          `${s} (${UNDERLINES[s]}), ${plural(bySeverity.get(s) || 0, "finding")}`,
          el("span", { class: `sample sev-${s}` }, s), el("span", { class: "line-name" }, UNDERLINES[s].replace(" underline", ""),
            el("span", { class: "sr-only" }, " underline,"))))),
    ];
    if (hasMTProbability()) {
      groups.push(el("div", { class: "filter-group mt-legend", role: "group", "aria-labelledby": "legend-mt" },
        el("label", { class: "check", id: "legend-mt" },
          el("input", { type: "checkbox", id: "shade-toggle", checked: state.shade }),
          " Shade sentences by MT probability"),
        el("span", { class: "scale", "aria-hidden": "true" }, "0",
          [0, 1, 2, 3, 4].map((b) => el("span", { class: `swatch sent mt-${b}` })), "1")));
    }
    groups.push(el("p", { class: "showing", id: "showing" }, showing === total ? `All ${total} shown`
      : `${showing} of ${total} shown`));
    const legend = $("legend");
    const focused = document.activeElement && legend.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused ? JSON.stringify({ ...focused.dataset, id: focused.id }) : null;
    legend.replaceChildren(...groups);
    const toggle = $("shade-toggle");
    if (toggle) toggle.addEventListener("change", () => {
      state.shade = toggle.checked;
      prefs.set("shade", state.shade);
      $("doc").classList.toggle("shade", state.shade);
      announce(state.shade ? "Sentences shaded by MT probability." : "Sentence shading off.");
    });
    if (focusKey) {
      const again = [...legend.querySelectorAll("button, input")].find((n) => JSON.stringify({ ...n.dataset, id: n.id }) === focusKey);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function toggleFilter(kind, value) {
    const set = kind === "category" ? state.hiddenCategories : state.hiddenSeverities;
    if (set.has(value)) set.delete(value);
    else set.add(value);
    prefs.set("filters", { categories: [...state.hiddenCategories], severities: [...state.hiddenSeverities] });
    const selected = state.selected;
    renderDocument();
    renderFindingList();
    if (selected >= 0 && shown(state.findings[selected])) select(selected, { doc: false });
    else select(-1);
    status(checkedMessage());
    announce(`${value} findings ${set.has(value) ? "hidden" : "shown"}; ${visibleOrder().length} of ${state.findings.length} shown.`);
  }

  // ------------------------------------------------------------------ the selected finding

  /** Select finding `i` (-1: none). Scrolls the story and the list, never the page. */
  function select(i, options) {
    const { doc: scrollDoc = true } = options || {};
    for (const m of state.marks[state.selected] || []) m.classList.remove("selected");
    for (const item of $("findings").querySelectorAll("[aria-current]")) item.removeAttribute("aria-current");
    closeInlineEditor();
    state.selected = i;
    if (i < 0 || i >= state.findings.length) {
      state.selected = -1;
      renderIdleCard();
      return;
    }
    const marks = state.marks[i];
    for (const m of marks) m.classList.add("selected");
    renderFinding(state.findings[i], i);
    const item = $("findings").querySelector(`[data-index="${i}"]`);
    if (item) {
      item.setAttribute("aria-current", "true");
      revealIn(item, item.closest(".finding-list"));
      if (!narrow.matches) revealIn(item, $("side-scroll"));
    }
    if (scrollDoc && marks.length) revealMark(marks[0]);
    const f = state.findings[i];
    const position = visibleOrder().indexOf(i) + 1;
    const suggestion = suggestionLabel(f);
    announce(`Finding ${position} of ${visibleOrder().length}: ${f.severity}, ${f.category}, “${flaggedLabel(f)}”. ${f.message}`
      + (suggestion ? ` Suggestion: ${suggestion}.` : ""));
  }

  const headerBottom = () => $("top").getBoundingClientRect().bottom;

  /** The top of the bottom sheet (narrow windows), or null when there is none. */
  function sheetTop() {
    const card = $("finding");
    if (!narrow.matches || card.hidden || card.classList.contains("idle")) return null;
    return card.getBoundingClientRect().top;
  }

  /** Scroll the story (only the story, unless it is off-screen) so `node` is in view. */
  function revealMark(node) {
    const doc = $("doc");
    if (doc.hidden) return;
    const region = () => {
      const d = doc.getBoundingClientRect();
      const top = Math.max(d.top, headerBottom());
      let bottom = Math.min(d.bottom, window.innerHeight);
      const sheet = sheetTop();
      if (sheet !== null) bottom = Math.min(bottom, sheet);
      return { top, bottom };
    };
    let view = region();
    if (view.bottom - view.top < 96) {
      // On a narrow window scrolled down to the list the story is out of sight: bring it back.
      window.scrollBy({ top: doc.getBoundingClientRect().top - headerBottom() - 8, behavior: "auto" });
      view = region();
    }
    const m = node.getBoundingClientRect();
    const margin = Math.min(40, (view.bottom - view.top) / 5);
    if (m.top >= view.top + margin && m.bottom <= view.bottom - margin) return;
    const target = doc.scrollTop + (m.top - view.top) - Math.max(margin, (view.bottom - view.top - m.height) / 3);
    doc.scrollTo({ top: Math.max(0, target), behavior: scrollBehavior() });
  }

  /** Scroll `container` (only) so `node` is in it. */
  function revealIn(node, container) {
    if (!container || node.hidden) return;
    const c = container.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    if (r.top < c.top) container.scrollTop += r.top - c.top - 4;
    else if (r.bottom > c.bottom) container.scrollTop += r.bottom - c.bottom + 4;
  }

  /** Rebuild the card, keeping keyboard focus on the same control when it was in it. */
  function fillCard(className, ...children) {
    const card = $("finding");
    const focusedId = card.contains(document.activeElement) ? document.activeElement.id : null;
    card.className = `panel finding ${className}`;
    card.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
    card.hidden = false;
    document.body.classList.toggle("sheet-open", className !== "idle");
    measureSheet(); // now, not at the next resize callback: the story scrolls against it at once
    if (focusedId && $(focusedId)) $(focusedId).focus({ preventScroll: true });
    else if (focusedId) refocus();
  }

  function renderIdleCard() {
    if (!hasReport()) {
      $("finding").hidden = true;
      document.body.classList.remove("sheet-open");
      measureSheet();
      return;
    }
    const n = visibleOrder().length;
    fillCard("idle", el("h2", { id: "finding-title", class: "idle-title" }, "No finding selected"),
      el("p", { class: "small" }, n ? ["Click a highlight, or press ", el("kbd", {}, "j"), " for the next finding."]
        : state.findings.length ? "Every finding is hidden by the filters below the story." : "Nothing to fix."));
  }

  function context(f) {
    const text = state.text;
    let a = Math.max(0, f.s - 60);
    let b = Math.min(text.length, f.e + 60);
    const before = text.slice(a, f.s);
    const after = text.slice(f.e, b);
    const cutBefore = before.lastIndexOf("\n");
    const cutAfter = after.indexOf("\n");
    const left = (cutBefore >= 0 ? before.slice(cutBefore + 1) : before.replace(/^\S*\s/, "")).replace(/^[ \t\u3000]+/, "");
    const right = cutAfter >= 0 ? after.slice(0, cutAfter) : after.replace(/\s\S*$/, "");
    const flagged = f.text && !isSpace(f.text) ? text.slice(f.s, f.e) : null;
    return el("p", { class: "context", id: "finding-context" },
      a > 0 && cutBefore < 0 ? "…" : "", left,
      flagged !== null ? el("mark", { class: `cat-${cssName(f.category)} sev-${cssName(f.severity)}` }, flagged)
        : el("mark", { class: `cat-${cssName(f.category)} sev-${cssName(f.severity)} label` }, `[${flaggedLabel(f)}]`),
      right, b < text.length && cutAfter < 0 ? "…" : "");
  }

  function renderFinding(f, i) {
    const canApply = f.fix_safe && f.suggestion !== null && f.suggestion !== undefined;
    const visible = visibleOrder();
    const suggestion = suggestionLabel(f);
    const replacement = alternatives(f).length > 0;
    const rows = [];
    if (suggestion !== null) {
      rows.push(el("p", { class: "suggestion-line" },
        el("span", { class: "term" }, replacement ? "Suggestion " : "Advice "),
        el("strong", { class: "suggestion", id: "finding-suggestion" }, suggestion),
        " ", el("span", { class: canApply ? "safe" : "review" }, canApply ? "safe to apply" : "needs a person")));
    }
    const extra = [];
    if (f.source_term) extra.push(`Source: ${f.source_term}${f.source_language ? ` (${f.source_language})` : ""}`);
    if (f.pair) extra.push(el("span", { title: f.pair }, `pair ${f.pair.split(/[\\/]/).pop()}`));
    const sentence = state.report.fluency.sentences.find((s) => s.index === f.sentence);
    if (sentence && typeof sentence.mt_probability === "number") {
      extra.push(el("span", { id: "finding-mt" }, `sentence MT probability ${fixed(sentence.mt_probability, 2)}`));
    }
    const position = visible.indexOf(i) + 1;
    fillCard("", el("div", { class: "card-head" },
      el("h2", { id: "finding-title" }, el("span", { class: `sev sev-${cssName(f.severity)}` }, f.severity),
        ` Finding ${position || "–"} of ${visible.length}`),
      el("button", { type: "button", class: "close", id: "close-card-btn", "aria-label": "Close the finding (Esc)", title: "Close (Esc)",
        onclick: () => { select(-1); refocus(); } }, "×")),
    el("p", { class: "finding-meta" }, el("span", { class: `chip cat-${cssName(f.category)}` }, f.category), " ",
      el("code", {}, f.rule), el("span", { class: "where" }, ` · line ${f.line}, column ${f.column}`)),
    context(f),
    el("p", { class: "message" }, f.message),
    rows,
    extra.length ? el("p", { class: "small extra" }, extra.map((x, k) => [k ? " · " : "", x])) : null,
    el("div", { class: "actions" },
      el("button", { type: "button", id: "prev-btn", title: "Previous finding (k)", "aria-keyshortcuts": "K", onclick: () => step(-1) }, "‹ Previous"),
      canApply
        ? el("button", { type: "button", id: "apply-btn", class: "primary", title: "Apply this fix (a)", "aria-keyshortcuts": "A",
          onclick: () => applySelected() }, f.suggestion === "" ? "Delete it" : "Apply fix")
        : el("button", { type: "button", id: "apply-btn", class: "primary", title: "Edit this passage in place (e)", "aria-keyshortcuts": "E",
          onclick: () => openInlineEditor(i) }, "Edit here"),
      canApply ? el("button", { type: "button", id: "edit-here-btn", title: "Edit this passage in place (e)", "aria-keyshortcuts": "E",
        onclick: () => openInlineEditor(i) }, "Edit…") : null,
      el("button", { type: "button", id: "next-btn", title: "Next finding (j)", "aria-keyshortcuts": "J", onclick: () => step(1) }, "Next ›")));
  }

  function step(delta) {
    const visible = visibleOrder();
    if (!visible.length) {
      status(state.findings.length ? "Every finding is hidden by the filters." : "No findings.");
      return;
    }
    const at = visible.indexOf(state.selected);
    if (at >= 0) {
      select(visible[(at + delta + visible.length) % visible.length]);
      return;
    }
    // Nothing selected: start from what the story shows.
    const d = $("doc").getBoundingClientRect();
    const onScreen = visible.filter((i) => {
      const m = state.marks[i][0];
      if (!m) return false;
      const r = m.getBoundingClientRect();
      return r.bottom > d.top && r.top < d.bottom;
    });
    const pool = onScreen.length ? onScreen : visible;
    select(delta > 0 ? pool[0] : pool[pool.length - 1]);
  }

  async function applySelected() {
    const f = state.findings[state.selected];
    if (!f) return;
    if (!f.fix_safe || f.suggestion === null || f.suggestion === undefined) {
      openInlineEditor(state.selected);
      return;
    }
    const what = f.suggestion === "" ? `Delete ${quoteLabel(f)}` : `${quoteLabel(f)} → “${suggestionLabel(f)}”`;
    await applyFixes({ only: { rule: f.rule, start: f.start, end: f.end } }, f.s, what);
  }
  const quoteLabel = (f) => (f.text && !isSpace(f.text) ? `“${f.text}”` : flaggedLabel(f));

  async function applyAllSafe() {
    await applyFixes({}, 0, null);
  }

  /** Ask the server to fix (all safe fixes, or the finding named), then check the result. */
  async function applyFixes(which, keepNear, label) {
    if (busyCount > 0) return;
    const generation = ++state.generation;
    busy(true);
    let result;
    try {
      result = await postJSON("/v1/fix", { text: state.text, name: state.name, format: "text", ...which });
    } catch (err) {
      if (generation === state.generation) status(err.message, true);
      busy(false);
      return;
    }
    busy(false);
    if (generation !== state.generation) return;
    const applied = result.applied.length;
    const name = label || `Apply all safe fixes (${applied})`;
    if (!(await commit(result.text, name, keepNear))) return;
    const left = plural(state.findings.length, "finding");
    const message = label ? `Applied: ${label}. ${left} left.`
      : `Applied ${plural(applied, "safe fix", "safe fixes")}; ${left} left.`;
    status(`${message} Undo with Ctrl+Z.`);
    announce(message);
    refocus();
  }

  // ------------------------------------------------------------------ editing in place

  function openInlineEditor(i) {
    closeInlineEditor();
    const f = state.findings[i];
    const marks = (state.marks[i] || []).filter((m) => m.isConnected);
    if (!f || !marks.length) {
      editWhole(f);
      return;
    }
    if (state.selected !== i) select(i);
    const options = alternatives(f);
    const initial = options.length ? options[0] : f.text;
    const multiline = f.text.includes("\n");
    const input = el(multiline ? "textarea" : "input", {
      class: "inline-input", id: "inline-input", spellcheck: "true", autocomplete: "off",
      "aria-label": `Replace ${quoteLabel(f)} with`, "aria-describedby": "inline-hint",
      ...(multiline ? { rows: String(Math.min(6, f.text.split("\n").length + 1)) } : { type: "text" }),
    });
    input.value = initial;
    const fit = () => { if (!multiline) input.size = Math.max(6, Math.min(64, [...input.value].length + 2)); };
    fit();
    input.addEventListener("input", fit);
    const done = () => applyInline(f, input.value);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        done();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closeInlineEditor(true);
      }
    });
    // Advice (a note, or a suggestion that is no text) stays in view while the passage is edited.
    const advice = !options.length || hasNote(f.suggestion);
    const hint = advice && f.suggestion ? `${f.suggestion}. Enter applies, Esc cancels` : "Enter applies, Esc cancels";
    const box = el("span", { class: "inline-edit", role: "group", "aria-label": `Edit ${quoteLabel(f)} in place` },
      input,
      options.length > 1 ? el("span", { class: "alternatives", role: "group", "aria-label": "Suggestions" },
        options.map((option) => el("button", { type: "button", class: "alt", onclick: () => {
          input.value = option;
          fit();
          input.focus();
        } }, option))) : null,
      el("button", { type: "button", class: "primary", id: "inline-apply-btn", onclick: done }, "Apply"),
      el("button", { type: "button", id: "inline-cancel-btn", onclick: () => closeInlineEditor(true) }, "Cancel"),
      el("span", { class: "inline-hint", id: "inline-hint" }, hint));
    for (const m of marks) m.classList.add("replaced");
    marks[marks.length - 1].after(box);
    state.editing = { index: i, box, marks };
    input.focus({ preventScroll: true });
    input.select();
    revealMark(box);
    status(`Editing ${quoteLabel(f)} in place: Enter applies, Esc cancels.`);
  }

  function closeInlineEditor(restoreFocus) {
    const editing = state.editing;
    if (!editing) return;
    state.editing = null;
    editing.box.remove();
    for (const m of editing.marks) m.classList.remove("replaced");
    if (restoreFocus) {
      $("doc").focus({ preventScroll: true });
      status(checkedMessage());
    }
  }

  async function applyInline(f, value) {
    if (busyCount > 0) return;
    const text = state.text.slice(0, f.s) + value + state.text.slice(f.e);
    const label = `Edit ${quoteLabel(f)} → ${value ? `“${value}”` : "(delete)"}`;
    const ok = await commit(text, label, f.s + value.length);
    if (ok) {
      status(`Done: ${label}. Undo with Ctrl+Z.`);
      refocus();
    }
  }

  /** The whole text in the textarea, scrolled to `f` (selected) or to what the story showed. */
  function editWhole(f) {
    const input = $("input");
    const at = f ? f.s : offsetAtTopOfStory();
    input.value = state.text;
    showEditor(true);
    input.focus({ preventScroll: true });
    input.setSelectionRange(at, f ? f.e : at);
    scrollTextareaTo(input, at);
    status("Editing the text: Check (Ctrl+Enter) brings the highlights back.");
  }

  /** The UTF-16 offset of the first character the story shows at its top. */
  function offsetAtTopOfStory() {
    const doc = $("doc");
    if (doc.hidden || !document.caretRangeFromPoint) return 0;
    const d = doc.getBoundingClientRect();
    const range = document.caretRangeFromPoint(d.left + 24, Math.max(d.top, headerBottom()) + 12);
    if (!range || !doc.contains(range.startContainer)) return 0;
    let offset = 0;
    const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node === range.startContainer) return offset + range.startOffset;
      offset += node.data.length;
    }
    return 0;
  }

  /** Scroll a textarea so the character at `offset` is a third of the way down. */
  function scrollTextareaTo(area, offset) {
    const style = window.getComputedStyle(area);
    const mirror = document.createElement("div");
    for (const prop of ["fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "wordSpacing",
      "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "tabSize"]) mirror.style[prop] = style[prop];
    Object.assign(mirror.style, { position: "absolute", visibility: "hidden", left: "-10000px", top: "0",
      boxSizing: "border-box", width: `${area.clientWidth}px`, whiteSpace: "pre-wrap", overflowWrap: "anywhere", border: "0" });
    mirror.textContent = area.value.slice(0, offset);
    const marker = el("span", {}, "\u200b");
    mirror.appendChild(marker);
    document.body.appendChild(mirror);
    const y = marker.offsetTop;
    mirror.remove();
    area.scrollTop = Math.max(0, y - area.clientHeight / 3);
  }

  // ------------------------------------------------------------------ the list of findings

  function renderFindingList() {
    const visible = new Set(visibleOrder());
    const list = el("ol", { class: "finding-list", "aria-labelledby": "findings-title" }, state.order.map((i) => {
      const f = state.findings[i];
      const label = flaggedLabel(f);
      return el("li", { hidden: !visible.has(i) },
        el("button", { type: "button", class: `finding-item${f.text && !isSpace(f.text) ? "" : " described"}`,
          dataset: { index: String(i) }, onclick: () => select(i) },
          el("span", { class: `dot cat-${cssName(f.category)} sev-${cssName(f.severity)}`, title: `${f.category}, ${f.severity}` }),
          el("span", { class: "sr-only" }, `${f.severity}, `),
          el("span", { class: "where" }, `${f.line}:${f.column}`),
          el("span", { class: "rule" }, f.rule),
          el("span", { class: "text" }, label)));
    }));
    const hidden = state.findings.length - visible.size;
    $("findings").replaceChildren(
      el("h2", { id: "findings-title" }, `Findings (${state.findings.length})`,
        hidden ? el("span", { class: "small" }, ` · ${hidden} hidden by the filters`) : null),
      list);
    $("findings").hidden = state.findings.length === 0;
  }

  // ------------------------------------------------------------------ the summary and details panels

  function meter(value, max, cls, label) {
    const bar = el("span", { class: `meter ${cls || ""}`, role: label ? "img" : null, "aria-label": label || null,
      "aria-hidden": label ? null : "true" }, el("span", { class: "fill" }));
    const share = typeof value === "number" ? (100 * value) / max : 0;
    bar.firstChild.style.width = `${Math.max(0, Math.min(100, share))}%`; // CSSOM, allowed by the CSP
    return bar;
  }

  function renderSummary() {
    const r = state.report;
    const p = r.provenance;
    const counts = r.counts.by_severity;
    const verdictClass = `verdict verdict-${cssName(p.verdict)}`;
    const likelihood = typeof p.mt_likelihood === "number";
    const tally = `${plural(counts.error || 0, "error")} · ${plural(counts.warning || 0, "warning")} · ${counts.info || 0} info`;
    $("summary").replaceChildren(...[
      el("h2", { id: "summary-title" }, "Verdict"),
      el("p", { class: "verdict-line" },
        el("span", { class: verdictClass, id: "verdict" }, p.verdict),
        likelihood ? [" MT likelihood ", el("strong", { id: "likelihood" }, fixed(p.mt_likelihood, 2)),
          meter(p.mt_likelihood, 1, "likelihood")] : null),
      p.verdict === "too-short" ? el("p", { class: "small" }, "The story is too short for a verdict; the findings still stand.") : null,
      p.verdict === "not-english" ? el("p", { class: "small" }, "The story is not in English: mtcheck judges English copy only.") : null,
      el("p", {}, `${tally} in ${plural(r.sentences, "sentence")}`),
      el("p", { class: "fluency-line" }, "Fluency ", el("strong", { id: "fluency" }, `${fixed(r.fluency.score, 1)}/100`), " ",
        meter(r.fluency.score, 100, "fluency")),
    ].filter(Boolean));
    $("summary").hidden = false;
    // The same verdict in one line above the story, for narrow windows.
    $("verdict-strip").replaceChildren(el("span", { class: verdictClass }, verdictWord(p.verdict)),
      likelihood ? ` MT likelihood ${fixed(p.mt_likelihood, 2)}` : "", ` · ${tally} · fluency ${fixed(r.fluency.score, 1)}`);
    $("verdict-strip").hidden = false;
  }

  function renderDetails() {
    const r = state.report;
    const p = r.provenance;
    const parts = [];
    if (p.evidence && p.evidence.length) {
      parts.push(el("table", { class: "evidence" },
        el("caption", { class: "sr-only" }, "Evidence for the verdict, in log-odds"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "What was seen"), el("th", { scope: "col", class: "num" }, "Count"),
          el("th", { scope: "col", class: "num" }, "Log-odds"))),
        el("tbody", {}, p.evidence.map((e) => el("tr", {},
          el("td", {}, el("span", { class: "description" }, e.description || e.feature || e.rule),
            e.rule ? el("div", { class: "small" }, el("code", {}, e.rule)) : null),
          el("td", { class: "num" }, e.count === null || e.count === undefined ? "" : `×${e.count}`),
          el("td", { class: "num" }, typeof e.contribution === "number" ? `${e.contribution >= 0 ? "+" : ""}${fixed(e.contribution, 2)}` : "–"))))));
    } else {
      parts.push(el("p", { class: "small" }, "No evidence either way."));
    }
    parts.push(el("h3", {}, "Sentences"), sentenceList(r.fluency.sentences));
    const src = p.source_language || {};
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
    const disclosure = el("details", { open: prefs.get("details", false) },
      el("summary", { id: "details-title" }, "Why: evidence, sentences, source"), parts);
    disclosure.addEventListener("toggle", () => prefs.set("details", disclosure.open));
    $("details").replaceChildren(disclosure);
    $("details").hidden = false;
  }

  function sentenceList(sentences) {
    const units = unitsIndex(state.text);
    const withMT = sentences.some((s) => typeof s.mt_probability === "number");
    return el("ol", { class: `sentences${withMT ? " with-mt" : ""}`, "aria-label": "Fluency of each sentence" }, sentences.map((s) => {
      const text = state.text.slice(toUnits(units, s.start), toUnits(units, s.end));
      const first = state.order.find((i) => state.findings[i].sentence === s.index && shown(state.findings[i]));
      const mt = typeof s.mt_probability === "number" ? s.mt_probability : null;
      // Read as "Sentence 4: fluency 88, MT probability 0.83, <its start>"; the numbers are what is seen.
      const sr = (text) => el("span", { class: "sr-only" }, text);
      const cells = [
        sr(`Sentence ${s.index + 1}: fluency `), el("span", { class: "num", title: "fluency" }, fixed(s.score, 0)), meter(s.score, 100),
        withMT ? [sr(", MT probability "), el("span", { class: `num mt-cell sent ${mt === null ? "mt-none" : `mt-${Math.min(4, Math.floor(mt * 5))}`}`,
          title: "sentence MT probability" }, mt === null ? "–" : fixed(mt, 2))] : null,
        sr(", "), el("span", { class: "preview" }, text.length > 70 ? `${text.slice(0, 70)}…` : text),
      ];
      const band = s.score < 50 ? "low" : s.score < 90 ? "mid" : "high";
      if (first === undefined) return el("li", { class: band, title: text }, cells);
      return el("li", { class: band },
        el("button", { type: "button", class: "sentence-item", title: `${text}\n(go to its first finding)`, onclick: () => select(first) }, cells));
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
    await runCheck(extracted.text, undefined, true);
  }

  // ------------------------------------------------------------------ compare view

  async function runCompare(what) {
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
      status(`${typeof what === "string" ? `Compared ${what}: ` : ""}${plural(report.groups.length, "group")} · editing fixed ${total(e.fixed)}, missed ${total(e.remaining)}`);
    } catch (err) {
      status(err.message, true);
    } finally {
      busy(false);
    }
  }

  /**
   * Whether the two texts look like two different stories rather than two versions of one:
   * few sentences matched on either side and little character overlap.
   */
  function unrelated(report) {
    const s = report.sentences;
    const draftMatched = (s.kept_share || 0) + (s.edited_share || 0);
    const referenceMatched = 1 - (s.added_share || 0);
    const chrf = report.scores ? report.scores.chrf : 0;
    const matched = Math.max(draftMatched, referenceMatched);
    return { yes: (matched < 0.5 && chrf < 30) || matched === 0, draftMatched, referenceMatched, chrf };
  }

  function renderCompare(report) {
    const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
    const byRule = (m) => Object.entries(m).map(([rule, n]) => `${rule} ×${n}`).join(", ");
    const version = (title, v) => el("div", { class: "version" },
      el("h2", {}, title),
      el("p", {}, el("span", { class: `verdict verdict-${cssName(v.verdict)}` }, v.verdict),
        typeof v.mt_likelihood === "number" ? ` MT likelihood ${fixed(v.mt_likelihood, 2)}` : ""),
      el("p", {}, `fluency ${fixed(v.fluency, 1)} · ${plural(v.findings, "finding")} · ${plural(v.sentences, "sentence")}`));
    const s = report.sentences;
    const pct = (x) => `${Math.round(100 * x)}%`;
    const e = report.editing;
    const stat = (label, n, title, id) => el("li", { title: title || null, id: id || null }, el("strong", {}, String(n)), ` ${label}`);
    const verdict = unrelated(report);
    const warning = $("compare-warning");
    if (verdict.yes) {
      warning.replaceChildren(el("strong", {}, "These look like two different stories, not two versions of one. "),
        `Only ${pct(verdict.draftMatched)} of the draft's sentences and ${pct(verdict.referenceMatched)} of the reference's `
        + `found a counterpart (chrF ${fixed(verdict.chrf, 1)}), so the scores and “What editing did” below say little.`);
      warning.hidden = false;
    } else {
      warning.replaceChildren();
      warning.hidden = true;
    }
    $("compare-summary").replaceChildren(
      version("Draft", report.draft),
      version("Reference", report.reference),
      el("div", { class: "version" },
        el("h2", {}, "Scores (draft against reference)"),
        el("p", { id: "corpus-scores" }, `BLEU ${fixed(report.scores.bleu, 1)} · chrF ${fixed(report.scores.chrf, 1)} · TER ${fixed(report.scores.ter, 1)}`),
        el("p", {}, `sentences: ${s.kept} kept (${pct(s.kept_share)}), ${s.edited} edited (${pct(s.edited_share)}), `
          + `${s.dropped} dropped (${pct(s.dropped_share)}); ${s.added} added (${pct(s.added_share)})`)),
      el("div", { class: "version" },
        el("h2", {}, "What editing did"),
        el("ul", { class: "editing" },
          stat("fixed", total(e.fixed), byRule(e.fixed), "edit-fixed"),
          stat("missed", total(e.remaining), byRule(e.remaining), "edit-missed"),
          stat("removed with their sentence", total(e.removed), byRule(e.removed)),
          stat("introduced", total(e.introduced), byRule(e.introduced)))),
    );
    $("compare-summary").hidden = false;
    $("view-compare").classList.add("has-results");
    $("compare-groups").replaceChildren(
      el("div", { class: "columns-head", "aria-hidden": "true" }, el("span", {}, "Draft"), el("span", {}, "Reference")),
      ...report.groups.map(renderGroup));
    $("compare-groups").hidden = false;
    applyChangedOnly();
  }

  function renderGroup(g) {
    const scores = g.scores ? ` · BLEU ${fixed(g.scores.bleu, 1)} · chrF ${fixed(g.scores.chrf, 1)} · TER ${fixed(g.scores.ter, 1)}` : "";
    const draftMarks = g.edits.filter((x) => x.op !== "insert").map((x) => [x.draft_start - g.draft.start, x.draft_end - g.draft.start]);
    const refMarks = g.edits.filter((x) => x.op !== "delete").map((x) => [x.reference_start - g.reference.start, x.reference_end - g.reference.start]);
    // An empty side says what happened to the sentence from that side's point of view.
    return el("article", { class: `group status-${cssName(g.status)}`, dataset: { status: g.status },
      "aria-label": `Group ${g.index + 1}: ${g.status}` },
      el("p", { class: "group-meta" }, el("span", { class: `badge status-${cssName(g.status)}` }, g.status),
        ` #${g.index + 1} · ${g.operation} · similarity ${fixed(g.similarity, 1)}${scores}`),
      el("div", { class: "side-by-side" },
        el("div", { class: "draft-side" }, el("span", { class: "sr-only" }, "Draft: "),
          markedText(g.draft.text, draftMarks, "del", "(not in the draft: added in the reference)")),
        el("div", { class: "reference-side" }, el("span", { class: "sr-only" }, "Reference: "),
          markedText(g.reference.text, refMarks, "ins", "(not in the reference: dropped from the draft)"))),
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
    for (const g of $("compare-groups").querySelectorAll("article")) g.hidden = only && g.dataset.status === "kept";
  }

  // ------------------------------------------------------------------ views, keys, drops

  function showView(name) {
    for (const view of ["check", "compare"]) {
      $(`view-${view}`).hidden = view !== name;
      $(`tab-${view}`).setAttribute("aria-selected", String(view === name));
      $(`tab-${view}`).tabIndex = view === name ? 0 : -1;
    }
    document.body.classList.toggle("in-compare", name === "compare");
  }

  /** Check what the editor shows: the text being edited, or the text last checked. */
  function checkCurrent() {
    const input = $("input");
    if (input.hidden) return runCheck(state.text);
    if (!hasReport()) return runCheck(input.value, undefined, true);
    return commit(input.value, "Edit the text", input.selectionStart).then((ok) => {
      if (ok) status(`${checkedMessage()}. Undo with Ctrl+Z.`);
      else if (input.value === state.text) runCheck(state.text, input.selectionStart);
    });
  }
  const typing = (target) => target instanceof HTMLTextAreaElement
    || (target instanceof HTMLInputElement && !["checkbox", "radio", "button", "file"].includes(target.type));

  document.addEventListener("keydown", (event) => {
    const compare = !$("view-compare").hidden;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key === "Enter") {
      event.preventDefault();
      if (compare) runCompare();
      else checkCurrent();
      return;
    }
    if (compare || typing(event.target) || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (mod) {
      if (key === "z" && !event.shiftKey) undo();
      else if ((key === "z" && event.shiftKey) || key === "y") redo();
      else return;
      event.preventDefault();
      return;
    }
    const onButton = event.target instanceof HTMLButtonElement || event.target instanceof HTMLInputElement;
    if (!hasReport() || !$("input").hidden) return;
    switch (key) {
      case "j": case "n": step(1); break;
      case "k": case "p": step(-1); break;
      case "a": applySelected(); break;
      case "Enter": if (onButton || event.target.closest(".inline-edit")) return; applySelected(); break;
      case "e":
        if (state.selected >= 0) openInlineEditor(state.selected);
        else editWhole(null);
        break;
      case "Escape":
        if (state.editing) closeInlineEditor(true);
        else if (state.selected >= 0) {
          select(-1);
          refocus();
        } else return;
        break;
      default: return;
    }
    event.preventDefault();
  });

  // Tabs as the ARIA pattern has them: arrow keys move between them.
  $("tab-check").parentElement.addEventListener("keydown", (event) => {
    const tabs = ["check", "compare"];
    const current = tabs.findIndex((t) => $(`tab-${t}`) === document.activeElement);
    if (current < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (current + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (current + tabs.length - 1) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    showView(tabs[next]);
    $(`tab-${tabs[next]}`).focus();
  });

  $("tab-check").addEventListener("click", () => showView("check"));
  $("tab-compare").addEventListener("click", () => showView("compare"));
  $("check-btn").addEventListener("click", checkCurrent);
  $("edit-btn").addEventListener("click", () => editWhole(state.findings[state.selected] || null));
  $("undo-btn").addEventListener("click", undo);
  $("redo-btn").addEventListener("click", redo);
  $("fix-all-btn").addEventListener("click", applyAllSafe);
  $("changes-btn").addEventListener("click", showChanges);
  $("copy-btn").addEventListener("click", copyText);
  $("download-btn").addEventListener("click", downloadText);
  $("compare-btn").addEventListener("click", () => runCompare());
  $("changed-only").addEventListener("change", applyChangedOnly);
  $("file-input").addEventListener("change", (event) => {
    openFile(event.target.files[0], null);
    event.target.value = "";
  });

  // The header's and the bottom sheet's heights, for the layout (CSS variables).
  function measureSheet() {
    const card = $("finding");
    const sheet = narrow.matches && !card.hidden && !card.classList.contains("idle");
    document.documentElement.style.setProperty("--sheet", `${sheet ? Math.ceil(card.getBoundingClientRect().height) : 0}px`);
  }
  narrow.addEventListener("change", measureSheet);
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      document.documentElement.style.setProperty("--top", `${Math.ceil($("top").getBoundingClientRect().height)}px`);
    }).observe($("top"));
    new ResizeObserver(measureSheet).observe($("finding"));
  }

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
