// The shape of src/, checked: no import circles (file or room), rooms entered only through their
// index.ts, no room importing a higher one, `vscode` only in src/extension. Uses TypeScript's own
// import scanner (imports, `import type`, re-exports, require(), import()), so nothing is guessed by regex.
// Run: `node scripts/check-imports.mjs [srcDir]` (exit 1 on any violation); `analyze()` for tests.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');

/**
 * Which top-level parts may import which (besides themselves): core < protocol < server, cli, extension.
 * Within a part the rooms' order is not listed: it is whatever order makes the room graph acyclic, and
 * a circle between rooms is reported.
 */
const MAY_IMPORT = {
  core: [],
  protocol: ['core'],
  server: ['core', 'protocol'],
  cli: ['core'],
  extension: ['core', 'protocol'],
};
/** Where `vscode` may be imported. */
const VSCODE_ALLOWED = ['extension'];

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `core/check`, `extension/gate`, `extension:services`, `server`, `protocol`: the room a file lives in. */
export function roomOf(rel) {
  const parts = rel.split('/');
  const part = parts[0].replace(/\.ts$/, '');
  if (part === 'core' || part === 'extension') {
    if (parts.length > 2) return `${part}/${parts[1]}`;
    // The files at the top of src/extension wire the rooms together (activate, its API, the shared
    // services type): each is its own node, so the services type may be imported by the rooms it wires.
    return `${part}:${parts[1].replace(/\.ts$/, '')}`;
  }
  return part;
}
const partOf = room => room.split(/[/:]/)[0];

function resolveImport(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base + '.ts', path.join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Strongly connected components with more than one file (or a file importing itself): the circles. */
function circles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], found = [];
  const visit = v => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** Rooms in an order where every room comes after the rooms it imports (when there is no circle). */
function roomOrder(graph) {
  const order = [], seen = new Set();
  const visit = v => { if (seen.has(v)) return; seen.add(v); for (const w of [...(graph.get(v) ?? [])].sort()) visit(w); order.push(v); };
  for (const v of [...graph.keys()].sort()) visit(v);
  return order;
}

export function analyze(srcDir) {
  const files = listTs(srcDir);
  const rel = f => path.relative(srcDir, f).split(path.sep).join('/');
  const fileGraph = new Map();
  const roomGraph = new Map();
  const problems = [];
  for (const file of files) {
    const from = rel(file);
    const fromRoom = roomOf(from);
    fileGraph.set(from, new Set());
    if (!roomGraph.has(fromRoom)) roomGraph.set(fromRoom, new Set());
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (spec === 'vscode' || spec.startsWith('vscode/')) {
        if (!VSCODE_ALLOWED.includes(partOf(fromRoom))) problems.push(`${from}: imports vscode (only src/extension may)`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = resolveImport(file, spec);
      if (!target) { problems.push(`${from}: cannot resolve '${spec}'`); continue; }
      const to = rel(target);
      if (to.startsWith('..')) continue;
      fileGraph.get(from).add(to);
      const toRoom = roomOf(to);
      if (toRoom === fromRoom) continue;
      roomGraph.get(fromRoom).add(toRoom);
      const [fromPart, toPart] = [partOf(fromRoom), partOf(toRoom)];
      if (fromPart !== toPart && !MAY_IMPORT[fromPart]?.includes(toPart)) {
        problems.push(`${from}: imports ${to} (${fromPart} must not import ${toPart})`);
      }
      // A room is entered through its door: core/<room>/index.ts (and extension/<room>/index.ts).
      const isRoomFolder = toRoom.includes('/');
      if (isRoomFolder && !to.endsWith('/index.ts')) problems.push(`${from}: imports ${to} past the door of ${toRoom} (use ${toRoom}/index.ts)`);
    }
  }
  for (const c of circles(fileGraph)) problems.push(`import circle: ${c.join(' → ')}`);
  for (const c of circles(roomGraph)) problems.push(`room circle: ${c.join(' ↔ ')}`);
  // Loose files directly in src/core: every core file belongs to a room.
  for (const f of files.map(rel)) if (/^core\/[^/]+\.ts$/.test(f)) problems.push(`${f}: a loose file in src/core (put it in a room)`);
  return { problems, files: files.length, rooms: roomOrder(roomGraph).filter(r => r.startsWith('core/')), roomGraph };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const srcDir = path.resolve(process.argv[2] ?? 'src');
  const { problems, files, rooms } = analyze(srcDir);
  if (problems.length) {
    console.error(problems.map(p => `  ${p}`).join('\n'));
    console.error(`check-imports: ${problems.length} problem(s) in ${files} files`);
    process.exit(1);
  }
  console.log(`check-imports: ${files} files, no circles; core rooms, lowest first: ${rooms.map(r => r.slice(5)).join(' → ')}`);
}
