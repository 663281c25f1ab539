/**
 * What one workspace folder declares: the files on disk as discovery last read them, overlaid by the
 * documents open in the editor (their unsaved text wins), plus `devcertDoctor.endpoints`. Kept per file,
 * because diagnostics are published per file and an edit replaces exactly one file's contribution.
 */
import { type DeclaredEndpoint, type DiscoveryResult, type DiscoveryWarning, type EndpointSource, normalizeEndpointUrl } from '../core/endpoints';
import { mergeEndpoints, type FileParse } from './discovery';
import { isInside, pathKey, pathToUri } from './uris';

export interface FileView {
  file: string;
  /** The URI diagnostics go to: the open document's own URI when open. */
  uri: string;
  parse: FileParse;
  /** The document's text when it is open (warnings underline their line with it). */
  text?: string;
}

function emptyParse(): FileParse { return { endpoints: [], certificates: [], warnings: [] }; }

/** Splits a merged discovery result back into each file's contribution. */
export function splitByFile(result: DiscoveryResult): Map<string, FileView> {
  const views = new Map<string, FileView>();
  const viewOf = (file: string): FileView => {
    const k = pathKey(file);
    let v = views.get(k);
    if (!v) { v = { file, uri: pathToUri(file), parse: emptyParse() }; views.set(k, v); }
    return v;
  };
  for (const e of result.endpoints) {
    const byFile = new Map<string, EndpointSource[]>();
    for (const s of e.sources) {
      if (!s.file) continue;
      const list = byFile.get(s.file);
      if (list) list.push(s); else byFile.set(s.file, [s]);
    }
    for (const [file, sources] of byFile) viewOf(file).parse.endpoints.push({ ...e, sources });
  }
  for (const c of result.defaultCertificates) if (c.source.file) viewOf(c.source.file).parse.certificates.push(c);
  for (const w of result.warnings) viewOf(w.file).parse.warnings.push(w);
  return views;
}

export class FolderState {
  private disk = new Map<string, FileView>();
  private readonly open = new Map<string, FileView>();
  private settingEndpoints: DeclaredEndpoint[] = [];
  private merged: DeclaredEndpoint[] | undefined;
  /** Discovery has run at least once (before that, only open documents are known). */
  discovered = false;

  /** `uri` '' and `path` undefined: the pseudo-folder for open files outside every workspace folder. */
  constructor(readonly uri: string, readonly path: string | undefined) {}

  setDiscovery(result: DiscoveryResult): void {
    this.disk = splitByFile(result);
    this.discovered = true;
    this.merged = undefined;
  }

  setOpen(file: string, uri: string, text: string, parse: FileParse): void {
    this.open.set(pathKey(file), { file, uri, parse, text });
    this.merged = undefined;
  }

  closeOpen(file: string): boolean {
    const had = this.open.delete(pathKey(file));
    this.merged = undefined;
    return had;
  }

  hasOpen(file: string): boolean { return this.open.has(pathKey(file)); }

  /** Drops the open documents of a path that was deleted on disk (a file, or every file in a folder). */
  forgetOpenUnder(deleted: string): void {
    for (const [key, view] of this.open) {
      if (isInside(deleted, view.file)) { this.open.delete(key); this.merged = undefined; }
    }
  }

  /** `devcertDoctor.endpoints`: URLs that are not https or not literal are ignored. */
  setSettingEndpoints(urls: string[]): void {
    this.settingEndpoints = [];
    for (const raw of urls) {
      const n = normalizeEndpointUrl(raw);
      if (!n) continue;
      const source: EndpointSource = { kind: 'setting', file: '', line: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, declared: raw };
      this.settingEndpoints.push({ ...n, sources: [source], certificates: [] });
    }
    this.merged = undefined;
  }

  /** Each file's effective contribution: the open document's, else the file on disk's. */
  files(): FileView[] {
    const out = new Map(this.disk);
    for (const [k, v] of this.open) out.set(k, v);
    return [...out.values()];
  }

  fileView(file: string): FileView | undefined {
    const k = pathKey(file);
    return this.open.get(k) ?? this.disk.get(k);
  }

  /** Every endpoint the folder declares, one per listener. */
  endpoints(): DeclaredEndpoint[] {
    this.merged ??= mergeEndpoints([...this.files().flatMap(f => f.parse.endpoints), ...this.settingEndpoints]);
    return this.merged;
  }

  warnings(): DiscoveryWarning[] {
    return this.files().flatMap(f => f.parse.warnings);
  }
}
