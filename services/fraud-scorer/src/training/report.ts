import type { EpochStats } from '../domain/gnn/model.js';
import type { Thresholds } from '../domain/gnn/registry.js';
import type { Evaluation, ModelMetrics } from './pipeline.js';
import { COLOURS, panelSvg, svgToPng, thin, type ChartSpec } from './plots.js';

export interface ReportInput {
  readonly modelVersion: string;
  readonly evaluation: Evaluation;
  readonly thresholds: Thresholds;
  readonly epochs: readonly EpochStats[];
  readonly bestEpoch: number;
  readonly datasetFacts: Readonly<Record<string, string | number>>;
  readonly window?: { readonly from: string; readonly to: string };
  readonly backend: string;
  readonly generatedAt: string;
}

export interface RenderedReport {
  readonly html: string;
  /** File name -> bytes, to be stored next to `index.html`. */
  readonly files: Readonly<Record<string, Buffer>>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
/** Areas under curves get 4 decimals: on easy data the differences live there. */
const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function rocPrCharts(ev: Evaluation): ChartSpec[] {
  const b = ev.baselineKind === 'gbt' ? 'gradient-boosted trees' : 'logistic regression';
  return [
    {
      title: 'ROC (test split)',
      xLabel: 'false-positive rate',
      yLabel: 'true-positive rate (recall)',
      x: [0, 1],
      y: [0, 1],
      diagonal: true,
      series: [
        { label: `GNN  AUC ${f4(ev.gnn.rocAuc)}`, colour: COLOURS.gnn, points: thin(ev.curves.gnn.roc) },
        { label: `${b}  AUC ${f4(ev.baseline.rocAuc)}`, colour: COLOURS.baseline, points: thin(ev.curves.baseline.roc), dashed: true },
      ],
    },
    {
      title: 'Precision-recall (test split)',
      xLabel: 'recall',
      yLabel: 'precision',
      x: [0, 1],
      y: [0, 1],
      legend: 'bottom-left',
      series: [
        { label: `GNN  AP ${f4(ev.gnn.prAuc)}`, colour: COLOURS.gnn, points: thin(ev.curves.gnn.pr) },
        { label: `${b}  AP ${f4(ev.baseline.prAuc)}`, colour: COLOURS.baseline, points: thin(ev.curves.baseline.pr), dashed: true },
      ],
    },
  ];
}

export function trainingCharts(epochs: readonly EpochStats[]): ChartSpec[] {
  return [
    { title: 'Training loss per epoch', xLabel: 'epoch', yLabel: 'weighted cross-entropy', legend: 'top-right', series: [{ label: 'train loss', colour: COLOURS.loss, points: epochs.map((e) => [e.epoch, e.loss]) }] },
    {
      title: 'Validation per epoch',
      xLabel: 'epoch',
      yLabel: 'area under curve',
      y: [Math.max(0, Math.min(...epochs.map((e) => Math.min(e.validationPrAuc, e.validationRocAuc))) - 0.05), 1],
      series: [
        { label: 'validation PR AUC', colour: COLOURS.gnn, points: epochs.map((e) => [e.epoch, e.validationPrAuc]) },
        { label: 'validation ROC AUC', colour: COLOURS.grey, points: epochs.map((e) => [e.epoch, e.validationRocAuc]), dashed: true },
      ],
    },
  ];
}

function metricRows(g: ModelMetrics, b: ModelMetrics): string {
  const rows: Array<[string, (m: ModelMetrics) => string, string]> = [
    ['PR AUC (average precision)', (m) => f4(m.prAuc), 'the headline number for rare fraud: 1 is perfect, the fraud rate is chance'],
    ['ROC AUC', (m) => f4(m.rocAuc), 'chance that a fraud scores above a legitimate order'],
    ['F1-macro', (m) => `${f3(m.f1Macro)} <small>at ${f3(m.f1Threshold)}</small>`, 'mean F1 of both classes, at the threshold best on validation'],
    ['Recall at 1% FPR', (m) => pct(m.recallAt1PctFpr), 'fraud caught when 1% of legitimate orders may be flagged'],
    ['Brier score', (m) => f3(m.brier), 'mean squared error of the probability (lower is better)'],
    ['Calibration error (ECE)', (m) => f3(m.ece), 'gap between predicted and observed fraud rate (baseline scores are not calibrated)'],
  ];
  return rows.map(([name, f, help]) => `<tr><th>${name}</th><td>${f(g)}</td><td>${f(b)}</td><td class="help">${help}</td></tr>`).join('\n');
}

/** The evaluation report: one self-contained HTML page (SVG charts inline) plus PNG plots beside it. */
export async function renderReport(input: ReportInput): Promise<RenderedReport> {
  const ev = input.evaluation;
  const rocPr = panelSvg(rocPrCharts(ev));
  const training = panelSvg(trainingCharts(input.epochs));
  const files = { 'roc-pr.png': await svgToPng(rocPr), 'training.png': await svgToPng(training) };
  const baselineName = ev.baselineKind === 'gbt' ? 'Gradient-boosted trees (features only)' : 'Logistic regression (features only)';
  const patterns = ev.patterns
    .map((p) => {
      const win = p.gnnPrAuc - p.baselinePrAuc;
      const cls = win >= 0.00005 ? 'win' : win <= -0.00005 ? 'loss' : '';
      return `<tr><th>${esc(p.pattern)}</th><td>${p.fraud}</td><td>${f4(p.gnnPrAuc)}</td><td>${f4(p.baselinePrAuc)}</td><td class="${cls}">${win >= 0 ? '+' : ''}${f4(win)}</td><td>${pct(p.gnnRecallAtReview)}</td><td>${pct(p.baselineRecallAtReview)}</td></tr>`;
    })
    .join('\n');
  const quirks = ev.quirks
    .map((q) => `<tr><th>${esc(q.quirk)}</th><td>${q.orders}</td><td>${q.gnnFlagged} (${pct(q.gnnFlagged / q.orders)})</td><td>${q.baselineFlagged} (${pct(q.baselineFlagged / q.orders)})</td></tr>`)
    .join('\n');
  const decisions = ev.decisions
    .map((d) => `<tr><th>${d.name}</th><td>${f3(d.threshold)}</td><td class="help">${esc(input.thresholds.basis?.[d.name] ?? '')}</td><td>${d.flagged}</td><td>${pct(d.precision)}</td><td>${pct(d.recall)}</td><td>${pct(d.fpr)}</td></tr>`)
    .join('\n');
  const facts = Object.entries(input.datasetFacts).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join('\n');
  const epochs = input.epochs
    .map((e) => `<tr${e.epoch === input.bestEpoch ? ' class="best"' : ''}><td>${e.epoch}</td><td>${e.loss.toFixed(4)}</td><td>${f3(e.validationRocAuc)}</td><td>${f3(e.validationPrAuc)}</td></tr>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fraud model ${esc(input.modelVersion)}: evaluation</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#1f2328;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #d0d7de;text-align:right}
th:first-child{text-align:left}thead th{background:#f6f8fa}.help{color:#57606a;text-align:left;font-size:.9em}
.win{color:#1a7f37;font-weight:bold}.loss{color:#cf222e;font-weight:bold}tr.best{background:#ddf4ff}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Fraud model <code>${esc(input.modelVersion)}</code></h1>
<p>Dataset <b>${esc(ev.dataset)}</b>${input.window ? `, data window ${esc(input.window.from)} to ${esc(input.window.to)}` : ''}. Evaluated on the held-out <b>test</b> split, which neither model trained on; thresholds and the F1 threshold were chosen on the validation split. Backend ${esc(input.backend)}, generated ${esc(input.generatedAt)}.</p>
<h2>GNN against a feature-only model</h2>
<p>The baseline sees exactly the same feature row of each order as the GNN, but none of its neighbours.</p>
<table><thead><tr><th>metric (test)</th><th>GNN</th><th>${esc(baselineName)}</th><th></th></tr></thead>
<tbody>${metricRows(ev.gnn, ev.baseline)}</tbody></table>
<p>${ev.gnn.examples} test examples, ${ev.gnn.fraud} fraud.</p>
${rocPr}
<p><a href="roc-pr.png">roc-pr.png</a></p>
<h2>Per fraud pattern</h2>
${ev.patterns.length ? `<p>Each row scores that pattern's fraud against every legitimate test example.</p>
<table><thead><tr><th>pattern</th><th>fraud (test)</th><th>GNN PR AUC</th><th>baseline PR AUC</th><th>GNN - baseline</th><th>GNN recall at review</th><th>baseline recall at its review threshold</th></tr></thead>
<tbody>${patterns}</tbody></table>` : '<p>The dataset has no <code>pattern</code> column.</p>'}
${ev.quirks.length ? `<h2>Legitimate orders that look unusual</h2>
<p>Honest orders the generator marks as unusual (first order minutes after sign-up, a new phone, travel, a gift, a shared tablet), and how many each model would send to review: where false positives come from.</p>
<table><thead><tr><th>quirk</th><th>legitimate orders (test)</th><th>GNN: to review</th><th>baseline: to review</th></tr></thead>
<tbody>${quirks}</tbody></table>` : ''}
<h2>Thresholds and what they do on the test split</h2>
<p>Scores are calibrated probabilities; an order is flagged when its probability is at or above a threshold. Change them with <code>thresholds --review/--decline/--alert</code> (see README-models.md); the model itself does not change.</p>
<table><thead><tr><th>decision</th><th>threshold</th><th>chosen for</th><th>flagged</th><th>precision</th><th>recall</th><th>false-positive rate</th></tr></thead>
<tbody>${decisions}</tbody></table>
<h2>Training</h2>
${training}
<p><a href="training.png">training.png</a>. The weights kept are those of the highlighted epoch (best validation ROC AUC).</p>
<table><thead><tr><th>epoch</th><th>loss</th><th>valid ROC AUC</th><th>valid PR AUC</th></tr></thead><tbody>${epochs}</tbody></table>
<h2>Data</h2>
<table><tbody>${facts}</tbody></table>
</body></html>
`;
  return { html, files };
}
