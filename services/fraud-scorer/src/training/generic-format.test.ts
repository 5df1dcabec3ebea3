import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvError, splitCsvLine } from './csv.js';
import { autoHop1Fanout, loadGenericDataset, readGenericData, writeGenericData } from './generic-format.js';
import { GenericGraph } from '../domain/gnn/generic-graph.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'generic-format-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(nodes: string, edges: string): Promise<void> {
  await writeFile(path.join(dir, 'nodes.csv'), nodes);
  await writeFile(path.join(dir, 'edges.csv'), edges);
}

/** The error the read throws, for asserting on its fields. */
async function failure(): Promise<CsvError> {
  try {
    await readGenericData(dir);
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error('expected the read to fail');
}

describe('splitCsvLine', () => {
  it('handles quotes, escaped quotes and commas inside quotes', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",', { file: 'f', line: 1 })).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(() => splitCsvLine('a,"b', { file: 'f.csv', line: 7 })).toThrow('f.csv:7: column 2: unterminated quoted field');
  });
});

describe('generic dataset format', () => {
  it('reads nodes and edges: features by column name, empty label = unlabelled, empty feature = 0', async () => {
    await files('id,label,split,node_type,amount,age\nt1,1,train,tx,10,\nt2,0,test,tx,"2.5",3\nc1,,,card,,\n', 'src,dst,relation\nt1,c1,card\nt2,c1,card\n');
    const data = await readGenericData(dir);
    expect(data.featureNames).toEqual(['amount', 'age']);
    expect(data.nodes.map((n) => [n.id, n.label, n.split, n.nodeType, Array.from(n.features)])).toEqual([
      ['t1', 1, 'train', 'tx', [10, 0]],
      ['t2', 0, 'test', 'tx', [2.5, 3]],
      ['c1', undefined, undefined, 'card', [0, 0]],
    ]);
    expect(data.edges).toEqual([
      { src: 't1', dst: 'c1', relation: 'card' },
      { src: 't2', dst: 'c1', relation: 'card' },
    ]);
  });

  it.each([
    ['a non-numeric feature', 'id,label,split,f0\nn1,0,train,1\nn2,1,train,abc\n', 'src,dst\nn1,n2\n', 'nodes.csv', 3, 4, /feature "f0" is not a finite number: "abc"/],
    ['a bad label', 'id,label,split,f0\nn1,yes,train,1\n', 'src,dst\nn1,n1\n', 'nodes.csv', 2, 2, /label must be 0, 1 or empty/],
    ['a bad split', 'id,label,split,f0\nn1,1,training,1\n', 'src,dst\nn1,n1\n', 'nodes.csv', 2, 3, /split must be train, valid, test or empty/],
    ['a short row', 'id,label,split,f0\nn1,1,train\n', 'src,dst\nn1,n1\n', 'nodes.csv', 2, 4, /expected 4 cells like the header, found 3/],
    ['a duplicate id', 'id,label,split,f0\nn1,1,train,1\nn1,0,train,2\n', 'src,dst\nn1,n1\n', 'nodes.csv', 3, 1, /duplicate node id "n1"/],
    ['an edge to an unknown node', 'id,label,split,f0\nn1,1,train,1\n', 'src,dst,relation\nn1,n1,a\n\nn1,zz,a\n', 'edges.csv', 4, 2, /unknown node "zz"/],
  ])('names file, line and column for %s', async (_name, nodes, edges, file, line, column, problem) => {
    await files(nodes, edges);
    const err = await failure();
    expect(path.basename(err.file)).toBe(file);
    expect(err.line).toBe(line);
    expect(err.column).toBe(column);
    expect(err.message).toMatch(problem);
    expect(err.message).toContain(`${file}:${line}: column ${column}:`);
  });

  it('names a missing required column', async () => {
    await files('id,split,f0\nn1,train,1\n', 'src,dst\nn1,n1\n');
    const err = await failure();
    expect(err.message).toMatch(/nodes\.csv:1: column "label": missing required column "label"/);
  });

  it('round-trips through writeGenericData, quoting ids that need it', async () => {
    const nodes = [
      { id: 'a,1', label: 1 as const, split: 'train' as const, nodeType: 'user', pattern: 'ring', features: [1.5, -2] },
      { id: 'say "b"', label: undefined, split: undefined, nodeType: 'device', features: [0, 0.25] },
    ];
    await writeGenericData(dir, { nodes, edges: [{ src: 'a,1', dst: 'say "b"', relation: 'device' }], featureNames: ['x', 'y'] });
    const back = await readGenericData(dir);
    expect(back.featureNames).toEqual(['x', 'y']);
    expect(back.nodes.map((n) => ({ ...n, features: Array.from(n.features) }))).toEqual(nodes);
    expect(back.edges).toEqual([{ src: 'a,1', dst: 'say "b"', relation: 'device' }]);
  });

  it('assigns reproducible splits to labelled nodes without one and samples only labelled nodes', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `n${i},${i % 10 === 0 ? 1 : 0},,${i}`);
    const edges = Array.from({ length: 199 }, (_, i) => `n${i},n${i + 1},next`);
    await files(`id,label,split,f0\n${rows.join('\n')}\nhub,,,0\n`, `src,dst,relation\n${edges.join('\n')}\n`);
    const a = await loadGenericDataset(dir);
    const b = await loadGenericDataset(dir);
    expect(a.examples).toHaveLength(200);
    expect(a.examples.map((e) => e.split)).toEqual(b.examples.map((e) => e.split));
    const counts = { train: 0, valid: 0, test: 0 };
    for (const e of a.examples) counts[e.split] += 1;
    expect(counts.train).toBeGreaterThan(90);
    expect(counts.valid).toBeGreaterThan(20);
    expect(counts.test).toBeGreaterThan(20);
    expect(a.layout).toEqual({ features: ['f0'], relations: ['next'] });
  });
});

describe('autoHop1Fanout', () => {
  const node = (id: string, label: 0 | 1 | undefined): { id: string; label: 0 | 1 | undefined; split: undefined; features: number[] } => ({ id, label, split: undefined, features: [1] });
  it('is 1 when each labelled node has one neighbour per relation, and capped at 8 for busy nodes', () => {
    const star = new GenericGraph([node('t1', 0), node('t2', 1), node('c', undefined)], [{ src: 't1', dst: 'c', relation: 'card' }, { src: 't2', dst: 'c', relation: 'card' }], ['f']);
    expect(autoHop1Fanout(star)).toBe(1);
    const ids = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const clique = new GenericGraph(ids.map((id) => node(id, 0)), ids.flatMap((a, i) => ids.slice(i + 1).map((b) => ({ src: a, dst: b, relation: 'same_product' }))), ['f']);
    expect(autoHop1Fanout(clique)).toBe(8);
  });
});
