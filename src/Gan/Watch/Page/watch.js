// scratch watch: the page. One EventSource (/events) brings every run's records: the first message
// holds everything, later ones only what is new (WatchFeed.cs). Each scalar tag gets one uPlot chart
// with every run overlaid; the legend shows or hides a run in all of them at once; the slider smooths
// every curve with TensorBoard's debiased exponential moving average.
"use strict";

const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const runs = new Map();        // name -> { name, color, scalars: Map(tag -> { steps, values }), parts }
const charts = new Map();      // tag -> { plot, names (the runs in its series, in order), box }
const hidden = new Set();      // names of the runs the legend has switched off
const pictureAt = new Map();   // "run\u0000label" -> index the slider was left at (absent: follow the latest)
let smoothing = 0.6;

const $ = id => document.getElementById(id);

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// TensorBoard's smoothing: an exponential moving average, divided by (1 - w^n) so the start is not pulled to 0.
function smooth(values, w) {
  if (w <= 0) return values;
  let average = 0, n = 0;
  return values.map(v => {
    if (v === null || !Number.isFinite(v)) return null;
    average = average * w + (1 - w) * v;
    n++;
    return average / (1 - Math.pow(w, n));
  });
}

// uPlot wants each run's steps ascending and unique: a resumed run may write a step again, and the later value wins.
function ordered(series) {
  const byStep = new Map();
  series.steps.forEach((s, i) => byStep.set(s, series.values[i]));
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return [steps, steps.map(s => byStep.get(s))];
}

function chartData(tag, names) {
  const tables = names.map(name => {
    const [steps, values] = ordered(runs.get(name).scalars.get(tag));
    return [steps, smooth(values, smoothing)];
  });
  return uPlot.join(tables);
}

function drawChart(tag) {
  const names = [...runs.keys()].filter(name => runs.get(name).scalars.has(tag));
  let chart = charts.get(tag);
  const data = chartData(tag, names);
  if (chart && chart.names.join("\u0000") === names.join("\u0000")) { chart.plot.setData(data); return; }
  if (chart) chart.plot.destroy();
  else {
    const box = document.createElement("div");
    box.className = "chart";
    box.dataset.tag = tag;
    box.innerHTML = `<h3>${escapeHtml(tag)}</h3><div class="plot"></div>`;
    const boxes = [...$("charts").children];
    $("charts").insertBefore(box, boxes.find(b => b.dataset.tag > tag) ?? null);   // charts in tag order
    chart = { box };
  }
  const opts = {
    width: Math.max(380, chart.box.clientWidth - 12), height: 220,
    scales: { x: { time: false } },
    legend: { show: false },
    series: [{ label: "step" }, ...names.map(name => ({
      label: name, stroke: runs.get(name).color, width: 1.5, spanGaps: true, show: !hidden.has(name),
    }))],
  };
  chart.plot = new uPlot(opts, data, chart.box.querySelector(".plot"));
  chart.names = names;
  charts.set(tag, chart);
}

function drawLegend() {
  const legend = $("legend");
  legend.innerHTML = "";
  for (const run of runs.values()) {
    const label = document.createElement("label");
    label.className = "run" + (hidden.has(run.name) ? " hidden" : "");
    label.dataset.run = run.name;
    const error = run.parts?.error ? `<span class="run-error">${escapeHtml(run.parts.error)}</span>` : "";
    label.innerHTML = `<input type="checkbox" ${hidden.has(run.name) ? "" : "checked"}>` +
      `<span class="swatch" style="background:${run.color}"></span><span class="run-name">${escapeHtml(run.name)}</span>${error}`;
    label.querySelector("input").addEventListener("change", e => toggle(run.name, e.target.checked));
    legend.appendChild(label);
  }
  $("no-runs").hidden = runs.size > 0;
}

function toggle(name, show) {
  if (show) hidden.delete(name); else hidden.add(name);
  for (const chart of charts.values()) {
    const i = chart.names.indexOf(name);
    if (i >= 0) chart.plot.setSeries(i + 1, { show });
  }
  document.querySelector(`.run[data-run="${CSS.escape(name)}"]`)?.classList.toggle("hidden", !show);
}

