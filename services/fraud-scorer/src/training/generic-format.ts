import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { GENERIC_SAMPLER_DEFAULTS, GenericGraph, Splits, sampleNode, type GenericEdge, type GenericNode, type GenericSamplerOptions, type Split } from '../domain/gnn/generic-graph.js';
import { hashString } from '../domain/gnn/sampler.js';
import { CsvError, csvField, readCsv } from './csv.js';
import type { Dataset, LabelledExample } from './dataset.js';

/**
 * The generic graph dataset format (see README-models.md): a directory with
 *   nodes.csv  `id,label,split,<feature columns...>` plus optional `node_type` and `pattern`
 *   edges.csv  `src,dst,relation`
 * Every column of nodes.csv that is not reserved is a numeric feature (empty = 0).
 */
export const RESERVED_NODE_COLUMNS = ['id', 'label', 'split', 'node_type', 'pattern'] as const;
export const EDGE_COLUMNS = ['src', 'dst', 'relation'] as const;

export interface GenericData {
  readonly nodes: GenericNode[];
  readonly edges: GenericEdge[];
  readonly featureNames: string[];
}

export async function readGenericData(dir: string): Promise<GenericData> {
  const nodesFile = path.join(dir, 'nodes.csv');
  const edgesFile = path.join(dir, 'edges.csv');
  for (const f of [nodesFile, edgesFile]) if (!existsSync(f)) throw new Error(`${f} does not exist: a dataset directory holds nodes.csv and edges.csv`);

  const nodes: GenericNode[] = [];
  let featureNames: string[] = [];
  let col: Record<string, number> = {};
  let featureCols: number[] = [];
  const seen = new Set<string>();
  for await (const item of readCsv(nodesFile)) {
    if ('header' in item) {
      col = Object.fromEntries(item.header.map((h, i) => [h, i]));
      for (const required of ['id', 'label', 'split']) if (col[required] === undefined) throw new CsvError(nodesFile, 1, required, `missing required column "${required}"`);
      featureCols = item.header.map((_, i) => i).filter((i) => !(RESERVED_NODE_COLUMNS as readonly string[]).includes(item.header[i]!));
      featureNames = featureCols.map((i) => item.header[i]!);
      continue;
    }
    const { line, cells } = item;
    const cell = (name: string): string | undefined => (col[name] === undefined ? undefined : cells[col[name]!]);
    const id = cell('id')!;
    if (id === '') throw new CsvError(nodesFile, line, col.id! + 1, 'empty id');
    if (seen.has(id)) throw new CsvError(nodesFile, line, col.id! + 1, `duplicate node id ${JSON.stringify(id)}`);
    seen.add(id);
    const labelText = cell('label')!;
    if (!['', '0', '1'].includes(labelText)) throw new CsvError(nodesFile, line, col.label! + 1, `label must be 0, 1 or empty, got ${JSON.stringify(labelText)}`);
    const splitText = cell('split')!;
    if (splitText !== '' && !(Splits as readonly string[]).includes(splitText)) throw new CsvError(nodesFile, line, col.split! + 1, `split must be train, valid, test or empty, got ${JSON.stringify(splitText)}`);
    const features = featureCols.map((c) => {
      const text = cells[c]!;
      if (text === '') return 0;
      const v = Number(text);
      if (!Number.isFinite(v)) throw new CsvError(nodesFile, line, c + 1, `feature "${featureNames[featureCols.indexOf(c)]}" is not a finite number: ${JSON.stringify(text)}`);
      return v;
    });
    const nodeType = cell('node_type');
    const pattern = cell('pattern');
    nodes.push({
      id,
      label: labelText === '' ? undefined : labelText === '1' ? 1 : 0,
      split: splitText === '' ? undefined : (splitText as Split),
      ...(nodeType ? { nodeType } : {}),
      ...(pattern ? { pattern } : {}),
      features,
    });
  }

  const edges: GenericEdge[] = [];
  let ecol: Record<string, number> = {};
  for await (const item of readCsv(edgesFile)) {
    if ('header' in item) {
      ecol = Object.fromEntries(item.header.map((h, i) => [h, i]));
      for (const required of ['src', 'dst']) if (ecol[required] === undefined) throw new CsvError(edgesFile, 1, required, `missing required column "${required}"`);
      continue;
    }
    const { line, cells } = item;
    const src = cells[ecol.src!]!;
    const dst = cells[ecol.dst!]!;
    if (!seen.has(src)) throw new CsvError(edgesFile, line, ecol.src! + 1, `unknown node ${JSON.stringify(src)} (not in nodes.csv)`);
    if (!seen.has(dst)) throw new CsvError(edgesFile, line, ecol.dst! + 1, `unknown node ${JSON.stringify(dst)} (not in nodes.csv)`);
    edges.push({ src, dst, relation: (ecol.relation === undefined ? '' : cells[ecol.relation]!) || 'edge' });
  }
  return { nodes, edges, featureNames };
}

