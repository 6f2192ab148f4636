// remora's results dashboard: draws every experiment of results/*.json with chart.js. Plain
// browser JavaScript with no imports: the page that includes it defines window.REMORA (the results,
// and whether a live server is there) and loads chart.js, hammerjs and chartjs-plugin-zoom first.
/* global Chart, ChartZoom */
(function () {
  "use strict";
  const { results, live } = window.REMORA;
  Chart.register(ChartZoom);
  Chart.defaults.animation = false; // draw at once: screenshots and tests see the final chart
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  const color = (i) => COLORS[i % COLORS.length];
  const charts = {};
  const cards = {};
  window.remoraCharts = charts;
  const liveRuns = []; // live panel runs: drawn on their own chart and on the policies chart

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  };
  const fmt = (x) => (typeof x !== "number" ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4));
  const configText = (run) => {
    const o = run.options;
    return [o.preset && `preset ${o.preset}`, o.size && `size ${o.size}`, o.localMem && `local ${o.localMem}`,
      o.bandwidth && `link ${o.bandwidth}`, o.counter && `counter ${o.counter}`, o.compress && `compress ${o.compress}`, o.prefetch && o.prefetch !== "none" && `prefetch ${o.prefetch}`].filter(Boolean).join(", ");
  };
  const unique = (xs) => [...new Set(xs)];
  const paperMarker = (label, points) => ({
    type: "scatter", label, data: points, pointStyle: "crossRot", pointRadius: 9, borderWidth: 3,
    borderColor: "#000", backgroundColor: "#000", runs: points.map(() => null),
  });

  // One card a chart: title, controls (log/linear, program picker, table, CSV), canvas, table.
  function card(id, title, makeConfig, { picker = null, zoom = false, log = true } = {}) {
    const canvas = el("canvas", { id: `chart-${id}`, role: "img", "aria-label": title });
    const table = el("div", { class: "table", hidden: "" });
    let logScale = log;
    let picked = picker ? picker.options[0] : null;
    const controls = el("div", { class: "controls" });
    const build = () => {
      const config = makeConfig(picked);
      const y = config.options.scales.y;
      y.type = logScale ? "logarithmic" : "linear";
      config.options.plugins.tooltip = {
        callbacks: {
          afterLabel: (item) => {
            const run = item.dataset.runs?.[item.dataIndex];
            return run ? configText(run) : "";
          },
        },
      };
      if (zoom) {
        config.options.plugins.zoom = {
          zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: "xy" },
          pan: { enabled: true, mode: "xy" },
        };
      }
      if (charts[id]) charts[id].destroy();
      charts[id] = new Chart(canvas, config);
      renderTable();
    };
    const rows = () => {
      const chart = charts[id];
      const labels = chart.data.labels;
      const out = [["series", "x", "y"]];
      for (const ds of chart.data.datasets) {
        ds.data.forEach((d, i) => {
          const x = typeof d === "object" && d !== null ? d.x : labels[i];
          const yv = typeof d === "object" && d !== null ? d.y : d;
          if (yv !== null && yv !== undefined) out.push([ds.label, x, yv]);
        });
      }
      return out;
    };
    const renderTable = () => {
      const data = rows();
      table.replaceChildren(el("table", {}, ...data.map((r, i) => el("tr", {}, ...r.map((c) => el(i ? "td" : "th", {}, fmt(c)))))));
    };
    controls.append(el("button", { onclick: () => { logScale = !logScale; build(); }, "data-action": "axis" }, "log / linear"));
    if (picker) {
      const select = el("select", { "data-action": "pick", onchange: (e) => { picked = e.target.value; build(); } },
        ...picker.options.map((o) => el("option", { value: o }, o)));
      controls.prepend(el("label", {}, `${picker.label} `, select));
    }
    if (zoom) controls.append(el("button", { onclick: () => charts[id].resetZoom() }, "reset zoom"));
    controls.append(el("button", { "data-action": "table", onclick: () => table.toggleAttribute("hidden") }, "table"));
    controls.append(el("button", {
      "data-action": "csv",
      onclick: () => {
        const csv = rows().map((r) => r.join(",")).join("\n");
        const a = el("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: `${id}.csv` });
        a.click();
      },
    }, "CSV"));
    document.getElementById("charts").append(el("section", { class: "card", id: `card-${id}` }, el("h2", {}, title), controls, el("div", { class: "canvas" }, canvas), table));
    build();
    cards[id] = { rebuild: build };
    return cards[id];
  }

  const axis = (text) => ({ title: { display: true, text } });
  const baseOptions = (xTitle, yTitle) => ({
    responsive: true, maintainAspectRatio: false,
    plugins: { legend: { position: "bottom" } },
    scales: { x: axis(xTitle), y: axis(yTitle) },
  });

  // Grouped bars: one group a program, one bar a policy; the legend toggles policies, the picker
  // shows all programs or one.
  function groupedBars(exp, policyOrder, markers) {
    const runs = exp.runs;
    const find = (w, p) => runs.find((r) => r.key.workload === w && r.key.policy === p);
    const policies = policyOrder.filter((p) => runs.some((r) => r.key.policy === p));
    return (picked) => {
      const programs = unique(runs.map((r) => r.key.workload)).filter((w) => picked === "all" || w === picked);
      return {
        type: "bar",
        data: {
          labels: programs,
          datasets: [
            ...policies.map((p, i) => ({
              label: p, backgroundColor: color(i), data: programs.map((w) => find(w, p)?.figures.avgAccessCycles ?? null),
              runs: programs.map((w) => find(w, p)),
            })),
            ...markers.map((m) => ({ ...m, data: m.data.filter((d) => programs.includes(d.x)) })),
            ...(liveRuns.length ? [{
              type: "scatter", label: "live runs", pointStyle: "rectRot", pointRadius: 7, borderColor: "#9467bd", backgroundColor: "#9467bd",
              data: liveRuns.filter((r) => programs.includes(r.options.workload)).map((r) => ({ x: r.options.workload, y: r.figures.avgAccessCycles })),
              runs: liveRuns.filter((r) => programs.includes(r.options.workload)),
            }] : []),
          ],
        },
        options: baseOptions("program", "average access cost (cycles)"),
      };
    };
  }
  const programPicker = (exp) => ({ label: "program", options: ["all", ...unique(exp.runs.map((r) => r.key.workload))] });

  const drawers = {
    policies(exp) {
      card("policies", `${exp.source}: ${exp.title}`, groupedBars(exp, ["disk", "ram-disk", "remote-main", "counters"], [
        paperMarker("Markatos'96: TRANS DISK 24349, COUNTERS 65.65", [{ x: "trans", y: 24349 }, { x: "trans", y: 65.65 }]),
      ]), { picker: programPicker(exp) });
    },
    software(exp) {
      card("software", `${exp.source}: ${exp.title}`, groupedBars(exp, ["disk", "ram-disk", "counters", "software-counters"], []), { picker: programPicker(exp) });
    },
    network(exp) {
      const programs = unique(exp.runs.map((r) => r.key.workload));
      card("network", `${exp.source}: ${exp.title}`, (program) => {
        const runs = exp.runs.filter((r) => r.key.workload === program);
        const xs = unique(runs.filter((r) => r.key.throughputMBps > 0).map((r) => r.key.throughputMBps)).sort((a, b) => a - b);
        const policies = unique(runs.map((r) => r.key.policy));
        return {
          type: "line",
          data: {
            datasets: [
              ...policies.map((p, i) => {
                const own = runs.filter((r) => r.key.policy === p).sort((a, b) => a.key.throughputMBps - b.key.throughputMBps);
                // DISK and REMOTE_MAIN move no pages over the network: one run, drawn flat.
                const flat = own.length === 1 && own[0].key.throughputMBps === 0;
                const pts = flat ? xs.map((x) => ({ x, y: own[0].figures.avgAccessCycles })) : own.map((r) => ({ x: r.key.throughputMBps, y: r.figures.avgAccessCycles }));
                return { label: flat ? `${p} (no transfers over the link)` : p, data: pts, borderColor: color(i), backgroundColor: color(i), borderDash: flat ? [6, 4] : [], runs: flat ? xs.map(() => own[0]) : own };
              }),
              paperMarker("Markatos'96: remote memory beats DISK from about 5 MB/s", [{ x: 5, y: runs.find((r) => r.key.policy === "disk").figures.avgAccessCycles }]),
            ],
          },
          options: { ...baseOptions("network throughput (MB/s)", "average access cost (cycles)"), scales: { x: { type: "logarithmic", ...axis("network throughput (MB/s)") }, y: axis("average access cost (cycles)") } },
        };
      }, { picker: { label: "program", options: programs }, zoom: true });
    },
    counter(exp) {
      const programs = unique(exp.runs.map((r) => r.key.workload));
      card("counter", `${exp.source}: ${exp.title}`, () => ({
        type: "line",
        data: {
          datasets: programs.map((w, i) => {
            const own = exp.runs.filter((r) => r.key.workload === w).sort((a, b) => a.key.counter - b.key.counter);
            return { label: w, data: own.map((r) => ({ x: r.key.counter, y: r.figures.avgAccessCycles })), borderColor: color(i), backgroundColor: color(i), runs: own };
          }),
        },
        options: { ...baseOptions("counter initial value", "average access cost (cycles)"), scales: { x: { type: "logarithmic", ...axis("counter initial value (remote accesses before migration)") }, y: axis("average access cost (cycles)") } },
      }), { zoom: true });
    },
    // The sweep as one line a program, --counter auto as a star at the value it chose; one policy
    // at a time (the picker).
    "counter-auto"(exp) {
      const programs = unique(exp.runs.map((r) => r.key.workload));
      const policies = unique(exp.runs.map((r) => r.key.policy));
      card("counter-auto", `${exp.source}: ${exp.title}`, (policy) => {
        const runs = exp.runs.filter((r) => r.key.policy === policy);
        return {
          type: "line",
          data: {
            datasets: programs.flatMap((w, i) => {
              const sweep = runs.filter((r) => r.key.workload === w && r.key.counter !== "auto").sort((a, b) => a.key.counter - b.key.counter);
              const auto = runs.filter((r) => r.key.workload === w && r.key.counter === "auto");
              return [
                { label: w, data: sweep.map((r) => ({ x: r.key.counter, y: r.figures.avgAccessCycles })), borderColor: color(i), backgroundColor: color(i), runs: sweep },
                {
                  type: "scatter", label: `${w} auto${auto.length ? ` (${auto[0].figures.counterInitial})` : ""}`, pointStyle: "star", pointRadius: 10, borderWidth: 3,
                  borderColor: color(i), backgroundColor: color(i),
                  data: auto.map((r) => ({ x: r.figures.counterInitial, y: r.figures.avgAccessCycles })), runs: auto,
                },
              ];
            }),
          },
          options: { ...baseOptions("counter initial value", "average access cost (cycles)"), scales: { x: { type: "logarithmic", ...axis("counter initial value (remote accesses before migration)") }, y: axis("average access cost (cycles)") } },
        };
      }, { picker: { label: "policy", options: policies }, zoom: true });
    },
    // One group a program, one bar a prefetcher; the picker chooses the policy and the figure:
    // execution time relative to no prefetching, accuracy or coverage.
    prefetch(exp) {
      const programs = unique(exp.runs.map((r) => r.key.workload));
      const choices = unique(exp.runs.map((r) => r.key.prefetch));
      const figures = { "time / none": null, accuracy: "prefetchAccuracy", coverage: "prefetchCoverage" };
      const options = unique(exp.runs.map((r) => r.key.policy)).flatMap((p) => Object.keys(figures).map((f) => `${p}: ${f}`));
      card("prefetch", `${exp.source}: ${exp.title}`, (picked) => {
        const [policy, figure] = picked.split(": ");
        const find = (w, p) => exp.runs.find((r) => r.key.workload === w && r.key.policy === policy && r.key.prefetch === p);
        const value = (w, p) => figures[figure] === null
          ? find(w, p).figures.modelledSeconds / find(w, "none").figures.modelledSeconds
          : find(w, p).figures[figures[figure]];
        const shown = figures[figure] === null ? choices : choices.filter((p) => p !== "none");
        return {
          type: "bar",
          data: {
            labels: programs,
            datasets: shown.map((p) => ({
              label: p, backgroundColor: color(choices.indexOf(p)), data: programs.map((w) => value(w, p)), runs: programs.map((w) => find(w, p)),
            })),
          },
          options: baseOptions(`program (${policy}, anemone05, 1/8 of the working set local)`,
            figures[figure] === null ? "execution time / without prefetching (x)" : `${figure} (0 to 1)`),
        };
      }, { picker: { label: "policy: figure", options }, log: false });
    },
    "anemone-latency"(exp) {
      card("anemone-latency", `${exp.source}: ${exp.title}`, () => {
        const bins = unique(exp.runs.flatMap((r) => (r.faultHistogram ?? []).map(([b]) => b))).sort((a, b) => a - b);
        return {
          type: "line",
          data: {
            datasets: [
              ...exp.runs.map((r, i) => {
                const total = (r.faultHistogram ?? []).reduce((a, [, n]) => a + n, 0);
                let cum = 0;
                const counts = new Map(r.faultHistogram ?? []);
                const data = bins.map((b) => { cum += counts.get(b) ?? 0; return { x: b, y: (100 * cum) / total }; });
                return { label: `${r.key.path} (mean ${fmt(r.figures.faultLatencyMicros.mean)} µs)`, data, borderColor: color(i), backgroundColor: color(i), stepped: true, runs: data.map(() => r) };
              }),
              paperMarker("Anemone: mean 650-700 µs (engine), 6.5 ms (disk)", [{ x: 675, y: 50 }, { x: 6500, y: 50 }]),
            ],
          },
          options: { ...baseOptions("fault latency (µs)", "faults at or below (%)"), scales: { x: { type: "logarithmic", ...axis("modelled page-fault latency (µs)") }, y: { min: 0, max: 100, ...axis("faults at or below (%, cumulative)") } } },
        };
      }, { zoom: true, log: false });
    },
    "anemone-speedup"(exp) {
      const programs = unique(exp.runs.map((r) => r.key.workload));
      card("anemone-speedup", `${exp.source}: ${exp.title}`, () => {
        const find = (w, p) => exp.runs.find((r) => r.key.workload === w && r.key.policy === p);
        return {
          type: "bar",
          data: {
            labels: programs,
            datasets: [
              { label: "disk / ram-disk execution time", backgroundColor: color(0), data: programs.map((w) => find(w, "disk").figures.modelledSeconds / find(w, "ram-disk").figures.modelledSeconds), runs: programs.map((w) => find(w, "ram-disk")) },
              paperMarker("Anemone: 2x", programs.map((w) => ({ x: w, y: 2 }))),
              { ...paperMarker("Anemone: 3x", programs.map((w) => ({ x: w, y: 3 }))), pointStyle: "line" },
            ],
          },
          options: baseOptions("program", "speedup (x)"),
        };
      }, { log: false });
    },
    "anemone-concurrent"(exp) {
      card("anemone-concurrent", `${exp.source}: ${exp.title}`, () => {
        const rows = exp.derived.rows;
        return {
          type: "line",
          data: {
            datasets: [
              { label: "disk / ram-disk makespan", data: rows.map((r) => ({ x: r.clients, y: r.speedup })), borderColor: color(0), backgroundColor: color(0), runs: rows.map((r) => exp.runs.find((x) => x.key.clients === r.clients)) },
              paperMarker("Anemone: 13x with many ray tracers", [{ x: rows[rows.length - 1].clients, y: 13 }]),
            ],
          },
          options: { ...baseOptions("ray tracers at once", "speedup (x)"), scales: { x: { type: "linear", ...axis("ray tracers at once (clients)") }, y: axis("speedup over disk (x)") } },
        };
      }, { log: false });
    },
    compression(exp) {
      // One figure at a time: the real compression ratio, or the modelled time against none.
      const rows = exp.derived.rows;
      const programs = unique(rows.map((r) => r.workload));
      const codecs = unique(rows.map((r) => r.codec));
      const share = exp.derived.localShare && (exp.derived.localShare === 0.5 ? "half" : `1/${Math.round(1 / exp.derived.localShare)}`);
      const figures = {
        "compression ratio (ram-disk)": { policy: "ram-disk", y: (r) => r.compressionRatio, axis: "page bytes / bytes stored (x)" },
        "ram-disk: none / compressed time": { policy: "ram-disk", y: (r) => r.speedup, axis: "modelled time without / with (x)" },
        "disk: none / compressed time": { policy: "disk", y: (r) => r.speedup, axis: "modelled time without / with (x)" },
      };
      for (const [name, f] of Object.entries(figures)) if (!rows.some((r) => r.policy === f.policy)) delete figures[name]; // --quick: ram-disk only
      card("compression", `${exp.source}: ${exp.title}`, (picked) => {
        const f = figures[picked];
        const find = (w, c) => rows.find((r) => r.workload === w && r.codec === c && r.policy === f.policy);
        const run = (w, c) => exp.runs.find((r) => r.key.workload === w && r.key.codec === c && r.key.policy === f.policy);
        return {
          type: "bar",
          data: {
            labels: programs,
            datasets: codecs.map((c, i) => ({
              label: c, backgroundColor: color(i), data: programs.map((w) => f.y(find(w, c))), runs: programs.map((w) => run(w, c)),
            })),
          },
          options: baseOptions(`program (anemone05${share ? `, size ${exp.derived.size}, ${share} of its working set local` : ""})`, f.axis),
        };
      }, { picker: { label: "figure", options: Object.keys(figures) }, log: false });
    },
    resilience(exp) {
      // One group a redundancy, one bar without and one with server 1 crashing halfway; a run that
      // lost pages has no time or memory to show (it ended, exit 4): its bar is missing and its
      // label says so.
      const rows = exp.derived.rows;
      const schemes = unique(rows.map((r) => r.redundancy));
      const figures = {
        "execution time (modelled s)": (r) => r.modelledSeconds,
        "remote memory used (MiB)": (r) => (r.remoteBytesPeak === null ? null : r.remoteBytesPeak / 2 ** 20),
      };
      const row = (scheme, failure) => rows.find((r) => r.redundancy === scheme && r.failure === failure);
      const run = (scheme, failure) => exp.runs.find((r) => r.key.redundancy === scheme && (r.key.failure !== "no failure") === failure);
      card("resilience", `${exp.source}: ${exp.title}`, (picked) => ({
        type: "bar",
        data: {
          labels: schemes.map((s) => (row(s, true)?.lost ? `${s} (server fails: lost, exit 4)` : s)),
          datasets: [false, true].map((failure, i) => ({
            label: failure ? `server ${exp.derived.failedServer} fails after ${exp.derived.failAfterTransfers} of ${exp.derived.transfers} page transfers` : "no failure",
            backgroundColor: color(i),
            data: schemes.map((s) => figures[picked](row(s, failure))),
            runs: schemes.map((s) => run(s, failure)),
          })),
        },
        options: baseOptions(`redundancy (qsort ${exp.derived.size}, ram-disk, ${exp.derived.servers} servers)`, picked),
      }), { picker: { label: "figure", options: Object.keys(figures) }, log: false });
    },
    "link-validation"(report) {
      const rows = report.rows;
      card("link-validation", `${report.title} (remora validate-link)`, () => ({
        type: "bar",
        data: {
          labels: rows.map((r) => r.link),
          datasets: [
            { label: "measured (mean)", backgroundColor: color(0), data: rows.map((r) => r.measuredMeanMicros), runs: rows.map(() => null) },
            { label: "modelled, the link's datasheet", backgroundColor: color(1), data: rows.map((r) => r.modelledMicros), runs: rows.map(() => null) },
            { label: `modelled, protocol calibrated to the unshaped ${fmt(report.floorMicros)} µs`, backgroundColor: color(2), data: rows.map((r) => r.calibratedMicros), runs: rows.map(() => null) },
          ],
        },
        options: baseOptions(`link (${report.workload} size ${report.size}, ${report.faults} faults, median of ${report.repetitions})`, "page-fault latency (µs)"),
      }), { log: false });
    },
    bench(report) {
      card("bench", "The emulator's own speed: slowdown against the plain module (remora bench)", () => ({
        type: "bar",
        data: {
          labels: report.rows.map((r) => r.workload),
          datasets: [{ label: `instrumented / native wall time (geomean ${fmt(report.geomeanSlowdown)})`, backgroundColor: color(2), data: report.rows.map((r) => r.slowdown), runs: report.rows.map(() => null) }],
        },
        options: baseOptions("program (size small, every page resident)", "slowdown (x)"),
      }), { log: false });
    },
  };

  const order = ["policies", "network", "counter", "counter-auto", "software", "anemone-latency", "anemone-speedup", "anemone-concurrent", "prefetch", "compression", "resilience", "bench", "link-validation"];
  for (const name of order) if (results[name]) drawers[name](results[name]);
  // link-validation needs root and a command of its own: not missing when absent.
  const missing = order.filter((n) => !results[n] && n !== "link-validation");
  if (missing.length) document.getElementById("missing").textContent = `Not in these results: ${missing.join(", ")} (run ./bin/remora reproduce${missing.includes("bench") ? ", and ./bin/remora bench for the last" : ""}).`;

  // The live panel: runs one configuration through the dashboard server and adds the point.
  const panel = document.getElementById("live");
  if (!live) {
    panel.append(el("p", {}, "Live runs need the dashboard server: ./bin/remora dashboard"));
    return;
  }
  const form = el("form", { id: "live-form" });
  const field = (name, input) => form.append(el("label", {}, `${name} `, input));
  const select = (name, options, value) => el("select", { name }, ...options.map((o) => { const e = el("option", { value: o }, o); if (o === value) e.selected = true; return e; }));
  field("workload", select("workload", live.workloads, "trans"));
  field("as", select("as", ["workload", "wasi"], "workload"));
  field("size", select("size", ["tiny", "small"], "tiny"));
  field("policy", select("policy", live.policies, "counters"));
  field("preset", select("preset", live.presets, "markatos96"));
  field("local memory", el("input", { name: "localMem", value: "128KiB", size: "8" }));
  field("counter", el("input", { name: "counter", value: "256", size: "6" }));
  field("link", select("link", ["(preset's)", ...live.links], "(preset's)"));
  field("compress", select("compress", live.codecs, "none"));
  field("prefetch", select("prefetch", live.prefetchers, "none"));
  const out = el("pre", { id: "live-result" });
  let liveCard = null;
  form.append(el("button", { type: "submit", id: "live-run" }, "run"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const options = Object.fromEntries(new FormData(form));
    if (options.link === "(preset's)") delete options.link;
    out.textContent = "running…";
    const response = await fetch("/api/run", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options) });
    const body = await response.json();
    if (!response.ok) { out.textContent = `error: ${body.error}`; return; }
    out.textContent = JSON.stringify(body, null, 1);
    liveRuns.push({ options, figures: body });
    liveCard ??= card("live", "Live runs: average access cost (cycles)", () => ({
      type: "bar",
      data: {
        labels: liveRuns.map((r) => `${r.options.workload}${r.options.as === "wasi" ? " (WASI)" : ""} ${r.options.policy} ${r.options.localMem}${r.options.compress !== "none" ? ` ${r.options.compress}` : ""}${r.options.prefetch && r.options.prefetch !== "none" ? ` ${r.options.prefetch}` : ""}`),
        datasets: [{ label: "avgAccessCycles", backgroundColor: color(4), data: liveRuns.map((r) => r.figures.avgAccessCycles), runs: [...liveRuns] }],
      },
      options: baseOptions("run (workload, policy, local memory)", "average access cost (cycles)"),
    }));
    liveCard.rebuild();
    cards.policies?.rebuild();
    document.getElementById("card-live").scrollIntoView();
  });
  panel.append(form, out);
})();