function drawEval() {
  const rows = [...runs.values()].filter(r => r.parts?.eval || r.parts?.evalError);
  $("eval-panel").hidden = rows.length === 0;
  if (rows.length === 0) return;
  const metrics = rows.find(r => r.parts.eval)?.parts.eval.map(m => m.metric) ?? [];
  let html = `<tr><th>run</th>${metrics.map(m => `<th>${escapeHtml(m)}</th>`).join("")}</tr>`;
  for (const run of rows) {
    const cells = run.parts.eval
      ? run.parts.eval.map(m => `<td>${escapeHtml(m.generated)}</td>`).join("")
      : `<td colspan="${metrics.length}" class="run-error">${escapeHtml(run.parts.evalError)}</td>`;
    html += `<tr data-run="${escapeHtml(run.name)}"><td>${escapeHtml(run.name)}</td>${cells}</tr>`;
  }
  const reference = rows.find(r => r.parts.eval);
  if (reference) {
    const cells = reference.parts.eval.map(m => `<td>${escapeHtml(m.reference)}</td>`).join("");
    html += `<tr class="reference"><td>real held-out</td>${cells}</tr>`;
  }
  $("eval").innerHTML = html;
}

function drawPictures() {
  const box = $("pictures");
  box.innerHTML = "";
  for (const run of runs.values()) {
    for (const gallery of run.parts?.galleries ?? []) {
      const key = run.name + "\u0000" + gallery.label;
      const last = gallery.urls.length - 1;
      const at = Math.min(pictureAt.get(key) ?? last, last);
      const figure = document.createElement("figure");
      figure.className = "gallery";
      figure.dataset.run = run.name;
      figure.innerHTML = `<img alt="${escapeHtml(gallery.label)}" src="${gallery.urls[at]}">` +
        `<input type="range" min="0" max="${last}" value="${at}" aria-label="${gallery.stepName}">` +
        `<figcaption>${escapeHtml(run.name)} — ${escapeHtml(gallery.label)}, ` +
        `<span class="step">${gallery.stepName} ${gallery.steps[at]}</span></figcaption>`;
      figure.querySelector("input").addEventListener("input", e => {
        const i = Number(e.target.value);
        if (i === last) pictureAt.delete(key); else pictureAt.set(key, i);   // at the end: keep following new epochs
        figure.querySelector("img").src = gallery.urls[i];
        figure.querySelector(".step").textContent = `${gallery.stepName} ${gallery.steps[i]}`;
      });
      box.appendChild(figure);
    }
    for (const url of run.parts?.traversal ?? []) {
      const figure = document.createElement("figure");
      figure.className = "gallery traversal";
      const name = decodeURIComponent(url.split("/").pop());
      figure.innerHTML = `<img alt="${escapeHtml(name)}" src="${url}">` +
        `<figcaption>${escapeHtml(run.name)} — InfoGAN traversal, ${escapeHtml(name)}</figcaption>`;
      box.appendChild(figure);
    }
  }
  $("pictures-panel").hidden = box.children.length === 0;
}

function drawWarnings() {
  const withWarnings = [...runs.values()].filter(r => r.parts?.warnings);
  $("warnings-panel").hidden = withWarnings.length === 0;
  $("warnings").innerHTML = withWarnings.map(r =>
    `<div class="warnings" data-run="${escapeHtml(r.name)}"><h3>${escapeHtml(r.name)}</h3><pre>${escapeHtml(r.parts.warnings)}</pre></div>`).join("");
}

function apply(message) {
  if (message.full) {
    runs.clear();
    for (const chart of charts.values()) chart.plot.destroy();
    charts.clear();
    $("charts").innerHTML = "";
    $("root").textContent = message.root;
  }
  const tags = new Set();
  let partsChanged = message.full;
  for (const update of message.runs) {
    let run = runs.get(update.name);
    if (!run) {
      run = { name: update.name, color: palette[runs.size % palette.length], scalars: new Map(), parts: null };
      runs.set(update.name, run);
      partsChanged = true;
    }
    for (const [tag, series] of Object.entries(update.scalars)) {
      const known = run.scalars.get(tag) ?? { steps: [], values: [] };
      known.steps.push(...series.steps);
      known.values.push(...series.values);
      run.scalars.set(tag, known);
      tags.add(tag);
    }
    if (update.parts) { run.parts = update.parts; partsChanged = true; }
  }
  for (const tag of [...tags].sort()) drawChart(tag);
  if (partsChanged) { drawLegend(); drawEval(); drawPictures(); drawWarnings(); }
}

$("smoothing").addEventListener("input", e => {
  smoothing = Number(e.target.value);
  $("smoothing-value").textContent = smoothing.toFixed(2);
  for (const [tag, chart] of charts) chart.plot.setData(chartData(tag, chart.names));
});

const events = new EventSource("/events");
events.onmessage = e => apply(JSON.parse(e.data));
events.onopen = () => { $("status").textContent = "live"; $("status").className = "status live"; };
events.onerror = () => { $("status").textContent = "reconnecting…"; $("status").className = "status"; };