/**
 * Labelled nodes without a split are assigned one: 60/20/20 by a hash of the id, stratified by
 * label, so a dataset without splits still gets a reproducible held-out set.
 */
export function assignSplits(nodes: readonly GenericNode[]): Split[] {
  return nodes.map((n) => {
    if (n.split) return n.split;
    const b = hashString(`split|${n.id}`) % 10;
    return b < 6 ? 'train' : b < 8 ? 'valid' : 'test';
  });
}

export interface LoadGenericOptions extends Partial<GenericSamplerOptions> {
  readonly name?: string;
}

/** Reads a dataset directory and samples every labelled node's neighbourhood. */
export async function loadGenericDataset(dir: string, options: LoadGenericOptions = {}): Promise<Dataset & { graph: GenericGraph }> {
  const data = await readGenericData(dir);
  const graph = new GenericGraph(data.nodes, data.edges, data.featureNames);
  const splits = assignSplits(data.nodes);
  const sampler = { hop1Fanout: options.hop1Fanout ?? autoHop1Fanout(graph), ...(options.fanout ? { fanout: options.fanout } : {}), ...(options.seed ? { seed: options.seed } : {}) };
  const examples: LabelledExample[] = [];
  data.nodes.forEach((n, i) => {
    if (n.label === undefined) return;
    const subgraph = sampleNode(graph, i, sampler);
    examples.push({ id: n.id, subgraph, label: n.label, split: splits[i]!, ...(n.pattern ? { pattern: n.pattern } : {}) });
  });
  if (examples.length === 0) throw new Error(`${path.join(dir, 'nodes.csv')} has no labelled node (label 0 or 1)`);
  const first = examples[0]!.subgraph;
  return {
    name: options.name ?? path.basename(path.resolve(dir)),
    kind: 'generic',
    graph,
    layout: graph.layout,
    hop1Fanout: first.hop1Fanout ?? 1,
    fanout: first.fanout,
    examples,
    facts: { source: path.resolve(dir), sampling: `${sampler.hop1Fanout} x ${first.fanout} neighbours per relation (2 hops)`, nodes: graph.size, edges: graph.edgeCount(), relations: graph.relations.join(', '), features: graph.dim, 'labelled nodes': examples.length },
  };
}

/**
 * First-hop slots per relation, when not given: the 90th percentile of labelled nodes' degree in
 * their busiest relation, between 1 and the default. A graph where each transaction has one card,
 * one device, ... gets 1 (no padded slots: 8x less work); a review graph with many co-reviews gets 8.
 */
export function autoHop1Fanout(graph: GenericGraph): number {
  const degrees: number[] = [];
  for (let i = 0; i < graph.size; i++) {
    if (graph.labels[i]! < 0) continue;
    let d = 0;
    for (let r = 0; r < graph.relations.length; r++) d = Math.max(d, graph.neighbours(i, r).length);
    degrees.push(d);
  }
  degrees.sort((a, b) => a - b);
  const p90 = degrees[Math.floor(0.9 * (degrees.length - 1))] ?? 1;
  return Math.max(1, Math.min(GENERIC_SAMPLER_DEFAULTS.hop1Fanout, p90));
}

/** Writes nodes.csv and edges.csv; used by the synthetic exporter and tests. */
export async function writeGenericData(dir: string, data: GenericData): Promise<void> {
  await mkdir(dir, { recursive: true });
  const hasType = data.nodes.some((n) => n.nodeType);
  const hasPattern = data.nodes.some((n) => n.pattern);
  const header = ['id', 'label', 'split', ...(hasType ? ['node_type'] : []), ...(hasPattern ? ['pattern'] : []), ...data.featureNames];
  const out = createWriteStream(path.join(dir, 'nodes.csv'));
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(header.map(csvField).join(',') + '\n');
  for (const n of data.nodes) {
    const cells = [n.id, n.label ?? '', n.split ?? '', ...(hasType ? [n.nodeType ?? ''] : []), ...(hasPattern ? [n.pattern ?? ''] : []), ...Array.from(n.features, (v) => (v === 0 ? '0' : String(Number(v.toPrecision(6)))))];
    await write(cells.map(csvField).join(',') + '\n');
  }
  out.end();
  await once(out, 'finish');
  await writeFile(path.join(dir, 'edges.csv'), ['src,dst,relation', ...data.edges.map((e) => [e.src, e.dst, e.relation].map(csvField).join(','))].join('\n') + '\n');
}
